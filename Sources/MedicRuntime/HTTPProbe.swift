import CCurl
import Glibc
import MedicCore

/// The built-in HTTP probe.
///
/// An `http://` URL is asked over a plain socket (PlainHTTPClient), which costs no library;
/// `https://`, and a request that goes through a proxy, are asked through the system's libcurl,
/// opened at the first such probe. A redirect from the one to the other carries on in libcurl.
/// The body streams to `output`; the result holds the status and the final response's headers.
/// Nothing about the request (its headers and body can hold secrets) is logged or echoed.
struct HTTPProbe {
    /// The operator's interrupt.
    let interrupt: Interrupt
    /// libcurl, or why it is missing: opened when a probe first needs it.
    var library: @Sendable () -> CurlLibrary.Loaded = { CurlLibrary.shared }
    /// Whether `http://` URLs may be asked without libcurl (tests turn it off to compare the two).
    var plainHTTP = true
    /// Reads the environment (the proxy variables).
    var environment: @Sendable (String) -> String? = { name in getenv(name).map { String(cString: $0) } }

    /// The longest a probe waits for a connection, however long its timeout.
    static let connectDeadlineMilliseconds: Int64 = 5000

    /// Sends `request` and waits at most `timeout` for the whole response.
    func run(_ request: HTTPRequest, timeout: TimeSpan, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        /// Nothing answered: the output says why, and the status is 0.
        func unanswered(_ reason: String, timedOut: Bool = false, cancelled: Bool = false) -> StepResult {
            output(ArraySlice((reason + "\n").utf8))
            return StepResult(
                timedOut: timedOut, cancelled: cancelled, httpStatus: 0, durationMilliseconds: Int(MonotonicClock.now() - started),
                failureReason: timedOut || cancelled ? nil : reason
            )
        }
        if let problem = Self.problem(in: request) { return unanswered(problem) }
        if let socket = request.unixSocket, let problem = HTTPTarget.unixSocketProblem(socket) { return unanswered(problem) }
        // Through a unix socket nothing but TLS needs libcurl: no proxy applies to a local socket.
        let needsLibrary = { (target: HTTPTarget) in request.unixSocket == nil ? self.needsLibrary(target) : target.scheme == "https" }
        let target: HTTPTarget
        do { target = try HTTPTarget(request.url) } catch { return unanswered(error.description) }

        let timeoutMilliseconds = max(1, timeout.milliseconds)
        let connectMilliseconds = min(Self.connectDeadlineMilliseconds, timeoutMilliseconds)
        let deadline = started + timeoutMilliseconds
        let (ending, status, headers) = withoutActuallyEscaping(output) { output in
            let sink = HTTPResponseSink(output: output)
            var (ending, status) = (PlainHTTPClient.Ending.handOff(request, redirectsLeft: PlainHTTPClient.redirectLimit), 0)
            if plainHTTP && !needsLibrary(target) {
                let client = PlainHTTPClient(interrupt: interrupt, needsLibrary: needsLibrary)
                (ending, status) = client.perform(request, to: target, into: sink, connectMilliseconds: connectMilliseconds, deadline: deadline)
            }
            if case .handOff(let rest, let redirectsLeft) = ending {
                switch library() {
                case .available(let curl):
                    let (curlEnding, curlStatus) = perform(
                        rest, on: curl, into: sink, redirectsLeft: redirectsLeft, connectMilliseconds: connectMilliseconds, deadline: deadline
                    )
                    // Like curl after a redirect it could not follow, the last status received stands.
                    (ending, status) = (curlEnding, curlStatus != 0 ? curlStatus : status)
                case .missing(let why):
                    ending = .failed(
                        "libcurl is not installed, so the http probe cannot ask \(target.scheme == "https" ? "https:// URLs" : "through a proxy")"
                            + " (\(why)); install libcurl4"
                    )
                }
            }
            return (ending, status, sink.headers)
        }

        let elapsed = Int(MonotonicClock.now() - started)
        switch ending {
        case .completed, .handOff:
            return StepResult(httpStatus: status, headers: headers, durationMilliseconds: elapsed)
        case .cancelled:
            if status == 0 { return unanswered("cancelled before a response arrived", cancelled: true) }
            return StepResult(cancelled: true, httpStatus: status, headers: headers, durationMilliseconds: elapsed)
        case .connectTimedOut(let detail):
            return unanswered("no connection within \(TimeSpan(milliseconds: connectMilliseconds)) (\(detail))")
        case .timedOut(let detail):
            if status == 0 { return unanswered("no response within \(timeout)" + (detail.map { " (\($0))" } ?? ""), timedOut: true) }
            return StepResult(timedOut: true, httpStatus: status, headers: headers, durationMilliseconds: elapsed)
        case .failed(let message):
            if status == 0 { return unanswered(message) }
            // The server answered but the transfer broke off: the body so far stays the output.
            return StepResult(httpStatus: status, headers: headers, durationMilliseconds: elapsed, failureReason: message)
        }
    }

    /// Whether `target` must be asked through libcurl: https, or a proxy is set for a host
    /// other than loopback (which never goes through a proxy).
    func needsLibrary(_ target: HTTPTarget) -> Bool {
        if target.scheme == "https" { return true }
        if target.isLoopback { return false }
        return ["http_proxy", "all_proxy", "ALL_PROXY"].contains { !(environment($0) ?? "").isEmpty }
    }

    /// Hands the request to libcurl; returns when the transfer has ended.
    private func perform(
        _ request: HTTPRequest, on curl: CurlLibrary, into sink: HTTPResponseSink, redirectsLeft: Int, connectMilliseconds: Int64,
        deadline: Int64
    ) -> (PlainHTTPClient.Ending, Int) {
        // libcurl reads a timeout of 0 as "never".
        let remaining = max(1, deadline - MonotonicClock.now())
        let connectLimit = min(connectMilliseconds, remaining)
        var result = medic_http_result()
        // "Name;" is how libcurl is told to send a header with an empty value.
        let headerLines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // The method, the URL, the header lines, then the unix socket if there is one.
        var strings = CStringArray([request.method, request.url] + headerLines + (request.unixSocket.map { [$0] } ?? []))
        // NUL-terminated so that an empty body still has an address (and so is sent, empty).
        let body: [UInt8]? = request.body.map { Array($0.utf8) + [0] }
        let bodyStorage = body ?? []
        var callbacks = medic_http_sink(
            context: Unmanaged.passUnretained(sink).toOpaque(),
            body: { context, bytes, count in
                guard let context else { return }
                Unmanaged<HTTPResponseSink>.fromOpaque(context).takeUnretainedValue().body(UnsafeRawBufferPointer(start: bytes, count: count))
            },
            header: { context, bytes, count in
                guard let context else { return }
                Unmanaged<HTTPResponseSink>.fromOpaque(context).takeUnretainedValue().header(UnsafeRawBufferPointer(start: bytes, count: count))
            }
        )
        withExtendedLifetime(sink) {
            strings.withPointers { pointers in
                pointers.withUnsafeBufferPointer { list in
                    bodyStorage.withUnsafeBufferPointer { bodyBytes in
                        let bodyStart = bodyBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                        var description = medic_http_request(
                            method: list[0].map { UnsafePointer($0) },
                            url: list[1].map { UnsafePointer($0) },
                            headers: list.baseAddress?.advanced(by: 2),
                            header_count: headerLines.count,
                            body: body == nil ? nil : bodyStart,
                            body_length: max(0, bodyBytes.count - 1),
                            follow_redirects: request.followRedirects ? 1 : 0,
                            max_redirects: redirectsLeft,
                            connect_timeout_ms: Int(connectLimit),
                            timeout_ms: Int(remaining),
                            interrupt_fd: interrupt.descriptor ?? -1,
                            unix_socket: request.unixSocket == nil ? nil : list[2 + headerLines.count].map { UnsafePointer($0) }
                        )
                        medic_curl_perform(curl.handle, &description, &callbacks, &result)
                    }
                }
            }
        }
        let status = Int(result.status)
        let message = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int(result.outcome) {
        case Int(MEDIC_HTTP_COMPLETED): return (.completed, status)
        case Int(MEDIC_HTTP_CANCELLED): return (.cancelled, status)
        case Int(MEDIC_HTTP_TIMED_OUT) where connectLimit < remaining && deadline > MonotonicClock.now(): return (.connectTimedOut(message), status)
        case Int(MEDIC_HTTP_TIMED_OUT): return (.timedOut(message), status)
        default: return (.failed(message), status)
        }
    }

    /// Why `request`'s method or headers cannot be sent as they are, if they cannot: a line break
    /// in a header would start another header, and a NUL would cut it short. (The URL is checked
    /// where it is read, by HTTPTarget, which refuses every control character.)
    static func problem(in request: HTTPRequest) -> String? {
        let breaking: Set<Character> = ["\r", "\n", "\r\n", "\0"]
        if request.method.isEmpty || request.method.contains(where: { breaking.contains($0) || $0 == " " }) {
            return "the method '\(request.method)' is not a single word"
        }
        for header in request.headers {
            if header.name.isEmpty || header.name.contains(where: { breaking.contains($0) || $0 == ":" || $0 == " " }) {
                return "the header name '\(header.name)' is not valid"
            }
            // The value is never repeated: it may be a secret.
            if header.value.contains(where: breaking.contains) { return "the value of header '\(header.name)' contains a line break" }
        }
        return nil
    }
}
