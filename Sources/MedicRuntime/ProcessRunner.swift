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
        let child: ChildProcess
        var shepherd: Shepherd
        switch ChildProcess.spawnShepherded(argv, environment: environment, confinement: confinement, endEscapees: endLeftovers) {
        case .success(let spawned): (child, shepherd) = spawned
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
        var exitStatus: Int32?
        // The shepherd ended before the program did: the program is Medic's child now, watched
        // the plain way, and what it left outside its group is not looked for.
        var shepherdLost = false
        var sent: Set<Int32> = []
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)

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
            if exitedAt == nil, shepherdLost, Self.hasExited(child.pid) { exitedAt = now }
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
            if exitedAt == nil, shepherdLost { wakeAt = min(wakeAt, now + Self.exitCheckMilliseconds) }

            var descriptors = [
                pollfd(fd: pipe ?? -1, events: Int16(POLLIN), revents: 0),
                stop == nil ? interrupt.pollDescriptor : pollfd(fd: -1, events: 0, revents: 0),
                pollfd(fd: exitedAt == nil && !shepherdLost ? shepherd.reports : -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 3, MonotonicClock.pollTimeout(until: wakeAt))
            if ready <= 0 { continue }
            if descriptors[2].revents != 0 {
                switch shepherd.readExit() {
                case .none: break
                case .exited(let status):
                    exitStatus = status
                    exitedAt = MonotonicClock.now()
                case .lost:
                    // Once the shepherd is reaped, the program (alive or not) is Medic's child.
                    shepherd.reap()
                    shepherdLost = true
                }
            }
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
        var status: Int32 = 0
        var finish = Shepherd.Finish()
        if !shepherdLost {
            // Medic is done with the group: the shepherd reaps the program, then ends (a check) or
            // names (an action) what is left of its tree outside the group. (The loop ends only
            // once the program exited, which the shepherd said unless it was lost.)
            status = exitStatus ?? 0
            finish = shepherd.finish()
            Escapees.reaped(child.pid)
        } else {
            var reaped = waitpid(child.pid, &status, 0)
            while reaped == -1, errno == EINTR { reaped = waitpid(child.pid, &status, 0) }
            Escapees.reaped(child.pid)
            if reaped != child.pid {
                Escapees.reapOrphans()
                return StepResult(
                    timedOut: stop == .timeout, cancelled: stop == .cancel, durationMilliseconds: Int(MonotonicClock.now() - started),
                    failureReason: "how the program ended is unknown: its shepherd ended first, and \(errorText(errno))"
                )
            }
        }
        Escapees.reapOrphans()
        let ended = WaitStatus(status)
        var reason: String?
        if case .signaled(let signal) = ended, !sent.contains(signal) { reason = WaitStatus.describe(signal: signal) }
        if !finish.complete {
            let what = endLeftovers ? "ended" : "named"
            reason = [reason, "what the program left running outside its process group was not all \(what): its shepherd ended first"]
                .compactMap { $0 }.joined(separator: "; ")
        }
        var result = StepResult(
            exitStatus: ended.shellStatus, timedOut: stop == .timeout, cancelled: stop == .cancel,
            durationMilliseconds: Int(MonotonicClock.now() - started), failureReason: reason
        )
        result.leftovers = leftovers
        result.escapees = finish.escapees
        result.escapeesSurvived = finish.survivors
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
