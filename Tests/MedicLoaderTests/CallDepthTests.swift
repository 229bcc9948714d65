import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Chains of called runbooks, generated: deep nesting is refused at validation with a located
/// error, and nothing in loading or validating recurses once per link of the chain.
@Suite("Chains of called runbooks")
struct CallDepthTests {
    /// Writes `count` runbooks `link-0.yaml` … where each calls the next; returns the folder.
    func chain(of count: Int) throws -> String {
        let folder = try TestSupport.temporaryDirectory()
        for index in 0..<count {
            let call =
                index + 1 < count
                ? """
                  next:
                    kind: runbook
                    title: Next
                    why: w
                    runbook: link-\(index + 1).yaml
                    branches:
                      - otherwise: end

                """ : ""
            let text = """
                medic: 1
                id: link-\(index)
                title: Link \(index)
                steps:
                \(call)\(TestSupport.runbookEnding())
                """
            try TestSupport.writeRunbook(text, named: "link-\(index).yaml", in: folder)
        }
        return folder
    }

    @Test("a chain of exactly the limit is valid")
    func atTheLimit() throws {
        let folder = try chain(of: Validator.maximumCallDepth)
        let (bundle, diagnostics) = RunbookLoader().loadBundle(folder + "/link-0.yaml")
        #expect(bundle != nil, "\(diagnostics)")
        #expect(!diagnostics.hasErrors)
    }

    @Test("a chain one past the limit, or 2,000 long, is refused at the call that goes past it", arguments: [33, 2000])
    func pastTheLimit(length: Int) throws {
        let folder = try chain(of: length)
        let (bundle, diagnostics) = RunbookLoader().loadBundle(folder + "/link-0.yaml")
        #expect(bundle == nil)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.location.file == "\(folder)/link-31.yaml")
        #expect(
            error.message
                == "'next' calls link-32.yaml, runbook 33 of a chain of \(length) called runbooks; calls nest at most 32 deep")
    }
}
