import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

/// A child that leaves a step's process group with its environment cleared (`setsid env -i`)
/// carries no step mark; Medic, a child subreaper, still finds it: a check's is ended by pid and
/// reaped, an action's named and left running. Run through the real binary, whose only steps
/// are its own (this test process runs many at once).
@Suite("Escapees that clear their environment")
struct EnvEscapeeTests {
    @Test("a check's setsid env -i child is ended and named; an earlier action's is named and left running")
    func clearedEnvironment() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try CommandLineTests().medic(
            ["run", "Tests/MedicCLITests/Fixtures/env-escapee.yaml", "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/s"], stdin: "",
            environment: ["XDG_STATE_HOME": dir])
        let written = try String(contentsOfFile: dir + "/action.pid", encoding: .utf8)
        let actionEscapee = try #require(pid_t(written.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer {
            // Medic is gone: the sleep is init's child now, or this test process's when it is a subreaper.
            kill(actionEscapee, SIGKILL)
            _ = waitpid(actionEscapee, nil, WNOHANG)
        }
        #expect(run.status == 5, "\(run.output)\(run.error)")
        #expect(run.output.contains("'leave' started 1 process that left its process group and is still running: sleep (pid \(actionEscapee))"))
        #expect(kill(actionEscapee, 0) == 0, "an action's escapee is its business")
        let lines = run.output.split(separator: "\n")
        let printed = lines.first { $0.hasPrefix("  │ ") && Int($0.dropFirst(4)) != nil }
        let checkEscapee = try #require(printed.flatMap { pid_t($0.dropFirst(4)) })
        #expect(
            run.output.contains(
                "Medic ended 1 process 'look' started that left its process group (a new session, as setsid makes): sleep (pid \(checkEscapee))"))
        #expect(access("/proc/\(checkEscapee)", F_OK) != 0, "ended and reaped")
    }
}
