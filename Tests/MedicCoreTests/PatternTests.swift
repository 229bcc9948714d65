import MedicCore
import MedicLoader
import Testing

/// The validator compiles every pattern a runbook writes, and reports the ones Swift refuses with
/// Swift's own message at the pattern's line and column.
@Suite("Regexes as runbooks write them")
struct RegexValidationTests {
    /// A runbook whose only check captures with `capture`, counts with `count` and branches on
    /// `matches`, with each pattern on a line of its own.
    func diagnostics(capture: String, count: String, matches: String) throws -> [Diagnostic] {
        let yaml = """
            medic: 1
            id: r
            title: R
            steps:
              a:
                kind: check
                title: A
                why: W
                command: ["true"]
                capture:
                  - '\(capture)'
                count:
                  n: '\(count)'
                branches:
                  - when: {matches: '\(matches)'}
                    next: b
                  - otherwise: b
              b: {kind: conclusion, title: B, why: W, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let runbook = try #require(RunbookLoader().parse(yaml, path: "r.yaml").runbook)
        return Validator().validate(runbook)
    }

    @Test(
        "the patterns runbooks write compile and pass",
        arguments: [
            #"NRestarts=(?<restarts>\d+)"#, "^[A-Z]", "ActiveState=failed", "^[a-z][a-z0-9-]*$", #"(?i)connection refused"#,
            #"\(111: Connection refused\) while connecting to upstream"#, #"upstream: "[a-z]+://\["#, #"(?<used>\d+)%"#,
            #"^HTTP/\d\.\d 50[234]"#, "a|b|c", #"[\w.-]+@[\w.-]+"#, #"x{2}y{1,}z{1,3}?"#, #"(?:ab)+c*?d??"#, #"\bword\b\s+\S"#, "[-a]",
            "é+", "[[:alpha:]]+", "(?P<n>x)",
        ])
    func sound(_ pattern: String) throws {
        // A capture must name a group: the pattern is captured whole.
        let found = try diagnostics(capture: "(?<whole>\(pattern))", count: pattern, matches: pattern)
        #expect(found.isEmpty, "\(found)")
    }

    @Test(
        "a pattern Swift refuses is reported where it is written, with Swift's reason",
        arguments: [
            ("(?<x", "expected '>'"), ("(unclosed", "expected ')'"), ("[z-a]", "character 'z' must compare less than or equal to 'a'"),
            ("a**", "quantifier '*' must appear after expression"), ("x{99999}", "number overflow: 99999"),
            ("(?<a>x)(?<a>y)", "group named 'a' already exists"), (#"\q"#, #"invalid escape sequence '\q'"#),
            ("^*", "expression is not quantifiable"), (#"\1"#, "no capture numbered 1"), ("<{x}>", "interpolation is not currently supported"),
        ])
    func refused(_ pattern: String, _ reason: String) throws {
        let found = try diagnostics(capture: "(?<fine>\\d+)", count: pattern, matches: pattern)
        let message = "the regex '\(pattern)' does not compile: \(reason)"
        // The count is on line 13 and the condition on line 15.
        #expect(found.map(\.message) == [message, message])
        #expect(found.map(\.location.line).sorted() == [13, 15])
        #expect(found.allSatisfy { $0.severity == .error })
    }

    @Test("a capture that does not compile is reported, and a good one beside it is not")
    func captures() throws {
        let found = try diagnostics(capture: "(?<x", count: "^[A-Z]", matches: "fine")
        #expect(found.map(\.message) == ["the regex '(?<x' does not compile: expected '>'"])
        #expect(found.first?.location.line == 11)
        #expect(found.first?.location.column == 9)
    }

    @Test("a capture whose only group is escaped or in a class captures nothing, and says so at the pattern")
    func escapedGroups() throws {
        for capture in [#"NRestarts=\(?<restarts>\d+\)"#, #"[(?<restarts>]+"#] {
            let found = try diagnostics(capture: capture, count: "^[A-Z]", matches: "fine")
            #expect(found.map(\.message) == ["capture regex has no named group, so it captures nothing"], "\(capture)")
            #expect(found.first?.location.line == 11)
        }
    }

    @Test("a repeated group that holds a repetition, ^(a+)+$ and its kin, is a located warning; bounded or flat repetition is not")
    func nestedQuantifiers() throws {
        let found = try diagnostics(capture: "(?<x>(\\w+\\s?)*)", count: "(ab){2,}c+", matches: "^(a+)+$")
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.map(\.location.line) == [11, 15])
        #expect(
            found.last?.message
                == "the regex '^(a+)+$' repeats a group that holds a repetition ((a+)+): on a line that almost matches, matching can take longer than the step's timeout"
        )
        for flat in ["a+$", "(ab)+", "(a{2})*", "[(a+)]+", "\\(a+\\)+", "(a|b){3}"] {
            #expect(RegexPattern(flat, at: .start(of: "t")).nestedQuantifier == nil, "\(flat)")
        }
        for nested in ["(a*)*", "((a)+b)+", "(x{1,})+", "(?:a+|b)+"] {
            #expect(RegexPattern(nested, at: .start(of: "t")).nestedQuantifier != nil, "\(nested)")
        }
        // The group is named with its whole quantifier.
        #expect(RegexPattern("^(x{1,})+$", at: .start(of: "t")).nestedQuantifier == "(x{1,})+")
        #expect(RegexPattern("^(a+b){2,}c", at: .start(of: "t")).nestedQuantifier == "(a+b){2,}")
        #expect(RegexPattern("((x)|a|a){2,}", at: .start(of: "t")).overlappingAlternatives?.group == "((x)|a|a){2,}")
    }

    @Test(
        "a repeated group whose alternatives overlap, ^(a|aa)+$ and its kin, is a located warning saying how; (a|ab)+ and other unambiguous ones are not"
    )
    func overlappingAlternatives() throws {
        let found = try diagnostics(capture: "(?<x>(GET|POST)+)", count: "(a|b)*c", matches: "^(a|aa)+$")
        let expected =
            "the regex '^(a|aa)+$' repeats a group whose alternatives can read the same text two ways ((a|aa)+ reads 'aa' as 'aa' and as 'a' + 'a'): "
            + "on a line that almost matches, matching can take longer than the step's timeout"
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.message == expected)
        for distinct in [
            "(a|b)+", "(GET|POST|PUT)*", "(\\d|x)+", "(a|aa){3}", "(a|aa)", "(\\s|\\d)+", "(?:ab|ac)*", "(POST|PUT)+", "([(]|a)", "(?i)(x|y)+",
            "(^a|b)+", "(a|ab)+", "(ab|a)+c", "(?:ab|a)*", "(foo|bar|f)+", "(\\.|,)+",
        ] {
            #expect(RegexPattern(distinct, at: .start(of: "t")).overlappingAlternatives == nil, "\(distinct)")
        }
        for alike in [
            "(a|aa)+", "(a|a)*", "(\\w|\\d)+", "(x|.)+", "(?<n>b|[a-c])+", "(\\.|.)*", "((x)|a|a){2,}", "(ab|a|b)+", "(?i)(A|a)+", "(a|[ab]b)+",
        ] {
            #expect(RegexPattern(alike, at: .start(of: "t")).overlappingAlternatives != nil, "\(alike)")
        }
        // Each reason is what is true of the group: a text read two ways, found exactly; two
        // alternatives that match the same text; or only a shared beginning.
        func reason(_ pattern: String) -> String? { RegexPattern(pattern, at: .start(of: "t")).overlappingAlternatives?.description }
        #expect(reason("(ab|a|b)+") == "whose alternatives can read the same text two ways ((ab|a|b)+ reads 'ab' as 'ab' and as 'a' + 'b')")
        #expect(
            reason("(abc|ab|cab|x)+")
                == "whose alternatives can read the same text two ways ((abc|ab|cab|x)+ reads 'abcab' as 'ab' + 'cab' and as 'abc' + 'ab')")
        #expect(reason("(a|a)*") == "two of whose alternatives are the same text, 'a' ((a|a)*)")
        #expect(reason("(\\w|\\d)+") == "two of whose alternatives can match the same text ((\\w|\\d)+)")
        #expect(reason("(a|[ab]b)+") == "two of whose alternatives can begin with the same text ((a|[ab]b)+)")
    }
}

@Suite("Templates and group names")
struct TextScanningTests {
    let here = SourceLocation.start(of: "t.yaml")

    @Test(
        "templates split into literals and variables",
        arguments: [
            ("plain text", [Template.Segment.literal("plain text")]),
            ("a ${x} b", [.literal("a "), .variable("x"), .literal(" b")]),
            ("${x}${y_2}", [.variable("x"), .variable("y_2")]),
            ("$${x}", [.literal("${x}")]),
            ("$$${x}", [.literal("$${x}")]),
            ("${not valid} ${1x} ${}", [.literal("${not valid} ${1x} ${}")]),
            ("${open", [.literal("${open")]),
            ("}${x}{", [.literal("}"), .variable("x"), .literal("{")]),
            ("é${x}e\u{301}", [.literal("é"), .variable("x"), .literal("e\u{301}")]),
            ("\r\n${x}\r\n", [.literal("\r\n"), .variable("x"), .literal("\r\n")]),
            // Braces are found by scalar, whatever combines with them.
            ("${\u{301}x}", [.literal("${\u{301}x}")]),
            ("${x}\u{301}", [.variable("x"), .literal("\u{301}")]),
            ("$\u{301}{x}", [.literal("$\u{301}{x}")]),
        ])
    func templates(_ raw: String, _ segments: [Template.Segment]) {
        let template = Template(raw, at: here)
        #expect(template.segments == segments)
        #expect(template.raw == raw)
        let rendered = segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .variable(let name): "<\(name)>"
            }
        }
        #expect(template.render { "<\($0)>" } == rendered.joined())
    }

    @Test("an unclosed placeholder is found in the text around valid ones")
    func unclosed() {
        #expect(Template("a ${x} ${y", at: here).hasUnclosedPlaceholder)
        #expect(Template("${", at: here).hasUnclosedPlaceholder)
        #expect(!Template("a ${x} $${y} {z}", at: here).hasUnclosedPlaceholder)
        #expect(!Template("${not valid}", at: here).hasUnclosedPlaceholder)
    }

    @Test(
        "regexes name their groups",
        arguments: [
            (#"NRestarts=(?<restarts>\d+)"#, ["restarts"]),
            ("(?<a>x)(?P<b>y)(?:z)(?<c>(?<d>w))", ["a", "b", "c", "d"]),
            ("(?<=a)(?<!b)(?=c)(?!d)(?i)", []),
            ("(?<1a>x)(?<a b>y)(?<é>z)", []),
            ("(?<a", []),
            ("é(?<é_>x)(?<e_>y)", ["e_"]),
            ("(?'q'x)(?P<r>y)", ["q", "r"]),
            // Text that only looks like a group: escaped, in a class, quoted, in an extended-mode comment.
            (#"\(?<x>y\)(?<real>z)"#, ["real"]),
            ("[(?<x>]", []),
            (#"\Q(?<x>y)\E"#, []),
            ("(?x) # (?<x>y)\n z", []),
            // A pattern that does not compile has no groups to speak of.
            ("(?<x>y", []),
        ])
    func groupNames(_ source: String, _ names: [String]) {
        #expect(RegexPattern(source, at: here).groupNames == names)
        #expect(RegexPattern(source, at: here).compilation().groupNames == names)
    }

    @Test(
        "a pattern of plain text compiles, with no groups, as Swift's parser says",
        arguments: ["", "crash-report", "Readiness probe failed", "spawned: '", "a-z,=/#%&~\"<>!@ é", "tab\there", "(?x)#", "x{2}", "a]"])
    func plainText(_ source: String) {
        let compilation = RegexPattern(source, at: here).compilation()
        #expect((compilation.problem == nil) == ((try? Regex(source)) != nil))
        #expect(compilation.groupNames.isEmpty)
        #expect(compilation.nestedQuantifier == RegexPattern(source, at: here).nestedQuantifier)
    }
}
