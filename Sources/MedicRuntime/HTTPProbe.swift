import CCurl
import MedicCore

/// The built-in HTTP probe, through libcurl.
///
/// The body streams to `output`; the result holds the status and the final response's headers.
/// Nothing about the request (its headers and body can hold secrets) is logged or echoed.
struct HTTPProbe {
    /// The operator's interrupt.
    let interrupt: Interrupt
    /// libcurl, or why it is missing.
    var library: CurlLibrary.Loaded = CurlLibrary.shared

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

        guard case .available(let curl) = library else {
            if case .missing(let why) = library {
                return unanswered("libcurl is not installed, so the http probe cannot run (\(why)); install libcurl4")
            }
            return unanswered("libcurl is not installed")
        }
        if let problem = Self.problem(in: request) { return unanswered(problem) }

        // libcurl reads a timeout of 0 as "never".
        let timeoutMilliseconds = max(1, timeout.milliseconds)
        let connectMilliseconds = min(Self.connectDeadlineMilliseconds, timeoutMilliseconds)
        var ended = medic_http_result()
        let headers = withoutActuallyEscaping(output) { output in
            let sink = HTTPResponseSink(output: output)
            withExtendedLifetime(sink) {
                perform(
                    request, on: curl, into: sink, result: &ended,
                    connectMilliseconds: connectMilliseconds, timeoutMilliseconds: timeoutMilliseconds
                )
            }
            return sink.headers
        }

        let elapsed = MonotonicClock.now() - started
        let status = Int(ended.status)
        let message = withUnsafeBytes(of: ended.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int(ended.outcome) {
        case Int(MEDIC_HTTP_COMPLETED):
            return StepResult(httpStatus: status, headers: headers, durationMilliseconds: Int(elapsed))
        case Int(MEDIC_HTTP_CANCELLED):
            if status == 0 { return unanswered("cancelled before a response arrived", cancelled: true) }
            return StepResult(cancelled: true, httpStatus: status, headers: headers, durationMilliseconds: Int(elapsed))
        case Int(MEDIC_HTTP_TIMED_OUT) where connectMilliseconds < timeoutMilliseconds && elapsed < timeoutMilliseconds:
            return unanswered("no connection within \(TimeSpan(milliseconds: connectMilliseconds)) (\(message))")
        case Int(MEDIC_HTTP_TIMED_OUT):
            if status == 0 { return unanswered("no response within \(timeout) (\(message))", timedOut: true) }
            return StepResult(timedOut: true, httpStatus: status, headers: headers, durationMilliseconds: Int(elapsed))
        default:
            if status == 0 { return unanswered(message) }
            // The server answered but the transfer broke off: the body so far stays the output.
            return StepResult(httpStatus: status, headers: headers, durationMilliseconds: Int(elapsed), failureReason: message)
        }
    }

    /// Hands the request to libcurl; returns when the transfer has ended.
    private func perform(
        _ request: HTTPRequest, on curl: CurlLibrary, into sink: HTTPResponseSink, result: inout medic_http_result,
        connectMilliseconds: Int64, timeoutMilliseconds: Int64
    ) {
        // "Name;" is how libcurl is told to send a header with an empty value.
        let headerLines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // The method, the URL, then the header lines.
        var strings = CStringArray([request.method, request.url] + headerLines)
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
                        connect_timeout_ms: Int(connectMilliseconds),
                        timeout_ms: Int(timeoutMilliseconds),
                        interrupt_fd: interrupt.descriptor ?? -1
                    )
                    medic_curl_perform(curl.handle, &description, &callbacks, &result)
                }
            }
        }
    }

    /// Why `request` cannot be sent as it is, if it cannot: a line break in a header would start
    /// another header, and a NUL would cut the URL or a header short.
    static func problem(in request: HTTPRequest) -> String? {
        let breaking: Set<Character> = ["\r", "\n", "\r\n", "\0"]
        if request.url.contains(where: breaking.contains) { return "the URL contains a line break or a NUL byte" }
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
