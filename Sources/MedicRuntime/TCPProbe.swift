import Glibc
import MedicCore

/// The built-in TCP probe: can a connection to `host:port` be opened?
///
/// The output is one line that starts with the answer, which is how a runbook reads it:
/// `open ADDRESS`, `refused ADDRESS`, `timeout …`, `unreachable: REASON` or `unresolved: REASON`.
/// Every address the name resolves to is tried in turn, within one deadline. The name lookup
/// itself is the system's and cannot be interrupted; a numeric address is not looked up at all.
struct TCPProbe {
    /// The operator's interrupt.
    let interrupt: Interrupt

    /// The longest a probe waits, however long its timeout.
    static let deadlineMilliseconds: Int64 = 5000

    private enum Attempt {
        case open
        case refused
        case unreachable(String)
        case timeout
        case cancelled
    }

    /// Connects to `host:port` and closes the connection at once.
    func run(host: String, port: Int, timeout: TimeSpan, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        let limit = min(Self.deadlineMilliseconds, max(0, timeout.milliseconds))
        func finish(_ line: String, timedOut: Bool = false, cancelled: Bool = false) -> StepResult {
            output(ArraySlice((line + "\n").utf8))
            return StepResult(timedOut: timedOut, cancelled: cancelled, durationMilliseconds: Int(MonotonicClock.now() - started))
        }
        guard (1...65535).contains(port) else { return finish("unresolved: port \(port) is not between 1 and 65535") }
        guard !host.isEmpty, !host.utf8.contains(0) else { return finish("unresolved: the host name is empty or contains a NUL byte") }

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &addresses)
        guard lookup == 0, let first = addresses else {
            let reason = lookup == EAI_SYSTEM ? errorText(errno) : String(cString: gai_strerror(lookup))
            return finish("unresolved: \(reason.prefix(1).lowercased() + reason.dropFirst()) (\(host))")
        }
        defer { freeaddrinfo(first) }

        let deadline = started + limit
        var refused: String?
        var unreachable: String?
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry?.pointee {
            entry = address.ai_next
            let name = Self.describe(address)
            switch attempt(address, until: deadline) {
            case .open: return finish("open \(name)")
            case .cancelled: return finish("cancelled while connecting to \(name)", cancelled: true)
            case .timeout:
                // The step's own timeout is the limit only when it is shorter than the probe's.
                return finish("timeout \(name) (no answer within \(TimeSpan(milliseconds: limit)))", timedOut: limit == timeout.milliseconds)
            case .refused: refused = refused ?? name
            case .unreachable(let reason): unreachable = unreachable ?? "\(reason) (\(name))"
            }
        }
        if let refused { return finish("refused \(refused)") }
        return finish("unreachable: \(unreachable ?? "no address to connect to")")
    }

    /// One nonblocking connect to `address`, waiting until `deadline` or the operator's interrupt.
    private func attempt(_ address: addrinfo, until deadline: Int64) -> Attempt {
        let socketType = address.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(address.ai_family, socketType, address.ai_protocol)
        guard descriptor >= 0 else { return .unreachable(errorText(errno)) }
        defer { close(descriptor) }
        if connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 { return .open }
        guard errno == EINPROGRESS else { return Self.classify(errno) }
        while true {
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0), interrupt.pollDescriptor]
            let ready = poll(&descriptors, 2, MonotonicClock.pollTimeout(until: deadline))
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { return .timeout }
            if interrupt.isRaised(descriptors[1].revents) {
                interrupt.drain()
                return .cancelled
            }
            if descriptors[0].revents != 0 {
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
                return failure == 0 ? .open : Self.classify(failure)
            }
            if MonotonicClock.now() >= deadline { return .timeout }
        }
    }

    private static func classify(_ code: Int32) -> Attempt {
        switch code {
        case ECONNREFUSED: .refused
        case ETIMEDOUT: .timeout
        default: .unreachable(errorText(code))
        }
    }

    /// `127.0.0.1:8080` or `[::1]:8080`.
    private static func describe(_ address: addrinfo) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let status = getnameinfo(
            address.ai_addr, address.ai_addrlen, &host, socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV
        )
        guard status == 0 else { return "?" }
        let text = { (bytes: [CChar]) in String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return address.ai_family == AF_INET6 ? "[\(text(host))]:\(text(service))" : "\(text(host)):\(text(service))"
    }
}
