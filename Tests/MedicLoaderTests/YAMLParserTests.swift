import MedicCore
import MedicTestSupport
import Testing

@testable import MedicLoader

/// The tree as compact text: every scalar quoted as Swift would, mappings in braces.
func render(_ node: YAMLNode) -> String {
    switch node {
    case .scalar(let scalar): scalar.string.debugDescription
    case .sequence(let sequence): "[" + sequence.map(render).joined(separator: ", ") + "]"
    case .mapping(let mapping): "{" + mapping.map { render($0.key) + ": " + render($0.value) }.joined(separator: ", ") + "}"
    }
}

func tree(_ yaml: String) throws -> String {
    let document = try #require(try YAMLParser.parse(yaml))
    // Nodes do not keep their document alive; the test must, while it reads them.
    return withExtendedLifetime(document) { render(document.root) }
}

func syntaxError(_ yaml: String) -> YAMLSyntaxError? {
    do {
        _ = try YAMLParser.parse(yaml)
        return nil
    } catch {
        return error
    }
}

@Suite("The YAML reader: what it reads")
struct YAMLReadingTests {
    @Test("block mappings and sequences, nested, indentless and compact")
    func blockCollections() throws {
        #expect(try tree("a: 1\nb: two words\n") == #"{"a": "1", "b": "two words"}"#)
        #expect(try tree("a:\n  b:\n    c: d\n  e: f\ng: h\n") == #"{"a": {"b": {"c": "d"}, "e": "f"}, "g": "h"}"#)
        #expect(try tree("- a\n- b\n") == #"["a", "b"]"#)
        #expect(try tree("key:\n- a\n- b\nnext: c\n") == #"{"key": ["a", "b"], "next": "c"}"#)
        #expect(try tree("- a: 1\n  b: 2\n- - x\n  - y\n") == #"[{"a": "1", "b": "2"}, ["x", "y"]]"#)
        #expect(try tree("list:\n    - deep\n    - deeper\n") == #"{"list": ["deep", "deeper"]}"#)
    }

    @Test("empty values are empty plain scalars")
    func emptyValues() throws {
        #expect(try tree("a:\nb: # comment\nc:\n") == #"{"a": "", "b": "", "c": ""}"#)
        #expect(try tree("- \n-\n- x\n") == #"["", "", "x"]"#)
        let document = try #require(try YAMLParser.parse("a:\n"))
        try withExtendedLifetime(document) {
            guard case .mapping(let mapping) = document.root, case .scalar(let scalar) = try #require(mapping["a"]) else {
                Issue.record("not a mapping of a scalar")
                return
            }
            #expect(scalar.style == .plain && scalar.string.isEmpty)
        }
    }

    @Test("flow mappings and sequences, nested, with empty values and trailing commas")
    func flowCollections() throws {
        #expect(try tree("{a: 1, b: [x, y]}") == #"{"a": "1", "b": ["x", "y"]}"#)
        #expect(try tree("a: {b: {c: [d, {e: f}]}, g: []}\n") == #"{"a": {"b": {"c": ["d", {"e": "f"}]}, "g": []}}"#)
        #expect(try tree("[a, b c, 'd', \"e\", ]") == #"["a", "b c", "d", "e"]"#)
        #expect(try tree("{a: , b, \"c\":d}") == #"{"a": "", "b": "", "c": "d"}"#)
        #expect(try tree("[a: b, c]") == #"[{"a": "b"}, "c"]"#)
        #expect(try tree("a: [\n  one,   # a comment\n  two\n]\n") == #"{"a": ["one", "two"]}"#)
        #expect(try tree("a: [http://x/y?z=1, a:b]") == #"{"a": ["http://x/y?z=1", "a:b"]}"#)
    }

    @Test("plain scalars: inner colons and hashes, folding over lines, trailing blanks dropped")
    func plainScalars() throws {
        #expect(try tree("url: http://example.com/a#b\nt: a:b  \n") == #"{"url": "http://example.com/a#b", "t": "a:b"}"#)
        #expect(try tree("why: first\n  second\n\n  third\n\n\n  fourth # comment\n") == #"{"why": "first second\nthird\n\nfourth"}"#)
        #expect(try tree("- one\n  two\n- -1\n- -x\n- :x\n- ?x\n") == #"["one two", "-1", "-x", ":x", "?x"]"#)
        #expect(try tree("just text\non two lines\n") == #""just text on two lines""#)
    }

    @Test("single-quoted scalars: doubled quotes, folding, no escapes")
    func singleQuoted() throws {
        #expect(try tree("a: 'it''s \\d+'\n") == #"{"a": "it\'s \\d+"}"#)
        #expect(try tree("a: 'one\n  two\n\n  three  '\n") == #"{"a": "one two\nthree  "}"#)
        #expect(try tree("'quoted key': ''\n") == #"{"quoted key": ""}"#)
    }

    @Test("double-quoted scalars: every YAML escape, escaped line breaks, folding")
    func doubleQuoted() throws {
        let escapes = "a: \"" + #"\0\a\b\t"# + "\\\t" + #"\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600'"# + "\"\n"
        let expected = "\u{0}\u{7}\u{8}\t\t\n\u{B}\u{C}\r\u{1B} \"/\\\u{85}\u{A0}\u{2028}\u{2029}Aé😀'"
        #expect(try tree(escapes) == "{\"a\": \(expected.debugDescription)}")
        #expect(try tree("a: \"one \\\n   two\"\n") == #"{"a": "one two"}"#)
        #expect(try tree("a: \"joined\\\n  up\"\n") == #"{"a": "joinedup"}"#)
        #expect(try tree("a: \"x\n\n  y  z\"\n") == #"{"a": "x\ny  z"}"#)
    }

    @Test("block scalars: literal and folded, chomping, explicit indentation, more-indented lines")
    func blockScalars() throws {
        #expect(try tree("s: |\n  a\n   b\n\n  c\n\n\nn: 1\n") == #"{"s": "a\n b\n\nc\n", "n": "1"}"#)
        #expect(try tree("s: |-\n  a\n  b\n\n") == #"{"s": "a\nb"}"#)
        #expect(try tree("s: |+\n  a\n\n\nn: 1\n") == #"{"s": "a\n\n\n", "n": "1"}"#)
        #expect(try tree("s: >\n  one\n  two\n\n  three\n    more\n  four\n") == #"{"s": "one two\nthree\n  more\nfour\n"}"#)
        #expect(try tree("s: >-\n  x\n  y\n") == #"{"s": "x y"}"#)
        #expect(try tree("s: >+\n  x\n\n") == #"{"s": "x\n\n"}"#)
        #expect(try tree("s: |2\n    four\n  two\n") == #"{"s": "  four\ntwo\n"}"#)
        #expect(try tree("s: |-2 # indicators in either order, then a comment\n   x\n") == #"{"s": " x"}"#)
        #expect(try tree("s: |\n\n  after an empty line\n") == #"{"s": "\nafter an empty line\n"}"#)
        #expect(try tree("- |\n  in a list\n- >\n  folded\n  here\n") == #"["in a list\n", "folded here\n"]"#)
        #expect(try tree("s: |\n  last line, no newline") == #"{"s": "last line, no newline"}"#)
        #expect(try tree("s: |\nn: 1\n") == #"{"s": "", "n": "1"}"#)
    }

    @Test("comments, document markers, CRLF line ends and a byte order mark")
    func documentLevel() throws {
        #expect(try tree("# head\n---\na: 1 # tail\n# between\nb: 2\n...\n# after\n") == #"{"a": "1", "b": "2"}"#)
        #expect(try tree("--- [a]\n") == #"["a"]"#)
        #expect(try tree("--- |\n  text\n") == #""text\n""#)
        #expect(try tree("a: 1\r\nb: \"x\r\n  y\"\r\nc: |\r\n  l1\r\n  l2\r\n") == #"{"a": "1", "b": "x y", "c": "l1\nl2\n"}"#)
        #expect(try tree("\u{FEFF}a: 1\n") == #"{"a": "1"}"#)
        #expect(try YAMLParser.parse("# only a comment\n\n") == nil)
        #expect(try YAMLParser.parse("") == nil)
    }

    @Test("tabs are fine inside lines and on blank or comment lines")
    func tabsThatAreNotIndentation() throws {
        #expect(try tree("a:\tx\t# c\nb: \"tab\tinside\"\n\t\n\t# comment\n") == #"{"a": "x", "b": "tab\tinside"}"#)
        #expect(try tree("s: |\n  \tindented content\n") == #"{"s": "\tindented content\n"}"#)
    }

    @Test("scalar styles tell plain values from quoted ones")
    func styles() throws {
        let document = try #require(try YAMLParser.parse("p: null\ns: 'null'\nd: \"null\"\nl: |\n  x\nf: >\n  x\n"))
        guard case .mapping(let mapping) = document.root else { throw TestFailure("not a mapping") }
        let styles = withExtendedLifetime(document) {
            mapping.compactMap { pair -> YAMLScalar.Style? in
                if case .scalar(let scalar) = pair.value { return scalar.style }
                return nil
            }
        }
        #expect(styles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded])
    }

    @Test("the core-schema words stay text for the decoders: 'on', 'yes', '~' and numbers keep their spelling")
    func noResolution() throws {
        #expect(
            try tree("a: on\nb: yes\nc: ~\nd: 010\ne: 1e3\nf: TRUE\n") == #"{"a": "on", "b": "yes", "c": "~", "d": "010", "e": "1e3", "f": "TRUE"}"#)
    }
}

@Suite("The YAML reader: marks")
struct YAMLMarkTests {
    @Test("every node and key is marked at its first character, columns in Unicode scalars")
    func marks() throws {
        let yaml = "a: 1\nlist:\n  - x\n  - k: v\n    \"q\": 'w'\nflow: {é: [ü, ö]}\ns: |\n  text\nempty:\n"
        let document = try #require(try YAMLParser.parse(yaml))
        var marks: [String] = []
        func walk(_ node: YAMLNode) {
            marks.append("\(node.mark)")
            switch node {
            case .scalar: break
            case .sequence(let sequence): sequence.forEach(walk)
            case .mapping(let mapping):
                for (key, value) in mapping {
                    walk(key)
                    walk(value)
                }
            }
        }
        withExtendedLifetime(document) { walk(document.root) }
        #expect(
            marks == [
                "1:1", "1:1", "1:4", "2:1", "3:3", "3:5", "4:5", "4:5", "4:8", "5:5", "5:10", "6:1", "6:7", "6:8", "6:11", "6:12", "6:15",
                "7:1", "7:4", "9:1", "9:7",
            ])
    }

    @Test("in every shipped runbook each scalar's mark is where its text starts")
    func shippedMarks() throws {
        for path in YAMLFiles.paths(in: TestSupport.repositoryRoot + "/runbooks") ?? [] {
            guard case .success(let text) = SourceFile.read(path) else { throw TestFailure("cannot read \(path)") }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            func check(_ node: YAMLNode) {
                switch node {
                case .scalar(let scalar):
                    guard !scalar.string.isEmpty else { return }
                    let line = lines[scalar.mark.line - 1]
                    let first = line[scalar.mark.column - 1]
                    switch scalar.style {
                    case .plain: #expect(first == scalar.string.unicodeScalars.first, "\(path):\(scalar.mark)")
                    case .singleQuoted: #expect(first == "'", "\(path):\(scalar.mark)")
                    case .doubleQuoted: #expect(first == "\"", "\(path):\(scalar.mark)")
                    case .literal: #expect(first == "|", "\(path):\(scalar.mark)")
                    case .folded: #expect(first == ">", "\(path):\(scalar.mark)")
                    }
                case .sequence(let sequence): sequence.forEach(check)
                case .mapping(let mapping):
                    for (key, value) in mapping {
                        check(key)
                        check(value)
                    }
                }
            }
            let document = try #require(try YAMLParser.parse(text))
            withExtendedLifetime(document) { check(document.root) }
        }
    }
}

/// Where Medic's reader once read other than YAML 1.2 (found by Tests/yaml/differential.py):
/// each is read now as the specification and PyYAML read it, or refused as YAML refuses it.
@Suite("The YAML reader: as YAML 1.2 reads it")
struct YAMLSpecTests {
    @Test("'#' starts a comment only after a blank; inside a plain scalar and inside quotes it is text")
    func hashes() throws {
        #expect(try tree("a: issue#12\nb: a#b#c # comment\nc: x #y\nd: '#x' # c\n") == ##"{"a": "issue#12", "b": "a#b#c", "c": "x", "d": "#x"}"##)
        #expect(try tree("k#1: v#2\ne: [a#b, c #d\n  ]\n") == #"{"k#1": "v#2", "e": ["a#b", "c"]}"#)
        #expect(
            try tree("url: http://h/p?q=1#frag\ntext: |\n  a # not a comment\n") == #"{"url": "http://h/p?q=1#frag", "text": "a # not a comment\n"}"#)
        #expect(try tree("a: x\t#tab before\n") == #"{"a": "x"}"#)
        #expect(syntaxError("a: 'x'#c\n")?.message == "invalid YAML: unexpected '#' after the quoted value")
        #expect(syntaxError("a: [x]#c\n")?.message == "invalid YAML: unexpected '#' after the list")
    }

    @Test("the starter runbook's escalation keeps its channel")
    func starterEscalation() throws {
        let runbook = try #require(RunbookLoader().loadFile(TestSupport.repositoryRoot + "/runbooks/starter.yaml").runbook)
        #expect(runbook.escalation == "the service's owners in #web-oncall")
    }

    @Test("a comment after a quoted value or a flow collection")
    func commentsAfterValues() throws {
        #expect(try tree("a: 'x'  # c\nb: \"y\" # c\nc: [x] # c\nd: {e: 1}\t# c\n") == #"{"a": "x", "b": "y", "c": ["x"], "d": {"e": "1"}}"#)
        #expect(try tree("- 'x' # c\n- \"y\"  #c\n") == #"["x", "y"]"#)
    }

    @Test("a block scalar's header takes a comment only after a blank")
    func blockScalarHeaderComment() throws {
        #expect(try tree("a: | # c\n  x\nb: >-\t# c\n  y\n") == #"{"a": "x\n", "b": "y"}"#)
        for header in ["|#c", ">-#c", "|2#c", ">+#c"] {
            #expect(syntaxError("a: \(header)\n  x\n")?.message.contains("the text of a block scalar starts on the next line") == true, "\(header)")
        }
    }

    @Test("YAML 1.2 has no \\' escape in double quotes")
    func noEscapedSingleQuote() {
        let error = syntaxError(#"a: "it\'s""# + "\n")
        #expect(error?.message == #"invalid YAML: unknown escape '\'' in a double-quoted value"#)
        #expect(error?.mark.description == "1:7")
    }

    @Test("a stream of only '...' and comments holds no document")
    func onlyDocumentEnd() throws {
        #expect(try YAMLParser.parse("# c\n...\n# after\n") == nil)
        #expect(try YAMLParser.parse("...\n") == nil)
    }

    @Test("decoders read null as YAML 1.2's core schema writes it, and quoted words as text")
    func nulls() {
        #expect(
            RunbookLoader().parse("medic: 1\nid: x\ntitle: 'NULL'\nsteps: {}\n", path: "x.yaml").diagnostics.map(\.message) == [
                "the runbook has no steps"
            ])
        for word in ["~", "null", "Null", "NULL", ""] {
            let loaded = RunbookLoader().parse("medic: 1\nid: x\ntitle: \(word)\nsteps: {}\n", path: "x.yaml")
            #expect(loaded.diagnostics.map(\.message).contains("'title' is empty"), "\(word)")
        }
    }

    @Test("a JSON body sends plain numbers as JSON writes them, and refuses what JSON cannot hold")
    func jsonBodyNumbers() {
        let cases: [(String, String?)] = [
            ("0", "0"), ("-12", "-12"), ("+5", "5"), ("010", "10"), ("007", "7"), ("0x1F", "31"), ("0o17", "15"), ("1.5", "1.5"),
            ("1.", "1.0"), (".5", "0.5"), ("-.5", "-0.5"), ("+1.5e3", "1.5e3"), ("1e3", "1e3"), ("2E-2", "2E-2"), ("00.5", "0.5"),
            ("1_000", nil), ("0x", nil), ("-0x1F", nil), ("1e", nil), (".", nil), ("-", nil), ("1.2.3", nil), ("0b1", nil), ("inf", nil),
            (".inf", nil), ("12abc", nil), ("1:20", nil), ("٣", nil),
        ]
        for (text, expected) in cases {
            let number = ProbeDecoder.jsonNumber(text)
            #expect(number == expected, "\(text)")
            if let number { #expect(JSONValue.parse(number) != nil, "\(text) gives \(number), which is not JSON") }
        }
        #expect(ProbeDecoder.isInfinityOrNaN(".inf") && ProbeDecoder.isInfinityOrNaN("-.Inf") && ProbeDecoder.isInfinityOrNaN(".NaN"))
        #expect(!ProbeDecoder.isInfinityOrNaN("-.nan") && !ProbeDecoder.isInfinityOrNaN("inf"))
        let loaded = RunbookLoader().parse(
            "medic: 1\nid: x\ntitle: t\nsteps:\n  p:\n    kind: check\n    title: p\n    why: w\n    http: {url: 'http://127.0.0.1/', json: {n: .inf}}\n",
            path: "x.yaml")
        #expect(loaded.diagnostics.contains { $0.message == "'.inf' is a YAML number that JSON cannot hold" && $0.location.line == 9 })
    }
}

@Suite("A comment that reads like text")
struct CommentLikeTextTests {
    func warnings(_ yaml: String) -> [String] {
        RunbookLoader().parse(yaml, path: "x.yaml").diagnostics.filter { $0.severity == .warning }.map {
            "\($0.location.line):\($0.location.column) \($0.message)"
        }
    }

    @Test("a plain value followed by '#word' is warned about, at the '#'")
    func warned() {
        let yaml = "medic: 1\nid: x\ntitle: t\nescalation: owners in #web-oncall\nsteps: {}\n"
        #expect(warnings(yaml) == ["4:23 '#web-oncall' starts a comment, so the value ends before it"])
        #expect(warnings("\u{FEFF}title: é  #x\n") == ["1:11 '#x' starts a comment, so the value ends before it"])
        #expect(warnings("list:\n  - a\t#b\n") == ["2:7 '#b' starts a comment, so the value ends before it"])
        // Lines end at \r\n and at a lone \r as the reader counts them; a line is found whatever
        // else it holds, and only a plain value on it is warned about.
        #expect(
            warnings("a: 1\r\nb: x #c\rd: y #e\ne: 'q #r' # s\nf: z  #g #h\n").sorted() == [
                "2:6 '#c' starts a comment, so the value ends before it", "3:6 '#e' starts a comment, so the value ends before it",
                "5:7 '#g' starts a comment, so the value ends before it",
            ])
        #expect(YAMLText.linesWithCommentsLikeText(Array("a: x #b\r\n#c\nd: e # f #g\n\r h #\n".utf8)) == [1: 0..<9, 3: 12..<24])
    }

    @Test("a comment after a space, a quoted or folded value, or a '#' inside a word is not")
    func notWarned() {
        let yaml = "a: x # note\nb: 'x' #q\nc: issue#12\nd: x ## rule\ne: |\n  t #u\nf: one\n  two #c\n#top\ng: x #\n"
        #expect(warnings(yaml).isEmpty)
    }
}
