import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A refused `$((…))` is pointed at where it is written, the `$` of its `$((`, not at the start of
/// the word that holds it, in a plain scalar and in a block scalar alike, when the word began
/// earlier.
@Suite("Where an arithmetic refusal points")
struct ArithmeticLocationTests {
    static let runbook = """
        medic: 1
        id: arith
        title: Arith
        steps:
          plain:
            kind: check
            title: Plain
            why: w
            script: echo n=$(( APP_PORT ))
            branches:
              - otherwise: block
          block:
            kind: check
            title: Block
            why: w
            script: |
              echo "the first line
              then $(( APP_PORT ))"
            branches:
              - otherwise: assigns
          assigns:
            kind: check
            title: Assigns
            why: w
            script: echo "n=$(( x = 1 ))"
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """

    @Test("each refusal's line and column are those of its $((")
    func located() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeRunbook(Self.runbook, named: "arith.yaml", in: folder)
        let found = RunbookLoader().loadBundle(folder + "/arith.yaml").diagnostics.filter { $0.severity == .error }
        func location(_ step: String) -> String? {
            found.first { $0.message.hasPrefix("check '\(step)' must be provably read-only") }.map { "\($0.location.line):\($0.location.column)" }
        }
        // `    script: echo n=$(( APP_PORT ))`: the scalar starts at column 13, the word `n=…` at
        // 18, its `$((` at 20.
        #expect(location("plain") == "9:20", "\(found)")
        // The word opens on the block's first line (17); its `$((` is on the next, past the
        // block's six spaces of indentation and `then `.
        #expect(location("block") == "18:12", "\(found)")
        // `    script: echo "n=$(( x = 1 ))"`: the word starts at 18, its `$((` at 21.
        #expect(location("assigns") == "25:21", "\(found)")
        #expect(found.count == 3, "\(found)")
    }
}
