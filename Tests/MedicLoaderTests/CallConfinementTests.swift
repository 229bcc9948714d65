import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A `runbook` step may call only runbooks in the root runbook's folder tree, symbolic links
/// resolved; and a called file that is no runbook is refused without quoting a line of it.
@Suite("Called runbooks stay in the runbook's folder")
struct CallConfinementTests {
    static let secret = "root:x:hunter2-secret-line\nsecond: hunter2 again\n"

    /// `tree/caller.yaml` calling `target`, beside `outside/secret` holding `secret`.
    func layout(calling target: String) throws -> (tree: String, caller: String) {
        let base = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base + "/tree/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try Self.secret.write(toFile: base + "/outside/secret", atomically: true, encoding: .utf8)
        let caller = try TestSupport.writeRunbook(TestSupport.callerRunbook(calling: target), named: "caller.yaml", in: base + "/tree")
        return (base + "/tree", caller)
    }

    func errors(_ caller: String) -> [Diagnostic] {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(caller)
        #expect(bundle == nil)
        #expect(!diagnostics.contains { $0.description.contains("hunter2") }, "\(diagnostics)")
        return diagnostics.filter { $0.severity == .error }
    }

    @Test("a path with .. out of the folder is refused at the call", arguments: ["../outside/secret", "../../../../../../../../../etc/passwd"])
    func dotDot(target: String) throws {
        let (tree, caller) = try layout(calling: target)
        let found = errors(caller)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.location.file == caller)
        #expect(found.first?.location.line == 9)
        let real = try #require(realpath(tree, nil))
        defer { free(real) }
        let folder = String(cString: real)
        #expect(found.first?.message == "step 'call' calls '\(target)', which is outside the folder of the runbook being run (\(folder))")
    }

    @Test("a symbolic link in the folder that points out of it is refused at the call")
    func symlink() throws {
        let (tree, caller) = try layout(calling: "sub/link.yaml")
        try FileManager.default.createSymbolicLink(atPath: tree + "/sub/link.yaml", withDestinationPath: tree + "/../outside/secret")
        let found = errors(caller)
        #expect(found.count == 1 && found.first?.message.contains("which is outside the folder") == true, "\(found)")
    }

    @Test("a called file in the folder that is no runbook gets one error and none of its lines")
    func notARunbook() throws {
        let (tree, caller) = try layout(calling: "sub/notes.yaml")
        try Self.secret.write(toFile: tree + "/sub/notes.yaml", atomically: true, encoding: .utf8)
        let found = errors(caller)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.location.file == tree + "/sub/notes.yaml")
        #expect(found.first?.message == "is not a runbook (no 'medic:' line at the top level); nothing of its content is shown")
    }

    @Test("a runbook in a subfolder is called as before")
    func subfolder() throws {
        let (tree, caller) = try layout(calling: "sub/callee.yaml")
        let callee =
            "medic: 1\nid: callee\ntitle: Callee\nsteps:\n  end:\n"
            + "    kind: conclusion\n    title: e\n    why: w\n    outcome: no-fault\n    cause: none\n"
            + "causes:\n  none: {title: \"No fault found\", description: \"In this test, no fault found.\"}\n"
        try TestSupport.writeRunbook(callee, named: "sub/callee.yaml", in: tree)
        let (bundle, diagnostics) = RunbookLoader().loadBundle(caller)
        #expect(bundle != nil, "\(diagnostics)")
    }
}
