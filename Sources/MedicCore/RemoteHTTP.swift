/// The HTTP probe a host runs for `http: {…, from: target}`: that host's own curl, given the
/// whole request as a curl config on its standard input (`curl -q -K -`), so no URL, header,
/// body or password is in any argv, here or there. What curl prints is read back
/// (`response(…)`) into the result the local probe gives: the status, the final response's
/// headers, the body as the output, the time taken.
public enum RemoteHTTP {
    /// The probe on the host: `sh -c probe medic-http`, the config on its standard input. It
    /// prints the response's headers (every response's, redirects included) and body, then
    /// curl's `--write-out` line and its own last line with curl's exit status and error. A
    /// host without curl says so (`unavailable: …`, exit 127).
    public static let probe = """
        if ! command -v curl >/dev/null 2>&1; then echo "unavailable: the host has no curl to send the request"; exit 127; fi
        exec 4>&1
        reason=$(curl -q -K - 2>&1 >&4 4>&-)
        status=$?
        exec 4>&-
        printf 'medic-http-exit %s %s\\n' "$status" "$(printf '%s' "$reason" | sed -n '$p' | cut -c1-400)"
        exit 0
        """

    /// The config for `request`, read by the host's curl from its standard input: every value
    /// a quoted string (a `"`, a `\\` and line breaks escaped), so a hostile value stays data.
    /// `seconds` bounds the whole request; only http and https are asked, never `file:` or any
    /// other scheme, and no `.curlrc` is read. Nil, with the reason, when the request cannot be
    /// sent as it is.
    public static func config(for request: HTTPRequest, seconds: Int) -> Result<String, WalkProblem> {
        let breaking: Set<Character> = ["\r", "\n", "\r\n", "\0"]
        if request.method.isEmpty || request.method.contains(where: { breaking.contains($0) || $0 == " " }) {
            return .failure(WalkProblem("the method '\(request.method)' is not a single word"))
        }
        for header in request.headers {
            if header.name.isEmpty || header.name.contains(where: { breaking.contains($0) || $0 == ":" || $0 == " " }) {
                return .failure(WalkProblem("the header name '\(header.name)' is not valid"))
            }
            // The value is never repeated: it may be a secret.
            if header.value.contains(where: breaking.contains) {
                return .failure(WalkProblem("the value of header '\(header.name)' contains a line break"))
            }
        }
        if request.url.contains(where: { $0.isNewline || $0 == "\0" }) || (request.body?.utf8.contains(0) ?? false) {
            return .failure(WalkProblem("the request holds a line break in its URL or a NUL byte, which cannot be sent"))
        }
        var lines = [
            "silent", "show-error", "globoff",
            "proto = \"=http,https\"", "proto-redir = \"=http,https\"",
            "dump-header = \"-\"", "output = \"-\"",
            "max-time = \(max(1, seconds))", "connect-timeout = \(min(5, max(1, seconds)))",
            "write-out = \"\\nmedic-http-result %{http_code} %{size_download} %{time_total}\\n\"",
            "url = \(quoted(request.url))",
        ]
        if request.method == "HEAD" {
            lines.append("head")
        } else if request.method != "GET" || request.body != nil {
            lines.append("request = \(quoted(request.method))")
        }
        for header in request.headers {
            // "Name;" is how curl is told to send a header with an empty value.
            lines.append("header = \(quoted(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"))")
        }
        if let body = request.body { lines.append("data-binary = \(quoted(body))") }
        if request.followRedirects { lines += ["location", "max-redirs = 10"] }
        if let socket = request.unixSocket { lines.append("unix-socket = \(quoted(socket))") }
        return .success(lines.joined(separator: "\n") + "\n")
    }

    /// `value` as a curl config string.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// The result the probe's output stands for: `kept` the output's first bytes, `total` how
    /// many bytes it had in all, `tail` its last bytes (at least the two closing lines). Nil when
    /// the output does not end as the probe's does (it never finished: stopped, or never
    /// started), so the runner's own result stands.
    public static func response(kept: [UInt8], total: Int, tail: [UInt8]) -> StepResult? {
        let lines = tail.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The tail ends "\nmedic-http-result CODE SIZE TIME\nmedic-http-exit STATUS REASON\n".
        guard tail.last == UInt8(ascii: "\n"), lines.count >= 4 else {
            let text = String(decoding: kept, as: UTF8.self)
            if text.hasPrefix("unavailable: ") {
                let reason = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
                return StepResult(output: text, failureReason: reason)
            }
            return nil
        }
        let exitLine = String(decoding: lines[lines.count - 2], as: UTF8.self)
        let resultLine = String(decoding: lines[lines.count - 3], as: UTF8.self)
        guard exitLine.hasPrefix("medic-http-exit "), resultLine.hasPrefix("medic-http-result ") else { return nil }
        let exitWords = exitLine.dropFirst("medic-http-exit ".count).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let resultWords = resultLine.dropFirst("medic-http-result ".count).split(separator: " ")
        guard let curlStatus = exitWords.first.flatMap({ Int($0) }), resultWords.count == 3, let status = Int(resultWords[0]),
            let size = Int(resultWords[1]), let seconds = Double(resultWords[2])
        else { return nil }
        var reason = exitWords.count > 1 ? String(exitWords[1]) : ""
        if reason.hasPrefix("curl: ("), let end = reason.firstIndex(of: ")") {
            reason = String(reason[reason.index(after: end)...].drop { $0 == " " })
        }
        // The trailer: the "\n" before the result line, both lines and their line breaks.
        let trailer = 1 + lines[lines.count - 3].count + 1 + lines[lines.count - 2].count + 1
        let bodyEnd = total - trailer
        let bodyStart = bodyEnd - size
        guard bodyStart >= 0 else { return nil }
        let headerBytes = kept[..<min(kept.count, bodyStart)]
        var body = Array(kept[min(kept.count, bodyStart)..<min(kept.count, bodyEnd)])
        if bodyEnd > kept.count { body += Array("\n… \(bodyEnd - max(kept.count, bodyStart)) more bytes not kept\n".utf8) }
        let duration = Int((seconds * 1000).rounded())
        let headers = finalHeaders(headerBytes)
        if curlStatus == 0 {
            return StepResult(output: String(decoding: body, as: UTF8.self), httpStatus: status, headers: headers, durationMilliseconds: duration)
        }
        if reason.isEmpty { reason = "curl ended with status \(curlStatus)" }
        // curl's 28 is its deadline: before a connection, as the local probe says it; after, the step's.
        let timedOut = curlStatus == 28 && !reason.lowercased().contains("connect")
        if status == 0 {
            return StepResult(
                output: reason + "\n", timedOut: timedOut, httpStatus: 0, durationMilliseconds: duration, failureReason: timedOut ? nil : reason)
        }
        // The server answered but the transfer broke off: the body so far stays the output.
        return StepResult(
            output: String(decoding: body, as: UTF8.self), timedOut: timedOut, httpStatus: status, headers: headers,
            durationMilliseconds: duration, failureReason: timedOut ? nil : reason)
    }

    /// The headers of the last response in `bytes` (curl's `--dump-header`: each response's
    /// status line and headers, a blank line after each).
    static func finalHeaders(_ bytes: ArraySlice<UInt8>) -> [HTTPHeader] {
        let text = String(decoding: bytes, as: UTF8.self)
        var blocks: [[String]] = []
        var current: [String] = []
        // "\r\n" is one Character, and a line break like "\n".
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.isEmpty {
                if !current.isEmpty { blocks.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append(current) }
        guard let last = blocks.last(where: { $0.first?.hasPrefix("HTTP/") ?? false }) else { return [] }
        return last.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("\t") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            return HTTPHeader(name: String(line[..<colon]), value: String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed()))
        }
    }
}
