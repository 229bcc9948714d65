import MedicCore
import Testing

@testable import MedicRuntime

/// The capture's search from its pattern's leading text finds the match the regex finds alone.
@Suite("Log captures: the search from the leading text")
struct LogCaptureAnchorTests {
    @Test(
        "the leading text of a pattern, none where a match may depend on what comes before it",
        arguments: [
            (#"upstream: "[a-z]+://(?<x>[^/"]+)"#, #"upstream: ""#),
            (#"request: "(?<x>[^"]*)""#, #"request: ""#),
            (#"connect\(\) to (?<x>\S+)"#, "connect() to "),
            ("abc?(?<x>d)", "ab"),
            ("ab{2}(?<x>d)", "a"),
            ("^upstream: (?<x>.)", ""),
            (#"\bupstream (?<x>.)"#, ""),
            ("(?i)upstream (?<x>.)", ""),
            ("a(?<x>b)|c(?<y>d)", ""),
            ("(?<=x)up(?<x>.)", ""),
            ("(?<x>up)", ""),
        ])
    func leading(pattern: String, literal: String) {
        #expect(LogCaptureTally.leadingLiteral(pattern) == Array(literal.utf8))
    }

    @Test("over lines with the text repeated, missing, after non-ASCII text, the same match as the regex over the whole line")
    func sameMatch() throws {
        let here = SourceLocation(file: "t", line: 1, column: 1)
        let patterns = [#"upstream: "[a-z]+://(?<x>[^/"]+)"#, #"request: "(?<x>[^"]*)""#, "ab?(?<x>c+)"]
        let lines = [
            #"x upstream: "u" upstream: "http://a:1/" upstream: "http://b:2/""#,
            #"no match here, upstream: http://a"#,
            "é upstream: \"http://é:1/\" request: \"GET é\"",
            "\u{0600}upstream: \"http://p:1/\"",
            "a acc abcc ac",
            "",
            #"request: "" request: "x""#,
        ]
        for source in patterns {
            let pattern = RegexPattern(source, at: here)
            let regex = try pattern.compiled()
            for line in lines {
                var tally = LogCaptureTally(capture: LogCapture(classes: ["c"], pattern: pattern, keep: 10), buckets: [0])
                tally.add(line, at: 0)
                let expected = try regex.firstMatch(in: line)?.output["x"]?.substring.map(String.init)
                let report = tally.report.split(separator: "\n").dropFirst().first.map(String.init)
                if let expected {
                    #expect(report?.hasSuffix(" " + LogCaptureReport.quoted(expected)) == true, "\(source) over \(line): \(tally.report)")
                } else {
                    #expect(tally.unmatched == 1, "\(source) over \(line): \(tally.report)")
                }
            }
        }
    }
}

/// The memo of texts from the anchor on gives each line its own values.
@Suite("Log captures: the memo of repeated lines")
struct LogCaptureMemoTests {
    @Test("lines that share the text after the anchor share its values; values equal as Unicode text are one value")
    func memo() {
        let pattern = RegexPattern(#"upstream: "(?<x>[^"]+)""#, at: SourceLocation(file: "t", line: 1, column: 1))
        var tally = LogCaptureTally(capture: LogCapture(classes: ["c"], pattern: pattern, keep: 10), buckets: [0])
        tally.add(#"*1 client: a, upstream: "http://a:1/""#, at: 1)
        tally.add(#"*2 client: b, upstream: "http://a:1/""#, at: 2)
        tally.add("*3 upstream: \"caf\u{E9}\"", at: 3)
        tally.add("*4 upstream: \"cafe\u{301}\"", at: 4)
        tally.add(#"*5 upstream: "http://b:1/""#, at: 5)
        let lines = tally.report.split(separator: "\n").map(String.init)
        #expect(lines.first == "captured x from c: 5 lines, 3 values, newest first", "\(tally.report)")
        #expect(
            lines.dropFirst().map { $0.split(separator: ")", maxSplits: 1).last.map(String.init) ?? "" } == [
                #" "http://b:1/""#, " \"caf\u{E9}\"", #" "http://a:1/""#,
            ])
        #expect(lines[2].hasPrefix("  2 (last") && lines[3].hasPrefix("  2 (last"))
    }
}
