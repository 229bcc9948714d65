import CSandbox
import Glibc

/// The small process a step's program runs under (`medic_shepherd_spawn` in CSandbox): a fork
/// of Medic that is a child subreaper for that step's tree alone.
///
/// Whatever the program starts that outlives its parent (`setsid`, a double fork, with or
/// without its environment cleared) is handed to the shepherd, not to Medic, so when the program
/// has exited the shepherd's remaining descendants are exactly what the step left running, and
/// nothing of another step's or of Medic's. It says when the program exited, waits until Medic
/// is done signalling the program's group, then ends the rest by pid (a check) or leaves it
/// running (an action), names what had left the group, and exits.
struct Shepherd {
    /// The shepherd's pid: Medic's child, reaped by `finish` or `reap`.
    let pid: pid_t
    /// The nonblocking read end of its messages.
    let reports: Int32
    /// The write end that tells it Medic is done with the program's group.
    let control: Int32
    /// Bytes read but not yet a whole message.
    private var pending: [UInt8] = []

    /// How long Medic waits for the shepherd to end and name what was left, after which it is
    /// killed (it gives itself two seconds to end a check's processes).
    static let finishMilliseconds: Int64 = 5000

    init(_ started: medic_shepherd) {
        pid = started.shepherd
        reports = started.reports
        control = started.control
        _ = fcntl(reports, F_SETFL, fcntl(reports, F_GETFL) | O_NONBLOCK)
    }

    /// What the shepherd said about the program.
    enum News: Equatable {
        /// Nothing new.
        case none
        /// The program exited with this wait status; it is not reaped yet.
        case exited(Int32)
        /// The shepherd ended (or broke its word) before saying so: the program, if it still
        /// runs, is Medic's child now.
        case lost
    }

    /// Reads what is waiting, without blocking: the program's exit, once.
    mutating func readExit() -> News {
        switch readMessages() {
        case .failure: return .lost
        case .success(let messages):
            guard let first = messages.first else { return .none }
            return first.kind == MEDIC_SHEPHERD_EXITED ? .exited(first.value) : .lost
        }
    }

    /// What the shepherd left, once Medic is done with the program's group.
    struct Finish {
        /// What had left the program's group, `name (pid N)` each, in pid order.
        var escapees: [String] = []
        /// Whether the shepherd said it was done (false: it died or took too long, and was killed).
        var complete = false
        /// How many of a check's processes still lived when the shepherd gave up ending them.
        var survivors = 0
    }

    /// Tells the shepherd to go on (end or name the step's remaining tree), collects what it
    /// names until it is done, and reaps it.
    mutating func finish() -> Finish {
        var finish = Finish()
        var escaped: [(pid: pid_t, name: String)] = []
        var byte: UInt8 = 1
        _ = write(control, &byte, 1)
        close(control)
        let deadline = MonotonicClock.now() + Self.finishMilliseconds
        reading: while MonotonicClock.now() < deadline {
            var descriptor = pollfd(fd: reports, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, MonotonicClock.pollTimeout(until: deadline)) <= 0 { continue }
            switch readMessages() {
            case .failure: break reading
            case .success(let messages):
                for message in messages {
                    if message.kind == MEDIC_SHEPHERD_DONE {
                        finish.complete = true
                        break reading
                    }
                    if message.kind == MEDIC_SHEPHERD_ESCAPEE { escaped.append((message.value, Self.name(of: message))) }
                    if message.kind == MEDIC_SHEPHERD_SURVIVED { finish.survivors = Int(message.value) }
                }
            }
        }
        if !finish.complete { kill(pid, SIGKILL) }
        reap(closingControl: false)
        finish.escapees = escaped.sorted { $0.pid < $1.pid }.map { "\($0.name) (pid \($0.pid))" }
        return finish
    }

    /// Reaps the shepherd (which has ended or is about to) and closes its pipes (`control` too
    /// unless `finish` already did): what it had adopted becomes Medic's.
    func reap(closingControl: Bool = true) {
        close(reports)
        if closingControl { close(control) }
        while waitpid(pid, nil, 0) < 0, errno == EINTR {}
        Escapees.reaped(pid)
    }

    private struct ReadFailure: Error {}

    /// The whole messages waiting; a failure at the end of the pipe (the shepherd is gone).
    private mutating func readMessages() -> Result<[medic_shepherd_message], ReadFailure> {
        let size = MemoryLayout<medic_shepherd_message>.size
        var buffer = [UInt8](repeating: 0, count: size * 64)
        var ended = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(reports, $0.baseAddress, $0.count) }
            if count > 0 {
                pending += buffer[..<count]
                continue
            }
            if count < 0, errno == EINTR { continue }
            ended = count == 0 || errno != EAGAIN
            break
        }
        var messages: [medic_shepherd_message] = []
        while pending.count >= size {
            messages.append(pending.withUnsafeBytes { $0.loadUnaligned(as: medic_shepherd_message.self) })
            pending.removeFirst(size)
        }
        return ended && messages.isEmpty ? .failure(ReadFailure()) : .success(messages)
    }

    private static func name(of message: medic_shepherd_message) -> String {
        withUnsafeBytes(of: message.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
