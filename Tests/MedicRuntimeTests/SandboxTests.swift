import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// Checks run confined: no_new_privs always, and, where the kernel allows, a private mount
/// namespace where everything is read-only but a scratch tmpfs. Actions run unconfined.
@Suite("The check sandbox")
struct SandboxTests {
    static let mountsReason = "the mount namespace is not available here: \(CheckSandbox.detected.unavailableReason ?? "")"

    func check(_ script: String, writable: Bool = false, kind: Step.Kind = .check, on runner: LocalRunner = LocalRunner()) -> Ran {
        var invocation = invocation(.script(script))
        invocation.kind = kind
        invocation.writableFileSystem = writable
        var bytes: [UInt8] = []
        let result = runner.run(invocation) { bytes += $0 }
        return Ran(result: result, bytes: bytes, chunkSizes: [])
    }

    @Test("a check runs with no_new_privs, so no setuid program can raise its privileges; an action does not")
    func noNewPrivs() {
        #expect(check("grep '^NoNewPrivs:' /proc/self/status").text == "NoNewPrivs:\t1\n")
        #expect(check("grep '^NoNewPrivs:' /proc/self/status", kind: .action).text == "NoNewPrivs:\t0\n")
        // Even without the mount namespace, no_new_privs stays.
        let plain = LocalRunner(sandbox: .privilegesOnly(reason: "test"))
        #expect(check("grep '^NoNewPrivs:' /proc/self/status", on: plain).text == "NoNewPrivs:\t1\n")
    }

    @Test("a setuid program cannot gain its owner's privileges in a check")
    func setuidBlocked() throws {
        // A copy of `id` made setuid to nobody: run by root, it would become nobody (euid 65534);
        // under no_new_privs the setuid bit is ignored and it stays root.
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard getuid() == 0 else { return }
        let copy = dir + "/id-setuid"
        try FileManager.default.copyItem(atPath: "/usr/bin/id", toPath: copy)
        #expect(chown(copy, 65534, 65534) == 0)
        #expect(chmod(copy, 0o4755) == 0)
        #expect(check("'\(copy)' -u", kind: .action).text == "65534\n", "the setuid bit works outside the sandbox")
        #expect(check("'\(copy)' -u").text == "0\n", "inside, it is ignored")
    }

    @Test(
        "a check cannot write a file outside its scratch folder; it can write in $TMPDIR, which is gone afterwards",
        .enabled(if: CheckSandbox.detected.confinesMounts, Comment(rawValue: mountsReason)))
    func readOnlyFileSystem() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outside = dir + "/written-by-a-check"
        let ran = check(
            """
            echo x > '\(outside)' || echo refused
            mkdir '\(dir)/sub' 2>/dev/null || echo mkdir-refused
            echo kept > "$TMPDIR/f" && cat "$TMPDIR/f" && echo "$TMPDIR"
            """)
        let lines = ran.text.split(separator: "\n").map(String.init)
        #expect(ran.text.contains("Read-only file system"), "\(ran.text)")
        #expect(lines.contains("refused") && lines.contains("mkdir-refused") && lines.contains("kept"), "\(ran.text)")
        #expect(!FileManager.default.fileExists(atPath: outside))
        let scratch = try #require(lines.last)
        #expect(scratch.contains("/medic-scratch-"))
        #expect(!FileManager.default.fileExists(atPath: scratch), "the scratch folder is removed after the check")
        // The same script as an action, and as a check whose runbook asks for the writable file
        // system, writes for real.
        _ = check("echo x > '\(outside)'", kind: .action)
        #expect(FileManager.default.fileExists(atPath: outside))
        try FileManager.default.removeItem(atPath: outside)
        let writable = check("echo x > '\(outside)' && grep '^NoNewPrivs:' /proc/self/status", writable: true)
        #expect(FileManager.default.fileExists(atPath: outside))
        #expect(writable.text == "NoNewPrivs:\t1\n", "still under no_new_privs")
    }

    @Test(
        "the confinement does not leak: the host's mounts are unchanged after a check",
        .enabled(if: CheckSandbox.detected.confinesMounts, Comment(rawValue: mountsReason)))
    func hostUnchanged() throws {
        let before = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        _ = check("true")
        let after = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(before == after)
        let probe = "/tmp/medic-sandbox-probe-\(getpid())"
        #expect(FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)), "the host's file system is still writable")
        try? FileManager.default.removeItem(atPath: probe)
    }

    @Test("where the mount namespace is unavailable, the runner says so in one sentence")
    func degraded() {
        let runner = LocalRunner(sandbox: .privilegesOnly(reason: "could not unshare the mount namespace (operation not permitted)"))
        #expect(
            runner.sandbox.note
                == "checks run with no_new_privs only, not in a read-only mount namespace: could not unshare the mount namespace (operation not permitted)"
        )
        #expect(check("echo ok", on: runner).text == "ok\n")
        #expect(LocalRunner(sandbox: .full).sandbox.note == nil)
    }

    @Test("a program that is not found is still explained when it runs confined")
    func notFound() {
        let ran = run(.command(argv: ["medic-no-such-program"]))
        #expect(ran.result.failureReason == "program 'medic-no-such-program' was not found on PATH")
    }
}
