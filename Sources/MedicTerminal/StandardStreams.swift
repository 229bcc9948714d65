#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to the standard streams, safe to interleave with a child's output.
public enum StandardStreams {
    /// One output stream.
    public struct Stream: Sendable {
        /// The file descriptor.
        public let descriptor: Int32

        /// Writes all of `text`, retrying on interruption.
        public func write(_ text: String) {
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

        /// Whether the stream is a terminal.
        public var isTerminal: Bool { isatty(descriptor) == 1 }
    }

    /// Standard output.
    public static let output = Stream(descriptor: 1)
    /// Standard error.
    public static let error = Stream(descriptor: 2)
}

/// Colour and emphasis when writing to a terminal and `NO_COLOR` is unset; plain text otherwise.
public struct TerminalStyle: Sendable {
    /// Whether escape sequences are written.
    public var enabled: Bool

    /// Creates a style.
    public init(enabled: Bool) { self.enabled = enabled }

    /// Colour for standard output when it is a terminal and NO_COLOR is unset.
    public static func forStandardOutput() -> TerminalStyle { TerminalStyle(enabled: StandardStreams.output.isTerminal && getenv("NO_COLOR") == nil) }
    /// The same for standard error.
    public static func forStandardError() -> TerminalStyle { TerminalStyle(enabled: StandardStreams.error.isTerminal && getenv("NO_COLOR") == nil) }

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    /// `text` in bold.
    public func bold(_ text: String) -> String { wrap("1", text) }
    /// `text` in dim.
    public func dim(_ text: String) -> String { wrap("2", text) }
    /// `text` in red.
    public func red(_ text: String) -> String { wrap("1;31", text) }
    /// `text` in green.
    public func green(_ text: String) -> String { wrap("32", text) }
    /// `text` in yellow.
    public func yellow(_ text: String) -> String { wrap("33", text) }
    /// `text` in blue.
    public func blue(_ text: String) -> String { wrap("34", text) }
    /// `text` in magenta.
    public func magenta(_ text: String) -> String { wrap("35", text) }
    /// `text` in cyan.
    public func cyan(_ text: String) -> String { wrap("36", text) }
}
