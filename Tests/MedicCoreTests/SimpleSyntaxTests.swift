import Foundation
import MedicLoader
import MedicTestSupport
import Testing

@testable import MedicCore

/// `SimpleSyntax` answers for Swift's parser on the patterns it reads, so it is held to Swift's
/// parser: on each of them, what `compilation()` says (it compiles, these named groups) must be
/// what compiling it with `Regex(String)` says.
@Suite("Patterns read without Swift's parser")
struct SimpleSyntaxTests {
    /// `source` as a runbook's pattern.
    func pattern(_ source: String) -> RegexPattern {
        RegexPattern(source, at: SourceLocation(file: "t.yaml", line: 1, column: 1))
    }

    /// What compiling `source` with Swift's parser tells the validator.
    func bySwift(_ source: String) -> RegexPattern.Compilation {
        pattern(source).compilation(of: Result { try Regex(source) })
    }

    @Test(
        "the patterns runbooks commonly write are read here, with their named groups",
        arguments: [
            (#"NRestarts=(?<restarts>\d+)"#, ["restarts"]),
            ("^[a-z][a-z0-9-]*$", []),
            (#"upstream: "(?<upstream>[^"]+)""#, ["upstream"]),
            (#"(?<code>\d\d\d) (?<why>.*)$"#, ["code", "why"]),
            (#"connect\(\) failed|no live upstreams"#, []),
            (#"^(?:OOMKilled|exit (?<status>137|139))\s*$"#, ["status"]),
            ("Readiness probe failed", []),
            ("a-z,=/#%&~\"<>!@ xé\tx", []),
            ("(?<word>cafe\u{301}s) x\u{600}x\r\n", ["word"]),
            ("", []),
        ])
    func read(_ source: String, _ names: [String]) {
        #expect(SimpleSyntax.groupNames(of: source) == names)
        #expect(pattern(source).compilation() == bySwift(source))
    }

    @Test(
        "a name also written where it is no group (in a class, after an escaped paren) comes in the order Swift's side gives",
        arguments: [#"[(?<b>](?<a>x)(?<b>y)"#, #"(\(?<b>x)(?<a>y)(?<b>z)"#, #"[(?'b'](?<a>x)(?<b>y)"#, #"[(?P<b>](?<a>x)(?<b>y)"#])
    func orderOfFirstWriting(_ source: String) {
        #expect(SimpleSyntax.groupNames(of: source) == ["a", "b"])
        let compilation = pattern(source).compilation()
        #expect(compilation == bySwift(source))
        #expect(compilation.groupNames == ["b", "a"])
    }

    @Test("a long run of non-ASCII text is read, as Swift's parser reads it")
    func longNonASCII() {
        let source = "(?<word>x" + String(repeating: "é", count: 20_000) + "z)a" + String(repeating: "\u{600}", count: 3) + "y"
        #expect(SimpleSyntax.groupNames(of: source) == ["word"])
        #expect(pattern(source).compilation() == bySwift(source))
    }

    @Test(
        "anything beyond the common part is left to Swift's parser, which says whether it compiles",
        arguments: [
            "a{2}", "a*?", "a++", "(?=a)", "(?<=a)b", "(?i)a", "(?x) a", "(?<a>x)(?<a>y)", "[a-z&&b]", "[a--b]", "[[:alpha:]]",
            #"\p{L}"#, #"\bword"#, #"\Qa.b\E"#, "[z-a]", "[a-Z]", "[]", "(unclosed", "a)", "*a", "^*", "a|+", "[é]", #"\1"#,
            "(?'q'x)", "(?P<r>y)", "(?<1a>x)", "[--]", "[a-z--b]", "(\u{301})", "a+\u{301}", "\u{600}(a)", "é+", "'\u{301}", "_\u{301}", " \u{200D}",
            "%\u{FE0F}",
        ])
    func leftToSwift(_ source: String) {
        #expect(SimpleSyntax.groupNames(of: source) == nil)
        #expect(pattern(source).compilation() == bySwift(source))
    }

    /// A random pattern, mostly in the common part, then with up to two bytes changed, inserted
    /// or removed from an alphabet of what means something to some regex syntax.
    func randomPattern(_ random: inout SeededGenerator) -> String {
        func pick(_ choices: [String]) -> String { choices[Int(random.next() % UInt64(choices.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        func alternation(depth: Int) -> String {
            var alternatives: [String] = []
            repeat { alternatives.append(sequence(depth: depth)) } while chance(20) && alternatives.count < 3
            return alternatives.joined(separator: "|")
        }
        func sequence(depth: Int) -> String {
            var out = ""
            for _ in 0..<Int(random.next() % 5) {
                switch random.next() % 10 {
                case 0: out += pick(["^", "$"])
                case 1: out += "[" + (chance(30) ? "^" : "") + (0..<1 + Int(random.next() % 3)).map { _ in classItem() }.joined() + "]"
                case 2 where depth < 3:
                    out += "(" + pick(["", "", "?:", "?<a>", "?<b>", "?<b_1>", "?<N>"]) + alternation(depth: depth + 1) + ")"
                case 3: out += pick([#"\d"#, #"\s"#, #"\w"#, #"\D"#, #"\S"#, #"\W"#, "."])
                case 4 where chance(10): out += pick([#"\(?<a>"#, #"\(?<b>"#])
                case 4: out += "\\" + pick(["\\", ".", "^", "$", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}", "/", "-"])
                default:
                    out += pick([
                        "a", "z", "Z", "0", "9", " ", "-", "=", ":", "/", "é", "\t", "#", "&", "~", "<", ">", "'", "\"", "@", "%", ",", "_",
                        "e\u{301}", "\u{600}",
                    ])
                }
                if chance(35) { out += pick(["*", "+", "?"]) }
            }
            return out
        }
        func classItem() -> String {
            pick([
                "a", "z", "0", "9", "A", "Z", "a-z", "0-9", "A-Z", "z-a", "a-Z", "b-b", #"\d"#, #"\s"#, #"\w"#, #"\."#, #"\-"#, "-", "_", ".",
                "/", " ", "(", ")", "|", "$", "+", "*", "?", "#", "<", ">", "'", "@", "%", "!", ";", ",", "=", #"\]"#, #"\\"#, "\"", #"\^"#, #"\("#,
                #"\{"#, #"\$"#, #"\|"#, "&", "~", ":", "[", "(?<a>", "(?<b>", "(?'b'",
            ])
        }
        var scalars = Array(alternation(depth: 0).unicodeScalars)
        // Beside the bytes of regex syntax, scalars that join what is beside them into one
        // character: a combining accent, a prefix (U+0600), a joiner, a variation selector, CR LF.
        let alphabet =
            Array(#"(){}[]|?*+^$.\-:<>=!&~dDsSwWbBpPQEkg,0123aAé_ #'"#.unicodeScalars)
            + ["\u{301}", "\u{600}", "\u{200D}", "\u{FE0F}", "\r", "\n"]
        for _ in 0..<Int(random.next() % 3) {
            let at = scalars.isEmpty ? 0 : Int(random.next() % UInt64(scalars.count + 1))
            let scalar = alphabet[Int(random.next() % UInt64(alphabet.count))]
            switch random.next() % 3 {
            case 0: scalars.insert(scalar, at: at)
            case 1 where at < scalars.count: scalars[at] = scalar
            default: if at < scalars.count { scalars.remove(at: at) }
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    @Test("on 20,000 generated patterns, what is read here is what Swift's parser says, and a good part is read here")
    func generated() {
        var random = SeededGenerator(state: 13)
        var read = 0
        var refusedBySwift = 0
        for _ in 0..<20_000 {
            let source = randomPattern(&random)
            guard SimpleSyntax.groupNames(of: source) != nil else {
                if (try? Regex(source)) == nil { refusedBySwift += 1 }
                continue
            }
            read += 1
            let compilation = pattern(source).compilation()
            let swift = bySwift(source)
            #expect(compilation == swift, "\(source.debugDescription)")
            if compilation != swift { return }
        }
        // The corpus reaches both sides: many patterns read here, and many that only Swift can judge (it refuses them).
        #expect(read > 5_000)
        #expect(refusedBySwift > 1_000)
    }

    @Test("every pattern of the shipped runbooks compiles here as Swift's parser says")
    func shipped() throws {
        let directory = TestSupport.repositoryRoot + "/runbooks"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        var read = 0
        var total = 0
        for file in files {
            let runbook = try #require(RunbookLoader().loadFile(directory + "/" + file).runbook)
            for pattern in Validator.patterns(of: runbook) {
                total += 1
                if SimpleSyntax.groupNames(of: pattern.source) != nil { read += 1 }
                #expect(pattern.compilation() == bySwift(pattern.source), "\(file): \(pattern.source)")
            }
        }
        #expect(total > 0)
        print("shipped runbooks: \(read) of \(total) patterns read without Swift's parser")
    }
}
