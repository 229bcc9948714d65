import Glibc
import MedicCore

/// Runs one program to its end: streams its output, stops its process group on timeout or on the
/// operator's interrupt, and reaps it.
struct ProcessRunner {
    /// The operator's interrupt.
    let interrupt: Interrupt
    /// How long the process group has between SIGTERM and SIGKILL.
    let graceMilliseconds: Int64

    /// How long to keep reading after the program exited while something it started in the
    /// background still holds the pipe; after that the pipe is closed and the step is over.
    static let drainWindowMilliseconds: Int64 = 200
    /// The most read from the pipe at a time, and so the most handed to `output` at once.
    static let chunkSize = 65536
    /// How often to look for the program's exit while its pipe is still open (a background
    /// child may hold the pipe open after the program itself is gone).
    static let exitCheckMilliseconds: Int64 = 100

    private enum Stop {
        case timeout
        case cancel
    }

    /// Runs `argv` (looked up on PATH) with `environment` added, for at most `timeout`. With
    /// `endLeftovers` (checks), what the program left running in its process group is ended
    /// when it exits; otherwise (actions) it is left running. Either way the result names it.
    /// With `sandbox` (a check), it is confined by it, its `$TMPDIR` a private scratch folder.
    func run(
        _ argv: [String], environment: [String: String], timeout: TimeSpan, endLeftovers: Bool = false, sandbox: CheckSandbox? = nil,
        output: (ArraySlice<UInt8>) -> Void
    ) -> StepResult {
        let started = MonotonicClock.now()
        var environment = environment
        var confinement: ChildProcess.Confinement?
        var scratch: Scratch?
        if let sandbox {
            if sandbox.confinesMounts {
                guard let made = Scratch.make() else {
                    let reason = "could not create a scratch folder in \(Scratch.parent): \(errorText(errno))"
                    output(ArraySlice(Array((reason + "\n").utf8)))
                    return StepResult(durationMilliseconds: Int(MonotonicClock.now() - started), failureReason: reason)
                }
                scratch = made
                environment["TMPDIR"] = made.path
            }
            confinement = ChildProcess.Confinement(confinesMounts: sandbox.confinesMounts, scratch: scratch?.path ?? "")
        }
        defer { scratch?.remove() }
        // Descendants inherit the mark, so those that leave the group can be found (`Escapees`).
        let mark = Escapees.newMark()
        environment[Escapees.markVariable] = mark
        let child: ChildProcess
        switch ChildProcess.spawn(argv, environment: environment, confinement: confinement) {
        case .success(let spawned): child = spawned
        case .failure(let failure):
            output(ArraySlice(Array((failure.reason + "\n").utf8)))
            return StepResult(durationMilliseconds: Int(MonotonicClock.now() - started), failureReason: failure.reason)
        }

        let deadline = started + max(0, timeout.milliseconds)
        var pipe: Int32? = child.output
        var stop: Stop?
        var killAt: Int64 = .max
        var killedAt: Int64?
        var exitedAt: Int64?
        var sent: Set<Int32> = []
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var idleCheck: Int64 = 1

        func signalGroup(_ signal: Int32) {
            // The child has not been reaped yet, so its pid cannot name anyone else's group.
            killpg(child.pid, signal)
            sent.insert(signal)
        }
        func begin(_ reason: Stop, at now: Int64) {
            stop = reason
            signalGroup(SIGTERM)
            killAt = now + graceMilliseconds
        }

        while true {
            let now = MonotonicClock.now()
            if stop == nil, now >= deadline { begin(.timeout, at: now) }
            if exitedAt == nil, Self.hasExited(child.pid) { exitedAt = now }
            // Once the program is gone and nothing holds its pipe, whatever is left of its group
            // has outlived the program's own handling of SIGTERM: no need to wait out the grace.
            if stop != nil, killedAt == nil, now >= killAt || (exitedAt != nil && pipe == nil) {
                signalGroup(SIGKILL)
                killedAt = now
            }
            var wakeAt = Int64.max
            if let exitedAt, stop == nil || killedAt != nil {
                let drainEnd = max(exitedAt, killedAt ?? exitedAt) + Self.drainWindowMilliseconds
                if pipe == nil || now >= drainEnd { break }
                wakeAt = drainEnd
            }
            if stop == nil { wakeAt = min(wakeAt, deadline) }
            if killedAt == nil { wakeAt = min(wakeAt, killAt) }
            if exitedAt == nil {
                // After the pipe closes the exit is usually a moment away: look again soon, then
                // less and less often for a program that closed its output and kept running.
                let check = pipe == nil ? idleCheck : Self.exitCheckMilliseconds
                if pipe == nil { idleCheck = min(idleCheck * 2, Self.exitCheckMilliseconds) }
                wakeAt = min(wakeAt, now + check)
            }

            var descriptors = [
                pollfd(fd: pipe ?? -1, events: Int16(POLLIN), revents: 0),
                stop == nil ? interrupt.pollDescriptor : pollfd(fd: -1, events: 0, revents: 0),
            ]
            let ready = poll(&descriptors, 2, MonotonicClock.pollTimeout(until: wakeAt))
            if ready <= 0 { continue }
            if interrupt.isRaised(descriptors[1].revents) {
                interrupt.drain()
                begin(.cancel, at: MonotonicClock.now())
            }
            if let open = pipe, descriptors[0].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(open, $0.baseAddress, $0.count) }
                if count > 0 {
                    output(buffer[0..<count])
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(open)
                    pipe = nil
                }
            }
        }
        if let open = pipe { close(open) }
        // The program is not reaped yet, so its pid still names only its own group.
        let leftovers = ProcessGroup.members(of: child.pid)
        if endLeftovers, !leftovers.isEmpty { killpg(child.pid, SIGKILL) }
        // Those that left the group: a check's are ended by pid (and reaped once they are
        // Medic's), an action's named and left running.
        let escapees =
            endLeftovers ? Escapees.end(mark: mark, leader: child.pid) : Escapees.find(mark: mark, leader: child.pid).map(\.name)

        var status: Int32 = 0
        var reaped = waitpid(child.pid, &status, 0)
        while reaped == -1, errno == EINTR { reaped = waitpid(child.pid, &status, 0) }
        Escapees.reaped(child.pid)
        Escapees.reapOrphans()
        guard reaped == child.pid else {
            // Someone else reaped it (SIGCHLD set to SIG_IGN does that): the status is gone.
            return StepResult(
                timedOut: stop == .timeout, cancelled: stop == .cancel, durationMilliseconds: Int(MonotonicClock.now() - started),
                failureReason: "how the program ended is unknown: \(errorText(errno))"
            )
        }
        let ended = WaitStatus(status)
        var reason: String?
        if case .signaled(let signal) = ended, !sent.contains(signal) { reason = WaitStatus.describe(signal: signal) }
        var result = StepResult(
            exitStatus: ended.shellStatus, timedOut: stop == .timeout, cancelled: stop == .cancel,
            durationMilliseconds: Int(MonotonicClock.now() - started), failureReason: reason
        )
        result.leftovers = leftovers
        result.escapees = escapees
        result.leftoversEnded = endLeftovers
        return result
    }

    /// Whether `pid` has terminated, without reaping it: until it is reaped its pid stays taken,
    /// so `killpg` on it can only ever reach its own group. (That holds unless SIGCHLD is ignored,
    /// when the kernel reaps at once; Medic does not ignore it.)
    static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == -1 {
            // ECHILD: it was reaped behind our back, so it has certainly exited.
            return errno != EINTR
        }
        // With WNOHANG and nothing to report, Linux leaves si_signo zero.
        return info.si_signo == SIGCHLD
    }
}
