import MedicCore

/// What one log capture found in a window: the distinct values of its groups, each with its
/// count and newest time, keeping only the `keep` most recently seen, so memory does not grow
/// with the window.
struct LogCaptureTally {
    /// One distinct value kept.
    struct Kept {
        var values: [String]
        var count: Int
        var last: Int64
        /// Kept again (or first) after a value was dropped: earlier lines may be uncounted.
        var atLeast: Bool
    }

    let capture: LogCapture
    /// The indexes of the tally's buckets whose lines are searched.
    let buckets: Set<Int>
    private let regex: Regex<AnyRegexOutput>?
    private let groups: [String]
    /// The plain text every match starts with, when the pattern's matches cannot depend on what
    /// comes before them (`leadingLiteral`).
    private let anchor: [UInt8]
    /// Kept values, least recently seen first.
    private(set) var kept: [Kept] = []
    /// Lines of the capture's classes in the window.
    private(set) var lines = 0
    /// Lines the pattern found nothing in.
    private(set) var unmatched = 0
    /// Lines counted for values that were dropped.
    private(set) var dropped = 0
    /// The values found in the text from the anchor on, by its bytes, for the last few such
    /// texts (a line's first 4 KiB at most each, so at most `memoLimit` times that).
    private var memo: [[UInt8]: [String]?] = [:]
    static let memoLimit = 64

    /// A tally for `capture`, over the buckets at `buckets`. A pattern that does not compile (the
    /// validator reports it before anything runs) matches nothing.
    init(capture: LogCapture, buckets: Set<Int>) {
        self.capture = capture
        self.buckets = buckets
        let regex = try? capture.pattern.compiled()
        self.regex = regex
        groups = regex.map(capture.pattern.groupNames(of:)) ?? []
        anchor = Self.leadingLiteral(capture.pattern.source)
    }

    /// The ASCII text every match of `pattern` starts with: its leading plain characters (and
    /// escaped punctuation), the last one left out when a quantifier follows it. Empty when a
    /// match may depend on the text before it (`^`, `\A`, `\G`, `\b`, `\B`, `\y`, `\Y`,
    /// lookbehind), or may start differently (inline options such as `(?i)`, alternation at the
    /// top level, which the leading run cannot tell from a later one).
    static func leadingLiteral(_ pattern: String) -> [UInt8] {
        let bytes = Array(pattern.utf8)
        // A `^` that negates a class (`[^/"]`) or is escaped is no anchor.
        for (index, byte) in bytes.enumerated() where byte == 0x5E && (index == 0 || (bytes[index - 1] != 0x5B && bytes[index - 1] != 0x5C)) {
            return []
        }
        for unsafe in ["\\A", "\\G", "\\b", "\\B", "\\y", "\\Y", "(?<=", "(?<!", "(?i", "(?x", "(?s", "(?m", "(?w", "(?u", "(?^", "|"]
        where pattern.contains(unsafe) {
            return []
        }
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let plain =
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || Array(" :\"=_,/-<>@!%&'#;~`".utf8).contains(byte)
            if plain {
                literal.append(byte)
                index += 1
            } else if byte == 0x5C, index + 1 < bytes.count, Array("()[]{}.*+?|\\/\"-$^".utf8).contains(bytes[index + 1]) {
                literal.append(bytes[index + 1])
                index += 2
            } else {
                if [0x2A, 0x2B, 0x3F, 0x7B].contains(byte), !literal.isEmpty { literal.removeLast() }
                break
            }
        }
        return literal
    }

    /// Searches `text`, a line of a searched class, of `time`.
    mutating func add(_ text: String, at time: Int64) {
        lines += 1
        guard let values = groupValues(in: text) else {
            unmatched += 1
            return
        }
        // Lines arrive oldest first, so the value seen last is the likeliest to be seen again.
        if let index = kept.lastIndex(where: { $0.values == values }) {
            var entry = kept.remove(at: index)
            entry.count += 1
            entry.last = time
            kept.append(entry)
            return
        }
        if kept.count == capture.keep {
            dropped += kept.removeFirst().count
        }
        kept.append(Kept(values: values, count: 1, last: time, atLeast: dropped > 0))
    }

    /// The values of the groups in the first match of the pattern in `text`, nil when none.
    ///
    /// A `Regex` tries every start position, at tens of microseconds a line. When every match
    /// starts with `anchor`, the search starts at the anchor's first occurrence (none: no match),
    /// which finds the same first match, and what it finds depends only on the text from there:
    /// a storm repeats the same few lines, so the last `memoLimit` such texts remember their
    /// values. The byte before the occurrence must be ASCII, so that it starts a character.
    private mutating func groupValues(in text: String) -> [String]? {
        guard let regex, !groups.isEmpty else { return nil }
        func values(_ match: Regex<AnyRegexOutput>.Match?) -> [String]? {
            match.map { match in groups.map { name in match.output[name]?.substring.map(String.init) ?? "" } }
        }
        let utf8 = text.utf8
        let found =
            anchor.isEmpty
            ? nil
            : utf8.withContiguousStorageIfAvailable { buffer in
                buffer.baseAddress.flatMap { LogLiteralFilter.find(anchor, in: $0, from: 0, to: buffer.count) }
            }
        guard let found else { return values((try? regex.firstMatch(in: text)) ?? nil) }
        guard let offset = found else { return nil }
        if offset > 0, utf8[utf8.index(utf8.startIndex, offsetBy: offset - 1)] >= 0x80 {
            return values((try? regex.firstMatch(in: text)) ?? nil)
        }
        let rest = text[utf8.index(utf8.startIndex, offsetBy: offset)...]
        // By bytes: Swift compares strings up to canonical equivalence, and the values must be
        // this line's own bytes.
        let key = Array(rest.utf8)
        if let known = memo[key] { return known }
        let result = values((try? regex.firstMatch(in: rest)) ?? nil)
        if memo.count == Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[key] = result
        return result
    }

    /// The capture's section of the probe's output (`LogCaptureReport`).
    var report: String {
        LogCaptureReport.section(
            groups: groups, classes: capture.classes,
            entries: kept.reversed().map { .init(values: $0.values, count: $0.count, last: LogTimestamp.format($0.last), atLeast: $0.atLeast) },
            lines: lines, dropped: dropped, unmatched: unmatched)
    }
}
