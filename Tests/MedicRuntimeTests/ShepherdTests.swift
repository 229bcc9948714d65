import Dispatch
import Foundation
import Glibc
import MedicCore
import Testing

@testable import MedicRuntime

/// A step's escapees that cleared their environment before leaving its process group (`env -i`),
/// found by the step's shepherd, a child subreaper for that step's tree alone: a check's are
/// ended and named, an action's named and left running, and a step never takes another's.
@Suite("Escapees found by the step's shepherd")
struct ShepherdTests {
    /// The pids a script printed, one a line.
    func pids(in bytes: [UInt8]) -> [pid_t] { String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { pid_t($0) } }

    /// Whether `pid` is gone entirely: neither running nor a zombie waiting to be reaped.
    func isReaped(_ pid: pid_t) -> Bool { access("/proc/\(pid)", F_OK) != 0 }

    /// Runs `script` as a check on a fresh runner and returns its result and the pids it printed.
    func check(_ script: String, timeout: TimeSpan = .seconds(20), runner: LocalRunner = LocalRunner()) -> (StepResult, [pid_t]) {
        var bytes: [UInt8] = []
        let result = runner.run(invocation(.script(script), timeout: timeout)) { bytes += $0 }
        return (result, pids(in: bytes))
    }

    /// Runs `script` as an action and returns its result and the pids it printed.
    func action(_ script: String) -> (StepResult, [pid_t]) {
        let action = Invocation(
            stepID: "act", kind: .action, placement: .local, timeout: .seconds(20), payload: .script(script), environment: [:], secrets: [])
        var bytes: [UInt8] = []
        let result = LocalRunner().run(action) { bytes += $0 }
        return (result, pids(in: bytes))
    }

    /// Ends and reaps a process an action left running (handed to this process, a subreaper).
    func endLeftRunning(_ pid: pid_t) {
        kill(pid, SIGKILL)
        _ = waitpid(pid, nil, 0)
    }

    @Test(
        "a check whose child leaves its group with its environment cleared is ended, named and reaped",
        arguments: [
            // setsid in a background job (no job control, so not a group leader: it does not fork).
            "setsid env -i sleep 1021 & echo $!; sleep 0.3",
            // env -i first, then a new session whose shell leaves a sleep behind.
            "env -i setsid sh -c 'sleep 1022 & echo $!'; sleep 0.3",
            // A double fork after env -i: the subshell exits, its setsid child is orphaned.
            "env -i sh -c '(setsid sleep 1023 & echo $!) &'; sleep 0.3",
        ])
    func checkEnvClearedEscapeeEnded(script: String) throws {
        let (result, started) = check(script)
        let escaped = try #require(started.first)
        #expect(result.exitStatus == 0)
        #expect(result.leftovers.isEmpty, "it is not in the check's group")
        #expect(result.escapees == ["sleep (pid \(escaped))"] && result.leftoversEnded)
        #expect(isReaped(escaped), "ended and reaped: nothing is left running, no zombie either")
    }

    @Test("an action whose child leaves its group with its environment cleared: it is named and left running, Medic its parent")
    func actionEnvClearedEscapeeNamed() throws {
        let (result, started) = action("setsid env -i sleep 1024 & echo $!; sleep 0.3")
        let escaped = try #require(started.first)
        defer { endLeftRunning(escaped) }
        #expect(result.exitStatus == 0)
        #expect(result.escapees == ["sleep (pid \(escaped))"] && !result.leftoversEnded)
        #expect(!Processes.isGone(escaped), "an action's escaped child is its business")
        #expect(ProcStat(escaped)?.parent == getpid(), "its shepherd exited, so it was handed to Medic, not init")
        let environment = ProcStat.read("/proc/\(escaped)/environ", limit: 4096)
        #expect(environment == nil, "it really runs with an empty environment")
    }

    @Test("a check that times out: its group and its env -i escapee are both ended")
    func timedOutCheckEndsEscapee() throws {
        let (result, started) = check("setsid env -i sleep 1025 & echo $!; sleep 30", timeout: TimeSpan(milliseconds: 800))
        let escaped = try #require(started.first)
        #expect(result.timedOut)
        #expect(result.escapees == ["sleep (pid \(escaped))"])
        #expect(isReaped(escaped))
    }

    @Test("a check cancelled with Ctrl-C: its env -i escapee is ended too")
    func cancelledCheckEndsEscapee() throws {
        let interrupt = try InterruptPipe()
        defer { interrupt.close() }
        interrupt.raise(afterMilliseconds: 600)
        let (result, started) = check(
            "setsid env -i sleep 1026 & echo $!; sleep 30", runner: LocalRunner(interruptDescriptor: interrupt.readEnd, graceSeconds: 1))
        let escaped = try #require(started.first)
        #expect(result.cancelled)
        #expect(result.escapees == ["sleep (pid \(escaped))"])
        #expect(isReaped(escaped))
    }

    @Test("the program's exit status and signal pass through its shepherd unchanged")
    func statusRelayed() {
        #expect(check("exit 7").0.exitStatus == 7)
        let killed = check("kill -SEGV $$").0
        #expect(killed.exitStatus == 128 + Int(SIGSEGV))
        #expect(killed.failureReason == WaitStatus.describe(signal: SIGSEGV))
        #expect(check("exec env -i true").0.exitStatus == 0)
    }

    @Test("a step that kills its own shepherd: its status still arrives, and the result says what was not looked for")
    func killedShepherdIsSaid() throws {
        let (result, started) = check("kill -9 $PPID; setsid env -i sleep 1027 & echo $!; sleep 0.3")
        let escaped = try #require(started.first)
        defer { endLeftRunning(escaped) }
        #expect(result.exitStatus == 0)
        #expect(result.escapees.isEmpty)
        #expect(
            result.failureReason == "what the program left running outside its process group was not all ended: its shepherd ended first")
    }

    /// A cgroup v1 freezer folder of this test's own, where a frozen process cannot die until it
    /// is thawed: SIGKILL stays pending (cgroup v2's freezer lets it through, so v1 only).
    static let freezer = "/sys/fs/cgroup/freezer"
    static var canFreeze: Bool { getuid() == 0 && access(freezer + "/tasks", W_OK) == 0 }

    @Test(
        "a check's escapee that cannot be ended within 2 s is not said to be ended: the result counts what still ran",
        .enabled(if: ShepherdTests.canFreeze, "needs root and the cgroup v1 freezer"))
    func survivorIsSaid() throws {
        let folder = "\(Self.freezer)/medic-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var frozen: pid_t = 0
        // As soon as the check prints its escapee's pid, this test freezes it: the shepherd's
        // SIGKILL then waits in vain until the test thaws it.
        var bytes: [UInt8] = []
        let result = LocalRunner().run(invocation(.script("setsid env -i sleep 1060 & echo $!; sleep 1"), timeout: .seconds(20))) { chunk in
            bytes += chunk
            guard frozen == 0, let pid = self.pids(in: bytes).first else { return }
            frozen = pid
            try? "\(pid)\n".write(toFile: folder + "/tasks", atomically: false, encoding: .utf8)
            try? "FROZEN\n".write(toFile: folder + "/freezer.state", atomically: false, encoding: .utf8)
        }
        defer {
            try? "THAWED\n".write(toFile: folder + "/freezer.state", atomically: false, encoding: .utf8)
            if frozen > 0 {
                kill(frozen, SIGKILL)
                _ = waitpid(frozen, nil, 0)
            }
        }
        try #require(frozen > 0)
        #expect(result.escapees == ["sleep (pid \(frozen))"])
        #expect(result.escapeesSurvived == 1 && result.failureReason == nil)
    }

    @Test("steps running at once in one process: each names and ends only what its own program started")
    func concurrentStepsKeepToTheirOwn() throws {
        // Actions whose escapees are orphaned at once and outlive every check, and checks that
        // end while those run: a check must never take an action's (or another check's) process.
        let rounds = 3
        let results = Outcomes()
        let group = DispatchGroup()
        var threads: [Thread] = []
        for index in 0..<rounds {
            for kind in ["action", "check"] {
                group.enter()
                let thread = Thread {
                    let actionScript = "(setsid env -i sleep \(1030 + index) & echo $!); sleep 1.2"
                    let checkScript =
                        "sleep 0.3; (setsid env -i sleep \(1040 + index) & echo $!); env -i setsid sleep \(1050 + index) & echo $!; sleep 0.3"
                    let outcome = kind == "action" ? action(actionScript) : check(checkScript)
                    results.set("\(kind)\(index)", outcome)
                    group.leave()
                }
                threads.append(thread)
            }
        }
        for thread in threads { thread.start() }
        group.wait()
        let all = results.all
        var actionEscapees: [pid_t] = []
        defer { for pid in actionEscapees { endLeftRunning(pid) } }
        for index in 0..<rounds {
            let (actionResult, actionPids) = try #require(all["action\(index)"])
            let (checkResult, checkPids) = try #require(all["check\(index)"])
            actionEscapees += actionPids
            try #require(actionPids.count == 1 && checkPids.count == 2)
            #expect(actionResult.escapees == ["sleep (pid \(actionPids[0]))"])
            #expect(checkResult.escapees == checkPids.sorted().map { "sleep (pid \($0))" })
            #expect(checkPids.allSatisfy(isReaped))
        }
        #expect(actionEscapees.allSatisfy { !Processes.isGone($0) }, "no check ended an action's escapee")
    }
}

/// Results collected from several threads.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: (StepResult, [pid_t])] = [:]

    func set(_ key: String, _ value: (StepResult, [pid_t])) {
        lock.withLock { values[key] = value }
    }

    var all: [String: (StepResult, [pid_t])] { lock.withLock { values } }
}
