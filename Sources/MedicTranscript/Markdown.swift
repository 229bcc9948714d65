import MedicCore

/// Small pieces of Markdown that stay correct whatever text they hold, and read well raw,
/// since a report is often pasted into a ticket that does not render it.
enum Markdown {
    /// ", cause `ID` (Title)" for an ending with a cause, as the runbook declared it; empty for
    /// one without (aborted, stopped).
    static func cause(of end: SessionEnd) -> String {
        guard !end.cause.isEmpty else { return "" }
        return ", cause \(code(end.cause))" + (end.causeTitle.map { " (\(oneLine($0)))" } ?? "")
    }

    /// `text` as inline code: wrapped in more backticks than it contains, on one line.
    static func code(_ text: String) -> String {
        let flat = oneLine(text)
        let run = longestBacktickRun(flat)
        if run == 0 { return "`" + flat + "`" }
        let fence = String(repeating: "`", count: run + 1)
        return fence + " " + flat + " " + fence
    }

    /// `text` as a fenced code block, the fence longer than any backtick run inside.
    static func block(_ text: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + "\n" + body + fence + "\n"
    }

    /// `text` as a block quote, every line prefixed.
    static func quote(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n") + "\n"
    }

    /// `text` with line ends turned into spaces, for a heading or a list item.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for character in text { out.append(character == "\n" || character == "\r\n" || character == "\r" ? " " : character) }
        return out
    }

    private static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var current = 0
        for byte in text.utf8 {
            current = byte == UInt8(ascii: "`") ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// `2026-11-21T17:41:02.123Z` as `2026-11-21 17:41:02 UTC`; other text as it is.
    static func dateTime(_ time: String) -> String {
        guard Clock.milliseconds(iso8601: time) != nil else { return time }
        return String(time.prefix(10)) + " " + String(time.dropFirst(11).prefix(8)) + " UTC"
    }

    /// `2026-11-21T17:41:02.123Z` as `17:41:02`; other text as it is.
    static func clock(_ time: String) -> String {
        guard Clock.milliseconds(iso8601: time) != nil else { return time }
        return String(time.dropFirst(11).prefix(8))
    }

    /// A duration for people: `850 ms`, `4.2 s`, `3 min 5 s`, `2 h 10 min`.
    static func duration(milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds < 60_000 {
            let tenths = milliseconds / 100
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let seconds = milliseconds / 1000
        if seconds < 3600 { return seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \(seconds / 60 % 60) min"
    }
}
