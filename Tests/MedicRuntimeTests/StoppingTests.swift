import Foundation
import Glibc
import MedicCore
import MedicRuntime
import Testing

@Suite("Timeouts, cancellation and background processes")
struct StoppingTests {
    /// The pids a script printed, one per line.
    private func pids(in ran: Ran) -> [pid_t] {
        ran.text.split(separator: "\n").compactMap { pid_t($0) }
    }

    @Test("a timeout stops the whole process group promptly: the script and both sleeps")
    func timeoutKillsGroup() {
        let start = ContinuousClock.now
        // `exec` makes the second sleep the script's own pid, so both sleeps have a known pid.
        let ran = run(.script("sleep 100 & echo $!; echo $$; exec sleep 100"), timeout: TimeSpan(milliseconds: 500))
        let elapsed = milliseconds(since: start)
        #expect(ran.result.timedOut)
        #expect(!ran.result.cancelled)
        #expect(ran.result.exitStatus == 143)
        #expect(ran.result.failureReason == nil)
        #expect(elapsed < 2000, "took \(elapsed) ms")
        let started = pids(in: ran)
        #expect(started.count == 2)
        for pid in started { #expect(Processes.isGone(pid, within: 2000), "pid \(pid) survived") }
    }

    @Test("a timeout leaves no process of the group alive, whatever the shell forked")
    func timeoutLeavesNoneOfTheGroup() {
        let ran = run(.script("sleep 100 & sleep 100 & echo $$; sleep 100"), timeout: TimeSpan(milliseconds: 300))
        #expect(ran.result.timedOut)
        let group = pids(in: ran).first ?? 0
        #expect(group > 0)
        let start = ContinuousClock.now
        while !Processes.living(inGroup: group).isEmpty && milliseconds(since: start) < 2000 { usleep(20_000) }
        #expect(Processes.living(inGroup: group).isEmpty)
    }

    @Test("a group that ignores SIGTERM gets SIGKILL after the grace")
    func graceThenKill() {
        let start = ContinuousClock.now
        let runner = LocalRunner(graceSeconds: 0.3)
        let ran = run(.script("trap '' TERM; sleep 100 & echo $!; echo $$; wait"), timeout: TimeSpan(milliseconds: 300), on: runner)
        let elapsed = milliseconds(since: start)
        #expect(ran.result.timedOut)
        #expect(ran.result.exitStatus == 137)
        #expect(ran.result.failureReason == nil)
        #expect(elapsed >= 590 && elapsed < 3000, "took \(elapsed) ms")
        for pid in pids(in: ran) { #expect(Processes.isGone(pid, within: 2000), "pid \(pid) survived") }
    }

    @Test("a background process holding an action's output open does not hang the runner, and is not killed")
    func lingeringGrandchild() {
        let start = ContinuousClock.now
        // An action: a check's background children are ended (LeftoverTests).
        var bytes: [UInt8] = []
        let action = Invocation(
            stepID: "act", kind: .action, placement: .local, timeout: .seconds(20), payload: .script("sleep 30 & echo $!; echo parent done"),
            environment: [:], secrets: [])
        let result = LocalRunner().run(action) { bytes += $0 }
        let ran = Ran(result: result, bytes: bytes, chunkSizes: [])
        let elapsed = milliseconds(since: start)
        #expect(ran.result.exitStatus == 0)
        #expect(!ran.result.timedOut)
        #expect(elapsed < 1000, "took \(elapsed) ms")
        #expect(ran.text.hasSuffix("parent done\n"))
        guard let daemon = pids(in: ran).first else {
            Issue.record("no pid printed")
            return
        }
        // An action may legitimately start a daemon: a normal exit kills nothing.
        #expect(!Processes.isGone(daemon))
        kill(daemon, SIGKILL)
    }

    @Test("a byte on the interrupt pipe cancels the step and is drained")
    func cancellation() throws {
        let interrupt = try InterruptPipe()
        defer { interrupt.close() }
        let runner = LocalRunner(interruptDescriptor: interrupt.readEnd, graceSeconds: 1)
        interrupt.raise(afterMilliseconds: 300)
        let start = ContinuousClock.now
        let ran = run(.script("echo started; sleep 100 & echo $!; sleep 100"), on: runner)
        let elapsed = milliseconds(since: start)
        #expect(ran.result.cancelled)
        #expect(!ran.result.timedOut)
        #expect(ran.result.exitStatus == 143)
        #expect(ran.result.failureReason == nil)
        #expect(ran.text.hasPrefix("started\n"))
        #expect(elapsed >= 290 && elapsed < 2000, "took \(elapsed) ms")
        #expect(!interrupt.hasUnreadBytes)
        for pid in pids(in: ran) { #expect(Processes.isGone(pid, within: 2000), "pid \(pid) survived") }

        // The drained interrupt does not cancel the next step.
        let next = run(.command(argv: ["true"]), on: runner)
        #expect(!next.result.cancelled)
        #expect(next.result.exitStatus == 0)
    }
}
