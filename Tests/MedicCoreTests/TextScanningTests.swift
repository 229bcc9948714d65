import MedicCore
import MedicTestSupport
import Testing

/// `Template` and `RegexPattern.groupNames` scan ASCII text byte by byte for speed; these tests
/// hold them to the Character-by-Character algorithms they replaced, kept here as references.
@Suite("Byte scanning finds what Character scanning found")
struct TextScanningTests {
    static func referenceSegments(_ raw: String) -> [Template.Segment] {
        guard raw.contains("${") else { return [.literal(raw)] }
        var segments: [Template.Segment] = []
        var literal = ""
        var index = raw.startIndex
        while index < raw.endIndex {
            let rest = raw[index...]
            if rest.hasPrefix("$${") {
                literal += "${"
                index = raw.index(index, offsetBy: 3)
            } else if rest.hasPrefix("${"), let close = rest.firstIndex(of: "}"),
                Template.isVariableName(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close]))
            {
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.variable(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close])))
                index = raw.index(after: close)
            } else {
                literal.append(raw[index])
                index = raw.index(after: index)
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }

    static func referenceGroupNames(_ source: String) -> [String] {
        var names: [String] = []
        var rest = Substring(source)
        while let open = rest.firstRange(of: "(?") {
            var after = rest[open.upperBound...]
            if after.hasPrefix("P<") {
                after = after.dropFirst(2)
            } else if after.hasPrefix("<"), !after.hasPrefix("<="), !after.hasPrefix("<!") {
                after = after.dropFirst()
            } else {
                rest = after
                continue
            }
            if let close = after.firstIndex(of: ">") {
                let name = String(after[..<close])
                if Template.isVariableName(name) { names.append(name) }
                rest = after[close...]
            } else {
                rest = after
            }
        }
        return names
    }

    static func random(_ pieces: [String], _ generator: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
    }

    @Test("templates split into the same literals and variables")
    func templates() {
        var generator = SeededGenerator(state: 11)
        let pieces = ["$", "{", "}", "${", "$${", "a", "_b", "1", " ", "x}", "\r\n", "é", "e\u{301}", "{\u{301}", "}\u{301}"]
        for _ in 0..<20_000 {
            let raw = Self.random(pieces, &generator)
            let template = Template(raw, at: .start(of: "t.yaml"))
            #expect(template.segments == Self.referenceSegments(raw), "\(raw.debugDescription)")
            #expect(template.raw == raw)
        }
    }

    @Test("regexes name the same groups")
    func groupNames() {
        var generator = SeededGenerator(state: 12)
        let pieces = ["(?", "(", "?", "<", ">", "P<", "<=", "<!", "a", "_b", "1", ".", "(?<", "é", ">\u{301}", "\r\n"]
        for _ in 0..<20_000 {
            let source = Self.random(pieces, &generator)
            #expect(RegexPattern(source, at: .start(of: "t.yaml")).groupNames == Self.referenceGroupNames(source), "\(source.debugDescription)")
        }
    }
}
