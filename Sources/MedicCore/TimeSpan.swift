/// A length of time written in a runbook, such as `250ms`, `30s`, `15m` or `1h`.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a span of `milliseconds`.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates a span of whole seconds.
    public static func seconds(_ seconds: Int64) -> TimeSpan { TimeSpan(milliseconds: seconds * 1000) }

    /// Parses `250ms`, `30s`, `15m`, `1h`; nil for anything else.
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let value = Int64(number),
                value <= Int64.max / factor / 1000
            else { continue }
            self.milliseconds = value * factor
            return
        }
        return nil
    }

    /// The span in whole seconds, rounded down.
    public var wholeSeconds: Int64 { milliseconds / 1000 }

    /// The span as a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    public var description: String {
        if milliseconds % 3_600_000 == 0, milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
}

extension Character {
    /// Whether this is one of the ASCII digits 0-9.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
