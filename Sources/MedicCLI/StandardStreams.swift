#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to the standard streams, safe to interleave with a child's output.
enum StandardStreams {
    struct Stream: Sendable {
        let descriptor: Int32

        func write(_ text: String) {
            var text = text
            text.withUTF8 { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }

        var isTerminal: Bool { isatty(descriptor) == 1 }
    }

    static let output = Stream(descriptor: 1)
    static let error = Stream(descriptor: 2)
}

/// Colour and emphasis when writing to a terminal and `NO_COLOR` is unset; plain text otherwise.
struct TerminalStyle: Sendable {
    var enabled: Bool

    static func forStandardOutput() -> TerminalStyle { TerminalStyle(enabled: StandardStreams.output.isTerminal && getenv("NO_COLOR") == nil) }
    static func forStandardError() -> TerminalStyle { TerminalStyle(enabled: StandardStreams.error.isTerminal && getenv("NO_COLOR") == nil) }

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
    func red(_ text: String) -> String { wrap("1;31", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func blue(_ text: String) -> String { wrap("34", text) }
    func magenta(_ text: String) -> String { wrap("35", text) }
    func cyan(_ text: String) -> String { wrap("36", text) }
}
