import Glibc
import MedicCore

/// HTTP/1.1 over a plain socket, for `http://` URLs: the probe of a loopback upstream or health
/// endpoint, which is most of what a 502 runbook asks, costs no library at all. (libcurl with
/// its TLS and authentication libraries adds about 8 MiB to Medic's memory; it is opened only
/// for `https://` and for requests that go through a proxy.)
///
/// One connection per request, closed after the response; redirects are followed here while
/// they stay on plain HTTP without a proxy, and handed to libcurl when they leave it.
struct PlainHTTPClient {
    /// The operator's interrupt.
    let interrupt: Interrupt
    /// Whether a URL must go through libcurl instead (https, or a proxy applies).
    let needsLibrary: (HTTPTarget) -> Bool

    /// How many redirects a probe follows, here and in libcurl together.
    static let redirectLimit = 10

    /// How an exchange ended.
    enum Ending: Equatable {
        case completed
        case cancelled
        /// No connection to the address within the connect deadline (shorter than the timeout).
        case connectTimedOut(String)
        /// The timeout passed; what was waited for, when known.
        case timedOut(String?)
        case failed(String)
        /// A redirect left plain HTTP: libcurl goes on with this request and this many redirects.
        case handOff(HTTPRequest, redirectsLeft: Int)
    }

    /// Sends `request` to `target` (its URL, read already, which `needsLibrary` refused) and
    /// streams the final response into `sink`. Returns how it ended and the last status
    /// received (0 for none).
    func perform(
        _ request: HTTPRequest, to target: HTTPTarget, into sink: HTTPResponseSink, connectMilliseconds: Int64, deadline: Int64
    ) -> (ending: Ending, status: Int) {
        var current = request
        var target = target
        var redirects = 0
        while true {
            let hop = exchange(current, with: target, into: sink, connectMilliseconds: connectMilliseconds, deadline: deadline)
            let location: String
            let status: Int
            switch hop.ending {
            case .ending(let ending): return (ending, hop.status)
            case .redirect(let to, let redirectStatus): (location, status) = (to, redirectStatus)
            }
            guard redirects < Self.redirectLimit else {
                return (.failed("the server redirected more than \(Self.redirectLimit) times"), status)
            }
            let next: HTTPTarget
            do { next = try target.resolving(location) } catch { return (.failed(error.description), status) }
            current = Self.redirected(current, from: target, to: next, status: status)
            redirects += 1
            if needsLibrary(next) { return (.handOff(current, redirectsLeft: Self.redirectLimit - redirects), status) }
            target = next
        }
    }

    /// The request that follows a redirect with `status` to `next`: a POST answered 301 or 302,
    /// and anything but HEAD answered 303, becomes a GET without a body (as browsers and curl
    /// do); 307 and 308 repeat the request as it was. Credentials and cookies stay behind when
    /// the redirect leaves the origin.
    static func redirected(_ request: HTTPRequest, from target: HTTPTarget, to next: HTTPTarget, status: Int) -> HTTPRequest {
        var request = request
        request.url = next.url
        let becomesGET = (status == 303 && request.method != "HEAD") || ((status == 301 || status == 302) && request.method == "POST")
        if becomesGET {
            request.method = "GET"
            request.body = nil
            request.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
        }
        if !target.isSameOrigin(as: next) {
            request.headers.removeAll { ["authorization", "cookie", "proxy-authorization"].contains($0.name.lowercased()) }
        }
        return request
    }

    /// The bytes of the request head: request line, Host, credentials from the URL, the
    /// defaults curl sends, then the request's own headers (one of the same name replaces a
    /// default), then the body's length.
    static func head(of request: HTTPRequest, to target: HTTPTarget) -> [UInt8] {
        let own = Set(request.headers.map { $0.name.lowercased() })
        var lines = ["\(request.method) \(target.requestTarget) HTTP/1.1"]
        if !own.contains("host") { lines.append("Host: \(target.hostHeader)") }
        if let credentials = target.credentials, !own.contains("authorization") {
            let encoded = Masking.base64(credentials)
            lines.append("Authorization: Basic \(encoded)\(String(repeating: "=", count: (4 - encoded.utf8.count % 4) % 4))")
        }
        if !own.contains("user-agent") { lines.append("User-Agent: medic") }
        if !own.contains("accept") { lines.append("Accept: */*") }
        lines += request.headers.map { $0.value.isEmpty ? "\($0.name):" : "\($0.name): \($0.value)" }
        if let body = request.body {
            if !own.contains("content-length") { lines.append("Content-Length: \(body.utf8.count)") }
            if request.method == "POST" && !own.contains("content-type") { lines.append("Content-Type: application/x-www-form-urlencoded") }
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    private enum HopEnding {
        case ending(Ending)
        case redirect(location: String, status: Int)
    }

    /// One request on one connection.
    private func exchange(
        _ request: HTTPRequest, with target: HTTPTarget, into sink: HTTPResponseSink, connectMilliseconds: Int64, deadline: Int64
    ) -> (ending: HopEnding, status: Int) {
        let connectDeadline = min(deadline, MonotonicClock.now() + connectMilliseconds)
        let descriptor: Int32
        let connector = SocketConnector(interrupt: interrupt)
        let connection =
            if let socket = request.unixSocket {
                connector.connect(unixSocket: socket, until: connectDeadline)
            } else {
                connector.connect(host: target.host, port: target.port, until: connectDeadline)
            }
        switch connection {
        case .connected(let connected, _): descriptor = connected
        case .refused(let address): return (.ending(.failed("connection refused (\(address))")), 0)
        case .unreachable(let reason): return (.ending(.failed(reason)), 0)
        case .unresolved(let reason): return (.ending(.failed("could not resolve the host name: \(reason)")), 0)
        case .cancelled: return (.ending(.cancelled), 0)
        case .timeout(let address):
            return (.ending(connectDeadline < deadline ? .connectTimedOut(address) : .timedOut("connecting to \(address)")), 0)
        }
        defer { close(descriptor) }

        let outgoing = Self.head(of: request, to: target) + Array((request.body ?? "").utf8)
        switch send(outgoing, on: descriptor, until: deadline) {
        case .sent, .closedByServer: break  // a server that stops reading may still have answered
        case .cancelled: return (.ending(.cancelled), 0)
        case .timedOut: return (.ending(.timedOut("sending the request")), 0)
        case .failed(let reason): return (.ending(.failed(reason)), 0)
        }
        return receive(on: descriptor, into: sink, bodyExpected: request.method != "HEAD", followRedirects: request.followRedirects, until: deadline)
    }

    private enum Sending {
        case sent, closedByServer, cancelled, timedOut
        case failed(String)
    }

    private func send(_ bytes: [UInt8], on descriptor: Int32, until deadline: Int64) -> Sending {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                switch wait(for: descriptor, events: POLLOUT, until: deadline) {
                case .ready: continue
                case .cancelled: return .cancelled
                case .timedOut: return .timedOut
                }
            case EPIPE, ECONNRESET: return .closedByServer
            case let code: return .failed("could not send the request: \(errorText(code))")
            }
        }
        return .sent
    }

    private func receive(
        on descriptor: Int32, into sink: HTTPResponseSink, bodyExpected: Bool, followRedirects: Bool, until deadline: Int64
    ) -> (ending: HopEnding, status: Int) {
        var reader = HTTPResponseReader(bodyExpected: bodyExpected)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var redirect: (location: String, status: Int)?
        func handle(_ event: HTTPResponseReader.Event) {
            switch event {
            case .line(let line):
                line.withUnsafeBytes { sink.header($0) }
            case .headEnded(let status):
                guard followRedirects, [300, 301, 302, 303, 307, 308].contains(status),
                    let location = sink.headers.last(where: { $0.name.lowercased() == "location" })?.value
                else { return }
                redirect = (location, status)
            case .body(let bytes):
                if redirect == nil { bytes.withUnsafeBytes { sink.body($0) } }
            }
        }
        while true {
            // Waiting before every read keeps the deadline and Ctrl-C in force even while a
            // server streams without pause.
            switch wait(for: descriptor, events: POLLIN, until: deadline) {
            case .ready: break
            case .cancelled: return (.ending(.cancelled), reader.status ?? 0)
            case .timedOut: return (.ending(.timedOut(nil)), reader.status ?? 0)
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            do {
                if count > 0 {
                    try reader.read(buffer[..<count], handle)
                } else if count == 0 {
                    try reader.readEnd()
                } else if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK {
                    continue
                } else if errno == ECONNRESET {
                    // A reset is an end too, but an untidy one: a response cut short says so.
                    do { try reader.readEnd() } catch {
                        return (.ending(.failed("the server reset the connection: \(error)")), reader.status ?? 0)
                    }
                } else {
                    return (.ending(.failed("could not read the response: \(errorText(errno))")), reader.status ?? 0)
                }
            } catch {
                return (.ending(.failed(error.description)), reader.status ?? 0)
            }
            if let redirect { return (.redirect(location: redirect.location, status: redirect.status), redirect.status) }
            if reader.isComplete { return (.ending(.completed), reader.status ?? 0) }
        }
    }

    private enum Waiting { case ready, cancelled, timedOut }

    /// Waits until `descriptor` is ready for `events`, the operator interrupts, or `deadline`.
    private func wait(for descriptor: Int32, events: Int32, until deadline: Int64) -> Waiting {
        while true {
            var descriptors = [pollfd(fd: descriptor, events: Int16(events), revents: 0), interrupt.pollDescriptor]
            let ready = poll(&descriptors, 2, MonotonicClock.pollTimeout(until: deadline))
            if ready < 0, errno == EINTR { continue }
            if interrupt.isRaised(descriptors[1].revents) {
                interrupt.drain()
                return .cancelled
            }
            // The deadline holds even when data is waiting.
            if ready == 0 || MonotonicClock.now() >= deadline { return .timedOut }
            if descriptors[0].revents != 0 { return .ready }
        }
    }
}

extension HTTPTarget {
    /// The URL again, absolute: scheme, authority, path and query.
    var url: String { scheme + "://" + authority + requestTarget }
}
