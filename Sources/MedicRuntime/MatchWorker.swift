import CSandbox
import Glibc
import MedicCore
import Synchronization

/// The matcher a run uses: a copy of Medic, started once for the run in a hidden mode, that
/// answers `MatchQuestion`s over a pair of pipes; Medic waits for each answer within the step's
/// deadline and the operator's Ctrl-C, and when either comes first it kills the copy by pid and
/// reaps it.
///
/// Swift's regex engine backtracks and checks neither a deadline nor Task cancellation, so a
/// pattern such as `^(a+)+$` over forty characters would hold Medic's thread for hours. A thread
/// cannot be stopped from outside; a process can, and its CPU work stops with it. The copy is
/// Medic's own binary re-executed (`/proc/self/exe`, by `posix_spawn`, never a `fork` of a
/// process with threads), in a process group of its own so that the terminal's Ctrl-C reaches
/// Medic, which decides, and never the copy; the kernel kills it if Medic dies.
public final class MatchWorker: PatternMatcher, Sendable {
    /// The argument that starts Medic as the matching process (`Entry` looks for it first).
    public static let argument = "__match-worker"

    private struct Running {
        var pid: pid_t
        /// Where questions are written (nonblocking).
        var questions: Int32
        /// Where answers are read (nonblocking).
        var answers: Int32
    }

    private struct State {
        var running: Running?
        /// When the current budget ends, on `MonotonicClock`.
        var deadline: Int64 = .max
        /// The budget's length, for the message.
        var budget = 0
    }

    private let state = Mutex(State())
    private let interrupt: Interrupt
    private let executable: String

    /// A matcher that is interrupted by the bytes Ctrl-C writes on `interruptDescriptor` and
    /// starts `executable` (Medic itself unless a test says otherwise) on its first question.
    public init(interruptDescriptor: Int32?, executable: String = "/proc/self/exe") {
        interrupt = Interrupt(descriptor: interruptDescriptor)
        self.executable = executable
    }

    deinit {
        state.withLock { Self.stop(&$0.running) }
    }

    /// The matching process's pid while one is running.
    public var pid: pid_t? { state.withLock { $0.running?.pid } }

    public func allow(milliseconds: Int) {
        state.withLock {
            $0.budget = milliseconds
            $0.deadline = MonotonicClock.now() + Int64(milliseconds)
        }
    }

    /// Starts the matching process now when none runs, so that its start-up overlaps the
    /// caller's other work (validation compiling its patterns); a failure to start is left for
    /// the first question to report.
    public func prepare() {
        state.withLock { state in
            if state.running == nil, case .success(let running) = start() { state.running = running }
        }
    }

    public func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer {
        let deadline = state.withLock { $0.deadline }
        let body = try ask(MatchWire.encode(question), until: deadline, pattern: question.pattern).get()
        guard let answer = MatchWire.decodeAnswer(body) else {
            throw MatchUnfinished(.failed("the matching process gave an unreadable answer"), pattern: question.pattern)
        }
        return answer
    }

    /// Runs the log probe over `query` in the matching process, where a class's pattern that
    /// backtracks for hours can be stopped: the probe keeps to `timeout` by itself between lines,
    /// and the process is killed when it has not answered `graceMilliseconds` later, or at once
    /// on Ctrl-C.
    func logWindow(_ query: LogQuery, timeout: TimeSpan, graceMilliseconds: Int64 = 1000, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        let reply = ask(MatchWire.encode(query, timeout: timeout), until: started + max(0, timeout.milliseconds) + graceMilliseconds, pattern: "")
        let duration = Int(MonotonicClock.now() - started)
        switch reply {
        case .success(let body):
            guard let window = MatchWire.decodeWindow(body) else {
                return StepResult(durationMilliseconds: duration, failureReason: "the log probe's process gave an unreadable answer")
            }
            output(window.output)
            return StepResult(timedOut: window.timedOut, durationMilliseconds: duration)
        case .failure(let unfinished):
            // The probe keeps to its timeout between lines, so what held it is inside one line or
            // one read: a class's or a capture's pattern still matching, or a read of the file
            // that did not return. Which one, the killed process cannot say.
            let subject = "reading and classifying the lines of \(query.path)"
            switch unfinished.reason {
            case .deadline:
                // The allowance is the probe's timeout and the grace, not the last budget `allow` set.
                let allowed = MatchUnfinished.Reason.deadline(milliseconds: Int(clamping: max(0, timeout.milliseconds) + graceMilliseconds))
                let patterns = query.captures.isEmpty ? "a class's pattern" : "a class's or a capture's pattern"
                output(
                    ArraySlice(
                        ("timeout (no summary: \(subject) \(allowed.explanation) (its timeout of \(timeout) and a grace); "
                            + "\(patterns) was still matching a line, or a read of the file had not returned)\n").utf8))
                return StepResult(timedOut: true, durationMilliseconds: duration)
            case .cancelled, .stopped:
                output(ArraySlice("\(subject) \(MatchUnfinished.Reason.cancelled.explanation)\n".utf8))
                return StepResult(cancelled: true, durationMilliseconds: duration)
            case .failed(let why):
                return StepResult(durationMilliseconds: duration, failureReason: why)
            }
        }
    }

    /// Sends `request` and waits for the reply's body until `deadline`, starting the matching
    /// process when none runs; kills it and says why when there is no reply in time.
    private func ask(_ request: [UInt8], until deadline: Int64, pattern: String) -> Result<ArraySlice<UInt8>, MatchUnfinished> {
        state.withLock { state in
            if state.running == nil {
                switch start() {
                case .success(let running): state.running = running
                case .failure(let failure): return .failure(MatchUnfinished(.failed(failure.reason), pattern: pattern))
                }
            }
            guard let running = state.running else { return .failure(MatchUnfinished(.failed("no matching process"), pattern: pattern)) }
            switch exchange(request, with: running, until: deadline) {
            case .answered(let body): return .success(body)
            case .stopped(let why):
                Self.stop(&state.running)
                let reason: MatchUnfinished.Reason
                switch why {
                case .deadline: reason = .deadline(milliseconds: state.budget)
                case .interrupted:
                    let signals = interrupt.drain()
                    reason = signals.contains(SIGTERM) || signals.contains(SIGHUP) ? .stopped : .cancelled
                case .broken(let what): reason = .failed(what)
                }
                return .failure(MatchUnfinished(reason, pattern: pattern))
            }
        }
    }

    private struct StartFailure: Error {
        var reason: String
    }

    private enum Exchange {
        case answered(ArraySlice<UInt8>)
        case stopped(Stop)
    }

    private enum Stop {
        case deadline
        case interrupted
        case broken(String)
    }

    /// Writes `request` and reads the answer, waiting for no longer than `deadline` and
    /// stopping at the operator's interrupt.
    private func exchange(_ request: [UInt8], with running: Running, until deadline: Int64) -> Exchange {
        var written = 0
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let length = MatchWire.replyLength(reply), reply.count >= length { return .answered(reply[4..<length]) }
            var fds = [
                pollfd(fd: written < request.count ? running.questions : -1, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: running.answers, events: Int16(POLLIN), revents: 0),
                interrupt.pollDescriptor,
            ]
            let timeout = MonotonicClock.pollTimeout(until: deadline)
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .stopped(.broken("could not wait for the matching process: \(errorText(errno))"))
            }
            if interrupt.isRaised(fds[2].revents) { return .stopped(.interrupted) }
            if ready == 0, MonotonicClock.now() >= deadline { return .stopped(.deadline) }
            if fds[0].revents != 0 {
                let count = request[written...].withUnsafeBytes { send(running.questions, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count < 0, errno != EAGAIN, errno != EINTR {
                    return .stopped(.broken("the matching process stopped reading: \(errorText(errno))"))
                }
                if count > 0 { written += count }
            }
            if fds[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(running.answers, $0.baseAddress, $0.count) }
                if count == 0 { return .stopped(.broken("the matching process ended unexpectedly")) }
                if count < 0, errno != EAGAIN, errno != EINTR {
                    return .stopped(.broken("could not read the matching process: \(errorText(errno))"))
                }
                if count > 0 { reply += buffer[..<count] }
            }
        }
    }

    /// Starts the matching process.
    private func start() -> Result<Running, StartFailure> {
        var questionEnds: [Int32] = [-1, -1]
        var answerEnds: [Int32] = [-1, -1]
        // The questions go over a socket pair, not a pipe: writing after the matching process is
        // gone (killed for memory, say) then fails with EPIPE under MSG_NOSIGNAL, which is
        // reported, instead of raising SIGPIPE, which would end Medic without a word.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &questionEnds) == 0 else {
            return .failure(StartFailure(reason: "could not create a socket pair: \(errorText(errno))"))
        }
        guard GlibcExtensions.pipe2(&answerEnds, O_CLOEXEC) == 0 else {
            close(questionEnds[0])
            close(questionEnds[1])
            return .failure(StartFailure(reason: "could not create a pipe: \(errorText(errno))"))
        }
        defer {
            close(questionEnds[0])
            close(answerEnds[1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, questionEnds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, answerEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        GlibcExtensions.addCloseFrom(3, to: &actions)
        var arguments = CStringArray(["medic", Self.argument, String(getpid())])
        var pid: pid_t = 0
        // Every signal at its default: the copy runs no handler of Medic's.
        let status = SpawnAttributes.withOwnGroup(defaulting: .all) { attributes in
            Escapees.spawning {
                let status = arguments.withPointers { argv in posix_spawn(&pid, executable, &actions, &attributes, argv, environ) }
                return (status, status == 0 ? [pid] : [])
            }
        }
        guard status == 0 else {
            close(questionEnds[1])
            close(answerEnds[0])
            return .failure(StartFailure(reason: "could not start the matching process (\(executable)): \(errorText(status))"))
        }
        for end in [questionEnds[1], answerEnds[0]] { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        return .success(Running(pid: pid, questions: questionEnds[1], answers: answerEnds[0]))
    }

    /// Kills the matching process by pid, reaps it and closes its pipes.
    private static func stop(_ running: inout Running?) {
        guard let process = running else { return }
        running = nil
        close(process.questions)
        close(process.answers)
        kill(process.pid, SIGKILL)
        while waitpid(process.pid, nil, 0) < 0, errno == EINTR {}
        Escapees.reaped(process.pid)
    }

    /// The matching process's life: answers questions from standard input on standard output
    /// until the input ends. `arguments` are those after `argument`: Medic's pid.
    public static func serve(_ arguments: [String]) -> Int32 {
        if let parent = arguments.first.flatMap({ pid_t($0) }) { _ = medic_die_with_parent(parent) }
        while let request = MatchWire.readRequest(from: 0) {
            let reply: [UInt8]
            switch request {
            case .question(let question): reply = MatchWire.encode(question.answerHere())
            case .logWindow(let query, let timeout):
                var output: [UInt8] = []
                let result = LogProbe(interrupt: Interrupt(descriptor: nil)).run(query, timeout: timeout) { output += $0 }
                reply = MatchWire.encodeWindow(output: output, timedOut: result.timedOut)
            }
            guard MatchWire.writeAll(reply, to: 1) else { return 1 }
        }
        return 0
    }
}
