import Glibc
import MedicCore

/// How requests and replies cross the pipes between Medic and its matching process: lengths
/// are 4 bytes little-endian, strings are UTF-8 bytes after their length.
///
/// A question: kind (1 byte), line anchors (1 byte), the pattern, the number of texts, the texts.
/// A log window: `logWindow` (1 byte), 0, the path, the server (empty for none), the zone (empty
/// for the host's), `since` and the timeout in milliseconds (as strings), the number of examples, the number of classes, each class's name and pattern, the
/// number of captures, and per capture its pattern, its `keep`, and the number and names of its
/// classes.
/// Every reply starts with its whole length. An answer: the count, the number of matches, and
/// per match the number of groups and each group's name and value. A log window's reply:
/// whether it timed out (1 byte), then its output.
enum MatchWire {
    /// The first byte of a log window request, after the question kinds.
    static let logWindow: UInt8 = 100

    /// What the matching process is asked.
    enum Request {
        case question(MatchQuestion)
        case logWindow(LogQuery, timeout: TimeSpan)
    }

    static func encode(_ question: MatchQuestion) -> [UInt8] {
        var bytes: [UInt8] = [question.kind.rawValue, question.lineAnchors ? 1 : 0]
        appendString(question.pattern, to: &bytes)
        appendNumber(question.texts.count, to: &bytes)
        for text in question.texts { appendString(text, to: &bytes) }
        return bytes
    }

    static func encode(_ query: LogQuery, timeout: TimeSpan) -> [UInt8] {
        var bytes: [UInt8] = [logWindow, 0]
        appendString(query.path, to: &bytes)
        appendString(query.server ?? "", to: &bytes)
        appendString(query.zone ?? "", to: &bytes)
        appendString(String(query.since.milliseconds), to: &bytes)
        appendString(String(timeout.milliseconds), to: &bytes)
        appendNumber(query.examples, to: &bytes)
        appendNumber(query.classes.count, to: &bytes)
        for logClass in query.classes {
            appendString(logClass.name, to: &bytes)
            appendString(logClass.pattern.source, to: &bytes)
        }
        appendNumber(query.captures.count, to: &bytes)
        for capture in query.captures {
            appendString(capture.pattern.source, to: &bytes)
            appendNumber(capture.keep, to: &bytes)
            appendNumber(capture.classes.count, to: &bytes)
            for name in capture.classes { appendString(name, to: &bytes) }
        }
        return bytes
    }

    /// A log window's reply.
    static func encodeWindow(output: [UInt8], timedOut: Bool) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0, 0, timedOut ? 1 : 0]
        appendNumber(output.count, to: &bytes)
        bytes += output
        let length = UInt32(bytes.count).littleEndian
        withUnsafeBytes(of: length) { bytes.replaceSubrange(0..<4, with: $0) }
        return bytes
    }

    /// The output and timing out of a log window's reply body; nil when it is malformed.
    static func decodeWindow(_ body: ArraySlice<UInt8>) -> (output: ArraySlice<UInt8>, timedOut: Bool)? {
        guard let flag = body.first else { return nil }
        var reader = Reader(bytes: body.dropFirst())
        guard let length = reader.number(), reader.bytes.count == length else { return nil }
        return (reader.bytes, flag == 1)
    }

    static func encode(_ answer: MatchAnswer) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0, 0]
        appendNumber(answer.count, to: &bytes)
        appendNumber(answer.matches.count, to: &bytes)
        for match in answer.matches {
            appendNumber(match.count, to: &bytes)
            for (name, value) in match.sorted(by: { $0.key < $1.key }) {
                appendString(name, to: &bytes)
                appendString(value, to: &bytes)
            }
        }
        let length = UInt32(bytes.count).littleEndian
        withUnsafeBytes(of: length) { bytes.replaceSubrange(0..<4, with: $0) }
        return bytes
    }

    /// The whole length of the answer `reply` begins, once its first 4 bytes have arrived.
    static func replyLength(_ reply: [UInt8]) -> Int? {
        reply.count >= 4 ? Int(number(reply[0..<4])) : nil
    }

    /// The answer in `body`, the reply after its length; nil when it is malformed.
    static func decodeAnswer(_ body: ArraySlice<UInt8>) -> MatchAnswer? {
        var reader = Reader(bytes: body)
        guard let count = reader.number(), let matchCount = reader.number() else { return nil }
        var matches: [[String: String]] = []
        for _ in 0..<matchCount {
            guard let groups = reader.number() else { return nil }
            var match: [String: String] = [:]
            for _ in 0..<groups {
                guard let name = reader.string(), let value = reader.string() else { return nil }
                match[name] = value
            }
            matches.append(match)
        }
        return MatchAnswer(matches: matches, count: count)
    }

    /// Where a pattern read from the pipe was written: it was validated where it was.
    private static let nowhere = SourceLocation(file: "", line: 0, column: 0)

    /// Reads one request from the blocking descriptor `fd`; nil at the end of input.
    static func readRequest(from fd: Int32) -> Request? {
        guard let head = readExactly(2, from: fd) else { return nil }
        if head[0] == logWindow {
            guard let path = readString(from: fd), let server = readString(from: fd), let zone = readString(from: fd),
                let since = readString(from: fd).flatMap({ Int64($0) }),
                let timeout = readString(from: fd).flatMap({ Int64($0) }), let examples = readNumber(from: fd), let count = readNumber(from: fd)
            else { return nil }
            var classes: [LogClass] = []
            for _ in 0..<count {
                guard let name = readString(from: fd), let pattern = readString(from: fd) else { return nil }
                classes.append(LogClass(name: name, pattern: RegexPattern(pattern, at: nowhere)))
            }
            guard let captureCount = readNumber(from: fd) else { return nil }
            var captures: [LogCapture] = []
            for _ in 0..<captureCount {
                guard let pattern = readString(from: fd), let keep = readNumber(from: fd), let names = readNumber(from: fd) else { return nil }
                var captured: [String] = []
                for _ in 0..<names {
                    guard let name = readString(from: fd) else { return nil }
                    captured.append(name)
                }
                captures.append(LogCapture(classes: captured, pattern: RegexPattern(pattern, at: nowhere), keep: keep))
            }
            let query = LogQuery(
                path: path, since: TimeSpan(milliseconds: since), classes: classes, examples: examples, captures: captures,
                server: server.isEmpty ? nil : server, zone: zone.isEmpty ? nil : zone)
            return .logWindow(query, timeout: TimeSpan(milliseconds: timeout))
        }
        guard let kind = MatchQuestion.Kind(rawValue: head[0]) else { return nil }
        guard let pattern = readString(from: fd), let count = readNumber(from: fd) else { return nil }
        var texts: [String] = []
        texts.reserveCapacity(count)
        for _ in 0..<count {
            guard let text = readString(from: fd) else { return nil }
            texts.append(text)
        }
        return .question(MatchQuestion(kind, pattern, lineAnchors: head[1] == 1, in: texts))
    }

    /// Writes all of `bytes` to the blocking descriptor `fd`.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return false }
            done += count
        }
        return true
    }

    private static func appendNumber(_ value: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func appendString(_ text: String, to bytes: inout [UInt8]) {
        appendNumber(text.utf8.count, to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func readNumber(from fd: Int32) -> Int? {
        readExactly(4, from: fd).map { Int(number($0[...])) }
    }

    private static func readString(from fd: Int32) -> String? {
        guard let length = readNumber(from: fd), let bytes = readExactly(length, from: fd) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func readExactly(_ count: Int, from fd: Int32) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes[done...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { return nil }
            done += got
        }
        return bytes
    }

    /// Reads numbers and strings from an answer.
    private struct Reader {
        var bytes: ArraySlice<UInt8>

        init(bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        mutating func number() -> Int? {
            guard bytes.count >= 4 else { return nil }
            defer { bytes = bytes.dropFirst(4) }
            return Int(MatchWire.number(bytes.prefix(4)))
        }

        mutating func string() -> String? {
            guard let length = number(), bytes.count >= length else { return nil }
            defer { bytes = bytes.dropFirst(length) }
            return String(decoding: bytes.prefix(length), as: UTF8.self)
        }
    }
}
