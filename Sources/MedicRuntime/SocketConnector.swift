import Glibc

/// Opens a TCP connection the way both built-in probes need it: every address a name resolves
/// to is tried in turn within one deadline, each connect is nonblocking, and the operator's
/// interrupt ends the wait at once. The name lookup itself is the system's and cannot be
/// interrupted; a numeric address is not looked up at all.
struct SocketConnector {
    /// The operator's interrupt.
    let interrupt: Interrupt

    /// How a connection attempt ended. Every case but `connected` names what was tried.
    enum Outcome {
        /// A connected, nonblocking, close-on-exec socket (the caller closes it) and its address.
        case connected(descriptor: Int32, address: String)
        /// Every address refused; the first one.
        case refused(address: String)
        /// No address could be reached: why, with the address.
        case unreachable(String)
        /// The name could not be resolved: why.
        case unresolved(String)
        /// The deadline passed while connecting to `address`.
        case timeout(address: String)
        /// The operator interrupted while connecting to `address`.
        case cancelled(address: String)
    }

    private enum Attempt {
        case open(Int32)
        case refused
        case unreachable(String)
        case timeout
        case cancelled
    }

    /// Connects to `host:port` (an IPv6 address without brackets), giving up at `deadline`
    /// (MonotonicClock milliseconds).
    func connect(host: String, port: Int, until deadline: Int64) -> Outcome {
        guard (1...65535).contains(port) else { return .unresolved("port \(port) is not between 1 and 65535") }
        guard !host.isEmpty, !host.utf8.contains(0) else { return .unresolved("the host name is empty or contains a NUL byte") }

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &addresses)
        guard lookup == 0, let first = addresses else {
            let reason = lookup == EAI_SYSTEM ? errorText(errno) : String(cString: gai_strerror(lookup))
            return .unresolved("\(reason.prefix(1).lowercased() + reason.dropFirst()) (\(host))")
        }
        defer { freeaddrinfo(first) }

        var refused: String?
        var unreachable: String?
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry?.pointee {
            entry = address.ai_next
            let name = Self.describe(address)
            let outcome = attempt(
                family: address.ai_family, type: address.ai_socktype, protocol: address.ai_protocol, address: address.ai_addr,
                length: address.ai_addrlen, until: deadline)
            switch outcome {
            case .open(let descriptor): return .connected(descriptor: descriptor, address: name)
            case .cancelled: return .cancelled(address: name)
            case .timeout: return .timeout(address: name)
            case .refused: refused = refused ?? name
            case .unreachable(let reason): unreachable = unreachable ?? "\(reason) (\(name))"
            }
        }
        if let refused { return .refused(address: refused) }
        return .unreachable(unreachable ?? "no address to connect to")
    }

    /// Connects to the unix socket at `path` (absolute, checked by the caller), giving up at
    /// `deadline`. A missing socket file or one nginx's user may not open is `unreachable`, with
    /// the system's reason; a socket file nobody listens on any more is `refused`.
    func connect(unixSocket path: String, until deadline: Int64) -> Outcome {
        let name = "unix:\(path)"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity, !bytes.contains(0) else { return .unresolved("the unix socket path is too long (\(name))") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let outcome = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                attempt(
                    family: AF_UNIX, type: Int32(SOCK_STREAM.rawValue), protocol: 0, address: generic,
                    length: socklen_t(MemoryLayout<sockaddr_un>.size), until: deadline)
            }
        }
        switch outcome {
        case .open(let descriptor): return .connected(descriptor: descriptor, address: name)
        case .cancelled: return .cancelled(address: name)
        case .timeout: return .timeout(address: name)
        case .refused: return .refused(address: name)
        case .unreachable(let reason): return .unreachable("\(reason) (\(name))")
        }
    }

    /// One nonblocking connect to `address`, waiting until `deadline` or the operator's interrupt.
    private func attempt(
        family: Int32, type: Int32, protocol: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t, until deadline: Int64
    ) -> Attempt {
        let socketType = type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(family, socketType, `protocol`)
        guard descriptor >= 0 else { return .unreachable(errorText(errno)) }
        var keep = false
        defer { if !keep { close(descriptor) } }
        if Glibc.connect(descriptor, address, length) == 0 {
            keep = true
            return .open(descriptor)
        }
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
                guard failure == 0 else { return Self.classify(failure) }
                keep = true
                return .open(descriptor)
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
