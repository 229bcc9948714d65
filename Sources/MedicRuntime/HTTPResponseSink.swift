import MedicCore

/// Receives a response from libcurl: streams the body and keeps the final response's headers.
final class HTTPResponseSink {
    private let output: (ArraySlice<UInt8>) -> Void
    /// The headers of the latest response, in the order received.
    private(set) var headers: [HTTPHeader] = []
    /// Whether any of the body was streamed.
    private(set) var receivedBody = false

    /// Creates a sink that streams the body to `output`.
    init(output: @escaping (ArraySlice<UInt8>) -> Void) {
        self.output = output
    }

    /// A piece of the body.
    func body(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        receivedBody = true
        output(ArraySlice(bytes))
    }

    /// One header line, as received. A status line starts a new response (after a redirect, or
    /// after `100 Continue`), whose headers replace the ones before.
    func header(_ bytes: UnsafeRawBufferPointer) {
        var line = String(decoding: bytes, as: UTF8.self)
        while line.hasSuffix("\n") || line.hasSuffix("\r") || line.hasSuffix("\r\n") { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            headers = []
        } else if line.first == " " || line.first == "\t" {
            // An obsolete folded continuation of the previous header's value.
            guard !headers.isEmpty else { return }
            headers[headers.count - 1].value += " " + line.trimmingBlanks()
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(HTTPHeader(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingBlanks()))
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingBlanks() -> String {
        let blanks: Set<Character> = [" ", "\t"]
        let start = firstIndex { !blanks.contains($0) } ?? endIndex
        let end = lastIndex { !blanks.contains($0) }.map(index(after:)) ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}
