/// Reads an HTTP/1.x response as its bytes arrive, in pieces of any size: the status line and
/// header lines as they are (trailer lines of a chunked body too), then the body with its framing removed (Content-Length, chunked,
/// or up to the end of the connection). Interim `1xx` responses are read and passed on as lines,
/// so that a status line always starts a new response (as libcurl's header callback does).
///
/// Pure: no I/O. Bounds what it keeps: a head (or chunk trailer) of at most 256 KiB, chunk size
/// lines of at most 4 KiB; the body is never kept.
struct HTTPResponseReader {
    /// What the reader found in the bytes given to it, in order.
    enum Event: Equatable {
        /// A status line or header line, without its line ending.
        case line(ArraySlice<UInt8>)
        /// The head of the final response is complete: the body (if any) follows.
        case headEnded(status: Int)
        /// A piece of the body, framing removed.
        case body(ArraySlice<UInt8>)
    }

    /// Why the response cannot be read.
    struct Failure: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// The most a head may take, status line and headers together.
    static let headLimit = 256 * 1024
    /// The most a chunk size line may take.
    static let chunkLineLimit = 4096

    private enum State: Equatable {
        case statusLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case complete
    }

    private let bodyExpected: Bool
    private var state = State.statusLine
    private var line: [UInt8] = []
    private var headBytes = 0
    private var contentLength: Int?
    private var transferEncoding: [String] = []
    /// The status of the response being read, once its status line is in.
    private(set) var status: Int?
    /// Whether the whole response has been read.
    var isComplete: Bool { state == .complete }

    /// A reader of the response to a request; a response to HEAD has no body, whatever its
    /// headers say.
    init(bodyExpected: Bool) {
        self.bodyExpected = bodyExpected
    }

    /// Reads `bytes`, handing what they hold to `handle`. Bytes after the end of the response are
    /// ignored.
    mutating func read(_ bytes: ArraySlice<UInt8>, _ handle: (Event) -> Void) throws(Failure) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .complete:
                return
            case .statusLine, .headers, .trailers, .chunkSize, .chunkDataEnd:
                guard let ended = try collectLine(bytes, from: &index) else { return }
                try lineEnded(ended, handle)
            case .fixedBody(let remaining):
                let end = index + min(remaining, bytes.endIndex - index)
                handle(.body(bytes[index..<end]))
                state = remaining - (end - index) == 0 ? .complete : .fixedBody(remaining: remaining - (end - index))
                index = end
            case .chunkData(let remaining):
                let end = index + min(remaining, bytes.endIndex - index)
                handle(.body(bytes[index..<end]))
                state = remaining - (end - index) == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - (end - index))
                index = end
            case .untilClose:
                handle(.body(bytes[index...]))
                index = bytes.endIndex
            }
        }
    }

    /// The server closed the connection: fine when the response was complete or runs to the
    /// close; otherwise it was cut short.
    mutating func readEnd() throws(Failure) {
        switch state {
        case .complete:
            return
        case .untilClose:
            state = .complete
        case .statusLine where status == nil && line.isEmpty:
            throw Failure(description: "the server closed the connection without answering")
        case .statusLine, .headers:
            throw Failure(description: "the server closed the connection in the middle of the response headers")
        case .fixedBody(let remaining):
            throw Failure(description: "the server closed the connection \(remaining) bytes before the end of the body its Content-Length announced")
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            throw Failure(description: "the server closed the connection before the last chunk of the body")
        }
    }

    /// Adds bytes up to and including the next line feed to `line`; returns the line (without CR
    /// LF) once it is complete, nil when `bytes` ran out first.
    private mutating func collectLine(_ bytes: ArraySlice<UInt8>, from index: inout Int) throws(Failure) -> [UInt8]? {
        let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n"))
        let end = newline ?? bytes.endIndex
        line += bytes[index..<end]
        index = newline.map { $0 + 1 } ?? end
        let limit = state == .chunkSize || state == .chunkDataEnd ? Self.chunkLineLimit : Self.headLimit - headBytes
        if line.count > limit {
            throw Failure(
                description: state == .chunkSize || state == .chunkDataEnd
                    ? "a chunk size line of the body is longer than 4 KiB" : "the response headers are longer than 256 KiB"
            )
        }
        if state == .statusLine, !line.isEmpty, line != [UInt8(ascii: "\r")] { try checkStart() }
        guard newline != nil else { return nil }
        if state != .chunkSize && state != .chunkDataEnd { headBytes += line.count + 1 }
        var ended = line
        line = []
        if ended.last == UInt8(ascii: "\r") { ended.removeLast() }
        return ended
    }

    /// Refuses an answer that is not HTTP/1.x as soon as its first bytes show it.
    private func checkStart() throws(Failure) {
        let prefix = Array("HTTP/".utf8)
        if line.first == 0x16 || line.first == 0x15 {
            throw Failure(description: "the server answered with TLS: probe it with an https:// URL")
        }
        if !line.prefix(prefix.count).elementsEqual(prefix.prefix(min(line.count, prefix.count))) {
            throw Failure(description: "the server's answer is not HTTP (it does not start with a status line)")
        }
    }

    private mutating func lineEnded(_ ended: [UInt8], _ handle: (Event) -> Void) throws(Failure) {
        switch state {
        case .statusLine:
            // Blank lines before a status line are tolerated, as most clients tolerate them.
            if ended.isEmpty { return }
            status = try Self.status(of: ended)
            contentLength = nil
            transferEncoding = []
            handle(.line(ended[...]))
            state = .headers
        case .headers:
            if ended.isEmpty {
                try headEnded(handle)
            } else {
                try noteFraming(ended)
                handle(.line(ended[...]))
            }
        case .chunkSize:
            let digits = ended.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
                throw Failure(description: "a chunk of the body does not start with its size in hex")
            }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard ended.isEmpty else { throw Failure(description: "a chunk of the body is longer than its size said") }
            state = .chunkSize
        case .trailers:
            // Trailer fields are passed on as header lines, as libcurl passes them.
            if ended.isEmpty { state = .complete } else { handle(.line(ended[...])) }
        case .fixedBody, .chunkData, .untilClose, .complete:
            break
        }
    }

    /// `HTTP/1.1 502 Bad Gateway` → 502.
    private static func status(of line: [UInt8]) throws(Failure) -> Int {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[0].count == 8, parts[1].count == 3,
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let status = Int(parts[1]), status >= 100
        else { throw Failure(description: "the server's status line is not HTTP/1.x with a three-digit status") }
        return status
    }

    /// Keeps what the headers say about the body's length.
    private mutating func noteFraming(_ header: [UInt8]) throws(Failure) {
        guard let colon = header.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: header[..<colon], as: UTF8.self).lowercased()
        guard name == "content-length" || name == "transfer-encoding" else { return }
        let value = String(decoding: header[(colon + 1)...], as: UTF8.self)
        let items = value.split(separator: ",").map { $0.trimmingBlanks().lowercased() }.filter { !$0.isEmpty }
        if name == "transfer-encoding" {
            transferEncoding += items
            return
        }
        for item in items {
            guard item.count <= 18, item.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(item) else {
                throw Failure(description: "the response's Content-Length is not a number")
            }
            if let contentLength, contentLength != length {
                throw Failure(description: "the response has two different Content-Length headers")
            }
            contentLength = length
        }
    }

    private mutating func headEnded(_ handle: (Event) -> Void) throws(Failure) {
        let status = status ?? 0
        if (100...199).contains(status) && status != 101 {
            // An interim response (100 Continue, 103 Early Hints): the real one follows.
            state = .statusLine
            return
        }
        handle(.headEnded(status: status))
        if !bodyExpected || status == 101 || status == 204 || status == 304 {
            state = .complete
        } else if let last = transferEncoding.last {
            state = last == "chunked" ? .chunkSize : .untilClose
        } else if let contentLength {
            state = contentLength == 0 ? .complete : .fixedBody(remaining: contentLength)
        } else {
            state = .untilClose
        }
    }
}
