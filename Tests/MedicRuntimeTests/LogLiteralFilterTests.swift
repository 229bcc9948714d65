import Foundation
import MedicCore
import Testing

@testable import MedicRuntime

/// The log probe's literal filter decides a line only as the class's regex would.
@Suite("The log probe's literal filter, against the plain regex")
struct LogLiteralFilterTests {
    /// A fixed-seed generator, so a failure shows again on the next run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Pieces of patterns: literals (ASCII, escaped, canonically equivalent to ASCII, combining,
    /// prepended), classes, groups, alternation, anchors, quantifiers, options, quoting.
    static let patternPieces = [
        "upstream", "timed out", "a", "b", "ab", "K", "k", ";", "`", "é", "e\u{301}", "\u{301}", "\u{600}", "\u{212A}",
        "\u{37E}", "🙂", " ", "0", "12", #"\("#, #"\)"#, #"\."#, #"\["#, #"\|"#, #"\ "#, #"\-"#, ".", #"\d"#, #"\w+"#,
        #"\s"#, #"\b"#, #"\S+"#, "[a-c]", "[^x]", "[[:alpha:]]", "[]a]", "[K;]", "(a|b)", "(?:up|down)",
        #"(?<n>\d+)"#, "(?P<m>a)", "(?=a)", "(?!b)", "(?<=a)", "^", "$", "?", "*", "+", "+?", "{2}", "{1,3}", "{", "}", "|",
        "|", "(?i)", "(?i:a)", #"\u{301}"#, #"\x41"#, #"\Qa.b\E"#, #"\1"#, #"\N{LATIN SMALL LETTER A}"#, "\t", "\r", "#",
    ]
    /// Pieces of lines, with what makes characters and bytes differ: combining marks, prepended
    /// marks, canonical equivalents of ASCII, CR, invalid UTF-8.
    static let linePieces: [[UInt8]] =
        [
            "upstream", "timed out", "a", "b", "ab", "A", "K", "k", "\u{212A}", ";", "\u{37E}", "`", "\u{1FEF}", "é", "e\u{301}",
            "\u{301}", "\u{600}", "🙂", "\u{200D}", "(", ")", ".", "[", "|", " ", "-", "0", "12", "\r", "\t", "x", "up", "down",
            "down", "a.b", "#",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x84]]

    /// Patterns built from pieces and lines built from pieces and from the patterns' own
    /// literals: where the filter decides, the regex over the decoded line agrees.
    @Test func decidesAsTheRegex() throws {
        var random = SplitMix(state: 14)
        var decided: [LogLiteralFilter.Decision: Int] = [:]
        var filtered = 0
        for _ in 0..<1500 {
            let pieces = (0..<Int.random(in: 1...6, using: &random)).map { _ in Self.patternPieces.randomElement(using: &random)! }
            let pattern = pieces.joined()
            guard let regex = try? RegexPattern(pattern, at: SourceLocation(file: "t", line: 1, column: 1)).compiled() else { continue }
            guard let filter = LogLiteralFilter(pattern: pattern) else { continue }
            filtered += 1
            for _ in 0..<40 {
                var line: [UInt8] = []
                for _ in 0..<Int.random(in: 0...8, using: &random) {
                    let piece = pieces.randomElement(using: &random)!
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0: line += filter.literals.randomElement(using: &random)!
                    case 1: line += Array(piece.utf8)
                    case 2: line += Array(piece.precomposedStringWithCanonicalMapping.utf8)
                    case 3: line += Array(piece.decomposedStringWithCanonicalMapping.utf8)
                    default: line += Self.linePieces.randomElement(using: &random)!
                    }
                }
                let decision = line.withUnsafeBufferPointer { filter.decide($0) }
                decided[decision, default: 0] += 1
                guard decision != .undecided else { continue }
                let matches = String(decoding: line, as: UTF8.self).contains(regex)
                #expect(matches == (decision == .match), "pattern \(pattern.debugDescription), line \(line)")
            }
        }
        // The test means something only if the filter took patterns and decided lines both ways.
        #expect(filtered > 300)
        #expect(decided[.match, default: 0] > 1000)
        #expect(decided[.noMatch, default: 0] > 1000)
    }

    /// What the reader makes of patterns: the runs it takes, and what it leaves to the regex.
    @Test func readsPatterns() {
        func read(_ pattern: String) -> [String]? {
            LogLiteralFilter(pattern: pattern)?.literals.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(read(#"connect\(\) failed \((101|113): "#) == ["connect() failed ("])
        #expect(LogLiteralFilter(pattern: #"connect\(\) failed \((101|113): "#)?.exact == false)
        #expect(read("SSL_do_handshake\\(\\) failed|peer closed|wrong version") == ["SSL_do_handshake() failed", "peer closed", "wrong version"])
        #expect(LogLiteralFilter(pattern: "a b|c")?.exact == true)
        #expect(read(#"up\w+ed out"#) == ["ed out"])
        #expect(read("timeouts? at") == ["timeout"])
        #expect(read("a{2}bc") == ["bc"])
        #expect(read("Kelvin") == ["elvin"])
        #expect(read("cafe\u{301} open") == ["open"])
        #expect(read("(?i)error") == nil)
        #expect(read("error|") == nil)
        #expect(read(#"\d+"#) == nil)
        #expect(read(#"\Qa.b\E"#) == nil)
        #expect(read("[]x] y") == nil)
    }

    /// The tally's classification with filters is the plain one: the first class whose regex
    /// matches, over the nginx-502 runbook's classes and lines of each kind.
    @Test func classifiesAsThePlainRegexes() throws {
        let here = SourceLocation(file: "t", line: 1, column: 1)
        let classes = [
            ("refused", #"connect\(\) failed \(111: Connection refused\) while connecting to upstream"#),
            ("unreachable", #"connect\(\) failed \((101|113): "#),
            ("sock_missing", #"connect\(\) to unix:\S+ failed \(2: No such file or directory\)"#),
            ("ssl_failed", #"SSL_do_handshake\(\) failed|peer closed connection in SSL handshake|wrong version number"#),
            ("timeout", #"upstream timed out \(110: Connection timed out\)"#),
        ].map { LogClass(name: $0.0, pattern: RegexPattern($0.1, at: here)) }
        let tally = LogTally(classes: classes, examples: 0)
        #expect(tally.buckets.allSatisfy { $0.regex == nil || $0.filter != nil })
        let lines = [
            "2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream",
            "2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (113: No route to host) while connecting to upstream",
            "2026/12/01 10:00:00 [error] 7#7: *1 connect() to unix:/run/app.sock failed (2: No such file or directory)",
            "2026/12/01 10:00:00 [crit] 7#7: *1 SSL_do_handshake() failed (SSL: error)",
            "2026/12/01 10:00:00 [info] 7#7: *1 peer closed connection in SSL handshake\u{301}",
            "2026/12/01 10:00:00 [error] 7#7: *1 upstream timed out (110: Connection timed out)",
            "2026/12/01 10:00:00 [error] 7#7: *1 upstream timed out (110: Connection timed out\u{301})",
            "2026/12/01 10:00:00 [notice] 7#7: signal process started",
        ]
        for line in lines {
            let bytes = Array(line.utf8)
            let fast = bytes.withUnsafeBufferPointer { LogTally.classify($0, line, tally.buckets) }
            let plain = tally.buckets.firstIndex { $0.regex.map { line.contains($0) } ?? true }
            #expect(fast == plain, "\(line)")
        }
    }
}
