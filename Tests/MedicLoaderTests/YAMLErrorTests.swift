import MedicCore
import MedicTestSupport
import Testing

@testable import MedicLoader

@Suite("The YAML reader: what it refuses, and where it says so")
struct YAMLErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        let mark: String
        let message: String
        var testDescription: String { String(yaml.prefix(40)).debugDescription }
    }

    static let cases: [Case] = [
        // Indentation
        Case(yaml: "a:\n\tb: 1\n", mark: "2:1", message: "invalid YAML: this line is indented with a tab; YAML indents with spaces only"),
        Case(yaml: "a: x\n\ty\n", mark: "2:1", message: "indented with a tab"),
        Case(yaml: "s: |\n\tx\n", mark: "2:1", message: "indented with a tab"),
        Case(yaml: "a: \"x\"\n  b: 1\n", mark: "2:3", message: "indented more than the key 'a' above it"),
        Case(yaml: "a:\n    b: 1\n  c: 2\n", mark: "3:3", message: "indented more than the key 'a' above it"),
        Case(yaml: "a:\n  b: 1\n   c: 2\n", mark: "3:5", message: "unexpected ':' in a value that goes on from the line above"),
        Case(yaml: "- \"a\"\n  - b\n", mark: "2:3", message: "indented more than the list entry above it"),
        Case(yaml: "  a: 1\nb: 2\n", mark: "2:1", message: "not part of the document's value above"),
        // Keys and values
        Case(yaml: "a: 1\nb\nc: 2\n", mark: "2:1", message: "expected a key and ':' at this indentation"),
        Case(yaml: "a:\n  - x\n  y: 1\n", mark: "3:3", message: "expected a list entry ('- ') at this indentation"),
        Case(yaml: "a: 1\n- b\n", mark: "2:1", message: "expected a key at this indentation, not a list entry"),
        Case(yaml: "a: - b\n", mark: "1:4", message: "a list cannot start on the same line as its key"),
        Case(yaml: "a: b: c\n", mark: "1:5", message: "a value cannot hold ': ' unless it is quoted"),
        Case(yaml: "a: \"x\" y\n", mark: "1:8", message: "unexpected 'y' after the quoted value"),
        Case(yaml: "a: [x] y\n", mark: "1:8", message: "unexpected 'y' after the list"),
        Case(yaml: "\"a\nb\": 1\n", mark: "1:1", message: "a key must fit on one line"),
        Case(yaml: "[a]: 1\n", mark: "1:1", message: "a list or mapping cannot be a key"),
        Case(yaml: "a: 1\n: 2\n", mark: "2:1", message: "a key is missing"),
        Case(yaml: "a: @x\n", mark: "1:4", message: "a value cannot start with '@' unless it is quoted"),
        Case(yaml: "a: `x`\n", mark: "1:4", message: "a value cannot start with '`'"),
        Case(yaml: "a: %x\n", mark: "1:4", message: "a value cannot start with '%'"),
        Case(yaml: "a: 1\n|b: 2\n", mark: "2:1", message: "a key cannot start with '|'"),
        // Duplicate keys, whatever their quoting
        Case(yaml: "a: 1\nb: 2\na: 3\n", mark: "3:1", message: "duplicate key 'a' in the same mapping"),
        Case(yaml: "a: 1\n'a': 2\n", mark: "2:1", message: "duplicate key 'a' in the same mapping"),
        Case(yaml: "{a: 1, \"a\": 2}", mark: "1:8", message: "duplicate key 'a' in the same mapping"),
        // Flow collections
        Case(yaml: "a: [1, 2\n", mark: "2:1", message: "the list that starts at line 1, column 4 is never closed; expected ',' or ']'"),
        Case(yaml: "a: {b: 1\n", mark: "2:1", message: "the mapping that starts at line 1, column 4 is never closed; expected ',' or '}'"),
        Case(yaml: "a: [\"x\" \"y\"]\n", mark: "1:9", message: "expected ',' or ']' in the list that starts at line 1, column 4, found '\"'"),
        Case(yaml: "a: [x,,y]\n", mark: "1:7", message: "a value cannot start with ','"),
        Case(yaml: "{a\n b: 1}", mark: "1:2", message: "a key and its ':' must be on one line"),
        Case(yaml: "[- a]", mark: "1:2", message: "a list entry ('- ') cannot be inside [ ] or { }"),
        Case(yaml: "[|]", mark: "1:2", message: "a block scalar ('|' or '>') cannot be inside [ ] or { }"),
        Case(yaml: "[a,\n---\n]", mark: "2:1", message: "a document marker cannot appear inside [ ] or { }"),
        Case(yaml: String(repeating: "[", count: 5000), mark: "1:100", message: "values nest more than 100 levels deep"),
        // Quoted scalars
        Case(yaml: "a: \"abc\n", mark: "2:1", message: "the quoted value that starts at line 1, column 4 is never closed"),
        Case(yaml: "a: 'abc", mark: "1:8", message: "the quoted value that starts at line 1, column 4 is never closed"),
        Case(yaml: "a: \"abc\\", mark: "1:9", message: "is never closed"),
        Case(yaml: "a: \"\\d+\"\n", mark: "1:5", message: "unknown escape '\\d' in a double-quoted value"),
        Case(yaml: "a: \"\\u12\"\n", mark: "1:5", message: "'\\u' needs 4 hexadecimal digits"),
        Case(yaml: "a: \"\\uD800\"\n", mark: "1:5", message: "the escape '\\uD800' is not a Unicode character"),
        Case(yaml: "a: \"x\n---\n\"", mark: "2:1", message: "a document marker cannot appear inside a quoted value"),
        // Block scalars
        Case(yaml: "s: | x\n", mark: "1:6", message: "unexpected 'x' after '|'"),
        Case(yaml: "s: >0\n  x\n", mark: "1:5", message: "the indentation indicator of a block scalar is a digit from 1 to 9"),
        Case(yaml: "s: |\n      \n  x\n", mark: "3:3", message: "an empty line at the start of this block scalar has more spaces"),
        // What Medic refuses on purpose
        Case(yaml: "a: &x 1\n", mark: "1:4", message: "YAML anchors and aliases are not allowed in Medic files"),
        Case(yaml: "a: *x\n", mark: "1:4", message: "YAML anchors and aliases are not allowed in Medic files"),
        Case(yaml: "a: [1, &x 2]\n", mark: "1:8", message: "YAML anchors and aliases are not allowed in Medic files"),
        Case(yaml: "<<: *base\n", mark: "1:5", message: "YAML anchors and aliases are not allowed in Medic files"),
        Case(yaml: "a: !!str 1\n", mark: "1:4", message: "YAML tags are not allowed in Medic files"),
        Case(yaml: "? a\n: b\n", mark: "1:1", message: "complex keys ('? ') are not supported"),
        Case(yaml: "%YAML 1.2\n---\na: 1\n", mark: "1:1", message: "YAML directives ('%…') are not supported"),
        Case(yaml: "a: 1\n---\nb: 2\n", mark: "2:1", message: "a Medic file holds one YAML document"),
        Case(yaml: "a: \u{1B}x\n", mark: "1:4", message: "the control character U+001B is not allowed in YAML text"),
        Case(yaml: "a: 1\nb: x\u{85}\u{7F}\n", mark: "2:6", message: "the control character U+007F is not allowed"),
        Case(yaml: "long: " + String(repeating: "x", count: 29) + "\u{7}\n", mark: "1:36", message: "the control character U+0007"),
        Case(yaml: "a: é" + String(repeating: "x", count: 20) + "\u{9F}\n", mark: "1:25", message: "the control character U+009F"),
        Case(yaml: "a: x\u{FFFE}\n", mark: "1:5", message: "the control character U+FFFE"),
    ]

    @Test("each error is located and plainly worded", arguments: cases)
    func located(_ test: Case) throws {
        let error = try #require(syntaxError(test.yaml))
        #expect("\(error.mark)" == test.mark)
        #expect(error.message.contains(test.message), "\(error.message)")
    }

    @Test("a YAML error is a compiler-style diagnostic with its hint")
    func diagnostic() {
        let loaded = RunbookLoader().parse("medic: 1\nid: x\nmatch: \"\\d+\"\n", path: "runbooks/x.yaml")
        #expect(loaded.runbook == nil)
        #expect(
            loaded.diagnostics.map(\.description) == [
                """
                runbooks/x.yaml:3:9: error: invalid YAML: unknown escape '\\d' in a double-quoted value
                runbooks/x.yaml:3:9: note: in double quotes a backslash starts an escape; write regular expressions in single quotes, \
                or '\\\\' for a backslash
                """
            ])
    }

    /// The loader looks for control characters beside the parse, on another core: what it finds
    /// is still the one error, before any the parser finds earlier in the file.
    @Test("a control character is refused before a structure error, whichever comes first in the file")
    func controlCharacterFirst() {
        for text in ["a: [x\nb: \u{1B}\n", "a: 1\n  b: 2\nc: x\u{7F}\n", "\u{1B}: [\n"] {
            let loaded = RunbookLoader().parse(text, path: "x.yaml")
            #expect(loaded.diagnostics.count == 1, "\(loaded.diagnostics)")
            #expect(loaded.diagnostics.first?.message.hasPrefix("invalid YAML: the control character") == true, "\(loaded.diagnostics)")
            // The same error, at the same place, as the reader that looks before it parses.
            let alone = syntaxError(text)
            #expect(alone?.message == loaded.diagnostics.first?.message)
            #expect(alone.map { [$0.mark.line, $0.mark.column] } == loaded.diagnostics.first.map { [$0.location.line, $0.location.column] })
        }
    }

    @Test("a file with nothing but comments holds no document")
    func noDocument() {
        #expect(RunbookLoader().parse("# nothing here\n", path: "x.yaml").diagnostics.map(\.message) == ["the file holds no YAML document"])
    }
}
