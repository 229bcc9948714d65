import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// `medic validate a.yaml b.yaml` where a calls b: each file is read and validated once, and each
/// of its problems is listed once, under one name, however the command line spells it.
@Suite("Validating several files")
struct CheckFilesTests {
    /// A folder with `caller.yaml`, which calls `callee.yaml`, whose step `stray` no branch reaches.
    func layout() throws -> String {
        let folder = try TestSupport.temporaryDirectory()
        let callee = """
            medic: 1
            id: callee
            title: Callee
            steps:
              end: {kind: conclusion, title: e, why: w, outcome: no-fault, cause: none}
              stray: {kind: conclusion, title: s, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        try TestSupport.writeRunbook(TestSupport.callerRunbook(calling: "callee.yaml"), named: "caller.yaml", in: folder)
        try TestSupport.writeRunbook(callee, named: "callee.yaml", in: folder)
        return folder
    }

    @Test("a file named and also called is validated once: its warning is listed once", arguments: [false, true])
    func calleeOnce(_ calleeFirst: Bool) throws {
        let folder = try layout()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = [folder + "/caller.yaml", folder + "/callee.yaml"]
        let found = RunbookLoader().check(calleeFirst ? files.reversed() : files)
        let stray = found.filter { $0.message == "step 'stray' cannot be reached from the start" }
        #expect(stray.count == 1, "\(found)")
        #expect(stray.first?.location.file == folder + "/callee.yaml")
        // Nothing is lost against loading each file on its own.
        let each = Set(files.flatMap { RunbookLoader().loadBundle($0).diagnostics })
        #expect(Set(found) == each)
        #expect(found == found.sortedForDisplay())
    }

    @Test("a file named under another spelling of its path than its caller uses counts once")
    func spellings() throws {
        let folder = try layout()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let found = RunbookLoader().check([folder + "/caller.yaml", folder + "/./callee.yaml", folder + "//callee.yaml"])
        let stray = found.filter { $0.message == "step 'stray' cannot be reached from the start" }
        #expect(stray.count == 1, "\(found)")
        #expect(found.filter { $0.severity == .error }.isEmpty, "\(found)")
    }
}
