import Glibc
import MedicCore
import Testing

@testable import MedicRuntime

/// What a program leaves running in the background when it exits: a check's is ended and
/// named, an action's is named and left alone.
@Suite("Background children left behind")
struct LeftoverTests {
    /// The pid a script printed on its first line.
    func pid(in output: String) -> pid_t? { output.split(separator: "\n").first.flatMap { pid_t($0) } }

    @Test("a check that leaves sleep 1007 & running: Medic ends it when the check exits and names it")
    func checkLeftoversEnded() throws {
        let (payload, timeout) = (Invocation.Payload.script("sleep 1007 & echo $!"), TimeSpan.seconds(20))
        var bytes: [UInt8] = []
        let result = LocalRunner().run(invocation(payload, timeout: timeout)) { bytes += $0 }
        let child = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        #expect(result.exitStatus == 0)
        #expect(result.leftovers == ["sleep (pid \(child))"] && result.leftoversEnded)
        #expect(Processes.isGone(child, within: 2000), "the background sleep was ended")
    }

    @Test("an action that leaves a background child: it is named and left running")
    func actionLeftoversLeft() throws {
        let action = Invocation(
            stepID: "act", kind: .action, placement: .local, timeout: .seconds(20), payload: .script("sleep 1008 & echo $!"), environment: [:],
            secrets: [])
        var bytes: [UInt8] = []
        let result = LocalRunner().run(action) { bytes += $0 }
        let child = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        defer { kill(child, SIGKILL) }
        #expect(result.leftovers == ["sleep (pid \(child))"] && !result.leftoversEnded)
        #expect(!Processes.isGone(child), "an action's background child is its business")
    }

    /// The pids a script printed, one a line.
    func pids(in output: String) -> [pid_t] { output.split(separator: "\n").compactMap { pid_t($0) } }

    /// Whether `pid` is gone entirely: neither running nor a zombie waiting to be reaped.
    func isReaped(_ pid: pid_t) -> Bool { access("/proc/\(pid)", F_OK) != 0 }

    @Test("a check whose child leaves its group with setsid: Medic ends it by pid, names it, and reaps it")
    func checkEscapeeEnded() throws {
        // setsid in a background job runs its program in a new session, outside the check's
        // process group; the program prints its pid, then becomes the sleep.
        let script = "setsid sh -c 'echo $$; exec sleep 1009' & sleep 0.5"
        var bytes: [UInt8] = []
        let result = LocalRunner().run(invocation(.script(script))) { bytes += $0 }
        let escaped = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        #expect(result.exitStatus == 0)
        #expect(result.leftovers.isEmpty, "it is not in the check's group")
        #expect(result.escapees == ["sleep (pid \(escaped))"] && result.leftoversEnded)
        #expect(isReaped(escaped), "ended and reaped: no zombie is left")
    }

    @Test("a double fork into a new session with a child of its own: both are ended and reaped")
    func checkEscapeeTreeEnded() throws {
        let script = "(setsid sh -c 'echo $$; sleep 1010 & echo $!; wait' &); sleep 0.5"
        var bytes: [UInt8] = []
        let result = LocalRunner().run(invocation(.script(script))) { bytes += $0 }
        let started = pids(in: String(decoding: bytes, as: UTF8.self))
        try #require(started.count == 2)
        #expect(result.escapees == ["sh (pid \(started[0]))", "sleep (pid \(started[1]))"] && result.leftoversEnded)
        #expect(started.allSatisfy(isReaped), "ended and reaped: no zombie is left")
    }

    @Test("an action whose child leaves its group: it is named, left running, and Medic is its parent")
    func actionEscapeeLeft() throws {
        let action = Invocation(
            stepID: "act", kind: .action, placement: .local, timeout: .seconds(20),
            payload: .script("setsid sh -c 'echo $$; exec sleep 1011' & sleep 0.5"), environment: [:], secrets: [])
        var bytes: [UInt8] = []
        let result = LocalRunner().run(action) { bytes += $0 }
        let escaped = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        defer {
            // Adopted as a child subreaper, it is this process's child: end and reap it.
            kill(escaped, SIGKILL)
            _ = waitpid(escaped, nil, 0)
        }
        #expect(result.escapees == ["sleep (pid \(escaped))"] && !result.leftoversEnded)
        #expect(!Processes.isGone(escaped), "an action's escaped child is its business")
        #expect(ProcStat(escaped)?.parent == getpid(), "its shell exited, so it was handed to Medic, not init")
    }
}
