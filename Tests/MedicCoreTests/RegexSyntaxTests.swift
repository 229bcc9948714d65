import MedicLoader
import MedicTestSupport
import Testing

@testable import MedicCore

/// The validator skips compiling patterns that `certainlyCompiles` vouches for, so a pattern it
/// accepts that Swift would refuse would be a bad regex slipping through validation.
@Suite("Regexes that certainly compile")
struct RegexSyntaxTests {
    func pattern(_ source: String) -> RegexPattern { RegexPattern(source, at: .start(of: "test.yaml")) }

    @Test("the patterns runbooks write are vouched for, and compile")
    func common() throws {
        let sources = [
            #"NRestarts=(?<restarts>\d+)"#, "^[A-Z]", "ActiveState=failed", "^[a-z][a-z0-9-]*$", #"(?i)connection refused"#,
            #"\(111: Connection refused\) while connecting to upstream"#, #"upstream: "[a-z]+://\["#, #"(?<used>\d+)%"#,
            #"^HTTP/\d\.\d 50[234]"#, "a|b|c", #"[\w.-]+@[\w.-]+"#, #"x{2}y{1,}z{1,3}?"#, #"(?:ab)+c*?d??"#, #"\bword\b\s+\S"#, "[-a]", "[a-]",
        ]
        for source in sources {
            #expect(pattern(source).certainlyCompiles, "\(source)")
            #expect(throws: Never.self) { try pattern(source).compiled() }
        }
    }

    @Test("patterns outside the plain subset are left to the compiler")
    func leftToTheCompiler() {
        let sources = [
            "a**", "^*", #"a{2}{3}"#, #"x{99999}"#, "[z-a]", "[]", "[^]", #"(?<a>x)(?<a>y)"#, #"(?<1a>x)"#, #"\q"#, #"\1"#, "(?=a)", "(?<=a)b",
            "(?x) a", "[[:alpha:]]", "[a--b]", "[a&&b]", "a|", "|a", "()", "(", ")", "é+", "{", "a{,3}", "[a-z-0]", #"[\d-z]"#, "(?P<n>x)",
            "a<{1}>", "<{x}>", "[::]", "[:a:]", "[<{]",
        ]
        for source in sources {
            #expect(!pattern(source).certainlyCompiles, "\(source)")
        }
    }

    @Test("every random pattern it vouches for compiles")
    func randomPatterns() {
        let pieces = [
            "a", "Z", "5", " ", ":", "\"", "'", "-", "_", "/", "#", ".", "^", "$", #"\d"#, #"\W"#, #"\s"#, #"\."#, #"\("#, #"\b"#, #"\q"#, "(",
            ")", "(?:", "(?<n>", "(?<m>", "(?<1>", "(?i)", "[", "]", "[a-z]", "[^0-9]", #"[\w.-]"#, "[Z-A]", "*", "+", "?", "{2}", "{1,3}",
            "{3,1}", "{2,}", "{", "}", "|", "\\", "&&", "~", "é",
        ]
        var generator = SeededGenerator(state: 3)
        var vouched = 0
        for _ in 0..<20_000 {
            var source = ""
            for _ in 0..<Int.random(in: 1...10, using: &generator) { source += pieces.randomElement(using: &generator) ?? "" }
            guard pattern(source).certainlyCompiles else { continue }
            vouched += 1
            #expect(throws: Never.self, "\(source)") { try pattern(source).compiled() }
        }
        #expect(vouched > 1000)
    }

    /// Builds patterns from the subset's own grammar, with some characters it refuses mixed in.
    struct GrammarGenerator {
        var random: SeededGenerator
        var groups = 0
        let literals = ["a", "Z", "5", " ", ":", "\"", "'", "-", "_", "/", "#", "%", "@", "~", "&", ",", "!", "=", ";", "<", ">", "`"]
        let escapes = [#"\d"#, #"\D"#, #"\w"#, #"\W"#, #"\s"#, #"\S"#, #"\n"#, #"\t"#, #"\r"#] + #"^$.|?*+()[]{}/-:_#%@~&,!=;'" "#.map { "\\\($0)" }
        let members = [
            "a", "z", "0", "9", "A", "Z", ".", ",", "_", " ", ":", "a-z", "A-Z", "0-9", "b-y", #"\d"#, #"\w"#, #"\]"#, #"\-"#, "/", "<", "{",
        ]
        let quantifiers = ["*", "+", "?", "{0}", "{5}", "{1,}", "{0,9}", "{999}", "{12,345}", "*?", "+?", "??", "{2}?", "*+", "{3,4}+"]

        mutating func pick(_ choices: [String]) -> String { choices.randomElement(using: &random) ?? "" }

        mutating func alternation(depth: Int) -> String {
            var branches: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                var sequence = ""
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0: sequence += pick(["^", "$", #"\b"#, #"\B"#])
                    case 1 where depth < 4:
                        groups += 1
                        sequence += pick(["(", "(?:", "(?<g\(groups)>"]) + alternation(depth: depth + 1) + ")"
                    case 2:
                        sequence += "[" + pick(["", "^"]) + pick(["", "-"])
                        for _ in 0..<Int.random(in: 1...4, using: &random) { sequence += pick(members) }
                        sequence += pick(["", "-"]) + "]"
                    case 3, 4: sequence += pick(escapes)
                    case 5: sequence += "."
                    default: sequence += pick(literals)
                    }
                    if Bool.random(using: &random) { sequence += pick(quantifiers) }
                }
                branches.append(sequence)
            }
            return branches.joined(separator: "|")
        }
    }

    @Test("every pattern built from the subset's grammar that it vouches for compiles")
    func grammarPatterns() {
        var generator = GrammarGenerator(random: SeededGenerator(state: 4))
        var vouched = 0
        for _ in 0..<5000 {
            let source = (Bool.random(using: &generator.random) ? "(?i)" : "") + generator.alternation(depth: 0)
            guard pattern(source).certainlyCompiles else { continue }
            vouched += 1
            #expect(throws: Never.self, "\(source)") { try pattern(source).compiled() }
        }
        #expect(vouched > 2000)
    }

    @Test("bad regexes still get Swift's own message")
    func diagnosticsUnchanged() throws {
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
                capture: ['(?<x', '(?<fine>\\d+)']
                branches:
                  - when: {matches: '(unclosed'}
                    next: b
                  - otherwise: b
              b: {kind: conclusion, title: B, why: W, outcome: no-fault, cause: none}
            """
        let runbook = try #require(RunbookLoader().parse(yaml, path: "r.yaml").runbook)
        let messages = Validator().validate(runbook).map(\.message).sorted()
        #expect(messages == ["the regex '(?<x' does not compile: expected '>'", "the regex '(unclosed' does not compile: expected ')'"])
    }
}
