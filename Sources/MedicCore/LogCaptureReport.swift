/// How the log probe writes what its captures found, and how a walk reads it back.
///
/// The values travel in the probe's output, like everything else a step learns, so that a
/// scenario, a drill, a resumed run and a captured scenario read them from the recorded output
/// exactly as the live run did. Each capture writes one section:
///
///     captured failed_upstreams from refused, timeout_connect: 1210 lines, 2 values, newest first
///       1200 (last 2026-12-01T21:48:05Z) "127.0.0.1:8001"
///       3 (last 2026-12-01T21:40:00Z) "[::1]:8001"
///       7 lines of older values not kept
///
/// A value is written as a JSON string, so a hostile one (quotes, spaces) reads back as itself.
/// With several groups a line holds one string per group, in the pattern's order. A count
/// marked `+` belongs to a value kept again after older values were dropped, so earlier lines
/// of it may be among those not kept.
public enum LogCaptureReport {
    /// One distinct value (a value per group) with how many lines gave it.
    public struct Entry: Sendable, Hashable {
        /// The value of each group, in the pattern's order.
        public var values: [String]
        /// The lines that gave it while it was kept.
        public var count: Int
        /// The time of its newest line, in seconds since the epoch, formatted by the caller.
        public var last: String
        /// Whether lines of it may have been dropped before `count` started.
        public var atLeast: Bool

        /// Creates an entry.
        public init(values: [String], count: Int, last: String, atLeast: Bool = false) {
            self.values = values
            self.count = count
            self.last = last
            self.atLeast = atLeast
        }
    }

    /// The header's start for a capture with these group names.
    static func heading(_ groups: [String]) -> String {
        "captured \(groups.joined(separator: ", ")) from "
    }

    /// The section of one capture: `entries` newest first, `lines` lines of its classes in the
    /// window, `dropped` of them counted for values no longer kept, `unmatched` in which the
    /// pattern found nothing.
    public static func section(
        groups: [String], classes: [String], entries: [Entry], lines: Int, dropped: Int, unmatched: Int
    ) -> String {
        let plural = entries.count == 1 ? "value" : "values"
        var text = heading(groups) + "\(classes.joined(separator: ", ")): \(lines) lines, \(entries.count) \(plural), newest first\n"
        for entry in entries {
            text += "  \(entry.count)\(entry.atLeast ? "+" : "") (last \(entry.last))"
            for value in entry.values { text += " " + quoted(value) }
            text += "\n"
        }
        if dropped > 0 { text += "  \(dropped) lines of older values not kept\n" }
        if unmatched > 0 { text += "  \(unmatched) lines without a match\n" }
        return text
    }

    /// The variables `spec`'s captures define, read from `parts` of a result's output: each
    /// group's values, newest first, one a line; the empty string when the output has no
    /// section for it (the file was unreadable, or a scenario recorded none).
    static func values(of spec: LogProbeSpec, from parts: [String]) -> [(name: String, value: String)] {
        let lines = parts.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
        var out: [(String, String)] = []
        for capture in spec.captures {
            let groups = capture.pattern.groupNames
            var columns = Array(repeating: [String](), count: groups.count)
            let header = heading(groups)
            if let start = lines.firstIndex(where: { $0.hasPrefix(header) && isSectionOf(capture, header: $0.dropFirst(header.count)) }) {
                for line in lines[(start + 1)...] {
                    guard line.hasPrefix("  "), let values = entryValues(line.dropFirst(2)) else { break }
                    guard values.count == groups.count else { continue }
                    for (index, value) in values.enumerated() { columns[index].append(value) }
                }
            }
            for (name, values) in zip(groups, columns) { out.append((name, values.joined(separator: "\n"))) }
        }
        return out
    }

    /// Whether a header's rest (after `captured NAMES from `) lists `capture`'s classes.
    private static func isSectionOf(_ capture: LogCapture, header rest: Substring) -> Bool {
        rest.hasPrefix(capture.classes.joined(separator: ", ") + ": ")
    }

    /// The values of an entry line (after its indent), nil when the line is no entry.
    static func entryValues(_ line: Substring) -> [String]? {
        var rest = line.drop { $0.isNumber }
        guard rest.startIndex != line.startIndex else { return nil }
        if rest.first == "+" { rest = rest.dropFirst() }
        guard rest.hasPrefix(" (last "), let close = rest.firstIndex(of: ")") else { return nil }
        rest = rest[rest.index(after: close)...]
        var values: [String] = []
        while !rest.isEmpty {
            guard rest.first == " " else { return nil }
            rest = rest.dropFirst()
            guard let (value, after) = unquote(rest) else { return nil }
            values.append(value)
            rest = after
        }
        return values.isEmpty ? nil : values
    }

    /// `value` as a JSON string.
    public static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            case "\n": text += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }

    /// The JSON string at the start of `text` and what follows it; nil when there is none.
    static func unquote(_ text: Substring) -> (String, Substring)? {
        guard text.first == "\"" else { return nil }
        var value = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.dropFirst()
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            switch scalar {
            case "\"": return (String(value), Substring(scalars))
            case "\\":
                guard let escaped = scalars.first else { return nil }
                scalars = scalars.dropFirst()
                switch escaped {
                case "\"", "\\", "/": value.append(escaped)
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "n": value.append("\n")
                case "u":
                    let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                    guard hex.count == 4, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else { return nil }
                    value.append(decoded)
                    scalars = scalars.dropFirst(4)
                default: return nil
                }
            default: value.append(scalar)
            }
        }
        return nil
    }
}
