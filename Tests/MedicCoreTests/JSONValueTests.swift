import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `JSONValue` as a reader of RFC 8259: a table from the grammar, and a differential test against
/// Python's `json` module made strict (no NaN or Infinity, each name once per object).
@Suite("Reading JSON by RFC 8259")
struct JSONValueTests {
    /// Texts the grammar accepts, with the value read back as canonical JSON (sorted names).
    static let accepted: [(String, String)] = [
        ("0", "0"), ("-0", "-0"), ("1", "1"), ("-12", "-12"), ("1.5", "1.5"), ("-0.0", "-0.0"), ("1e5", "1e5"), ("1E+5", "1E+5"),
        ("1e-05", "1e-05"), ("0.5e0", "0.5e0"), ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("1e400", "1e400"), ("true", "true"), ("false", "false"), ("null", "null"), (#""""#, #""""#), (#""a""#, #""a""#),
        (" \t\r\n1\n", "1"), ("[]", "[]"), ("{}", "{}"), ("[ 1 , [ ] , { } ]", "[1,[],{}]"), (#"{"b":1,"a":[true]}"#, #"{"a":[true],"b":1}"#),
        (#""\"\\\/\b\f\n\r\t""#, #""\"\\/\b\f\n\r\t""#), (#""\u0041\u00e9\u00E9""#, #""A\u00e9\u00e9""#),
        (#""\ud83d\ude00""#, #""\ud83d\ude00""#), ("\"é😀\"", #""\u00e9\ud83d\ude00""#), (#""\u0000""#, #""\u0000""#),
        ("\"\u{7F}\"", #""\u007f""#), (#"{"":0}"#, #"{"":0}"#), (#"{"a":{"a":1}}"#, #"{"a":{"a":1}}"#),
    ]

    /// Texts the grammar refuses (or that Medic refuses on purpose), with a part of the reason.
    static let refused: [(String, String)] = [
        ("", "found the end"), ("   ", "found the end"), ("+1", "cannot start with '+'"), ("01", "'0' followed by more digits"),
        ("-01", "'0' followed by more digits"), (".5", "before its '.'"), ("1.", "after the '.'"), ("1.e5", "after the '.'"),
        ("1e", "exponent"), ("1e+", "exponent"), ("-", "after '-'"), ("- 1", "after '-'"), ("0x10", "after the end"), ("1 2", "after the end"),
        ("NaN", "expected a value"), ("Infinity", "expected a value"), ("-Infinity", "after '-'"), ("tru", "expected 'true'"),
        ("True", "expected a value"), ("nul", "expected 'null'"), ("truex", "after the end"), ("[1,]", "missing after ','"),
        ("[,1]", "expected a value"), ("[1 2]", "expected ',' or ']'"), ("{\"a\":1,}", "missing after ','"), ("{a:1}", "name in double quotes"),
        ("{'a':1}", "name in double quotes"), ("{\"a\" 1}", "expected ':'"), ("{\"a\":1 \"b\":2}", "expected ',' or '}'"),
        ("[", "found the end"), ("{", "name in double quotes"), ("\"abc", "never closed"), ("'a'", "expected a value"),
        ("\"a\tb\"", "control character (U+0009)"), ("\"a\nb\"", "control character (U+000A)"), ("\"\u{1F}\"", "U+001F"),
        (#""\x41""#, #"unknown escape '\x'"#), (#""\'""#, "unknown escape"), (#""\u12""#, "four hexadecimal digits"),
        (#""\u12G4""#, "four hexadecimal digits"), (#""\ud800""#, "first half of a surrogate pair"),
        (#""\ud800\u0041""#, "first half of a surrogate pair"), (#""\udc00""#, "second half"), (#""\ud800x""#, "first half"),
        ("\u{FEFF}1", "byte order mark"), ("\u{0B}1", "expected a value"), ("\u{A0}1", "expected a value"), ("1\u{0C}", "after the end"),
        (#"{"a":1,"a":2}"#, "\"a\" is given twice"), (#"{"a":1,"\u0061":2}"#, "is given twice"),
        ("{\"\u{E9}\":1,\"e\u{301}\":2}", "another Unicode form"), ("/* c */ 1", "expected a value"), ("[1] // c", "after the end"),
    ]

    @Test("what RFC 8259's grammar accepts is read, with its value")
    func acceptedTexts() {
        for (text, canonical) in Self.accepted {
            switch JSONValue.read(text) {
            case .success(let value): #expect(Self.canonical(value) == canonical, "\(text.debugDescription)")
            case .failure(let error): Issue.record("\(text.debugDescription) was refused: \(error)")
            }
        }
    }

    @Test("what it does not accept is refused, saying why")
    func refusedTexts() {
        for (text, reason) in Self.refused {
            switch JSONValue.read(text) {
            case .success(let value): Issue.record("\(text.debugDescription) was read as \(Self.canonical(value))")
            case .failure(let error): #expect(error.message.contains(reason), "\(text.debugDescription): \(error)")
            }
            #expect(JSONValue.parse(text) == nil)
        }
    }

    @Test("a refusal is located where the problem is, and names the first use of a repeated name")
    func locations() {
        #expect(
            JSONValue.read("[1,\n  01]").failure
                == JSONSyntaxError(message: "a number cannot start with '0' followed by more digits", line: 2, column: 4))
        #expect(
            JSONValue.read("{\"é\": 1,\r\n \"x\": \"a\u{1}\"}").failure?.description
                == "line 2, column 9: a control character (U+0001) must be escaped inside a string")
        let twice = JSONValue.read("{\"user\": {\n  \"role\": \"viewer\",\n  \"role\": \"admin\"}}").failure
        #expect(
            twice
                == JSONSyntaxError(
                    message: "the name \"role\" is given twice in this object; it was first given at line 2, column 3", line: 3, column: 3))
        #expect(JSONValue.read("[1] x").failure == JSONSyntaxError(message: "unexpected 'x' after the end of the value", line: 1, column: 5))
    }

    @Test("nesting deeper than the limit is refused, not a stack overflow")
    func depth() {
        let limit = JSONValue.maximumDepth
        #expect(JSONValue.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) != nil)
        #expect(
            JSONValue.read(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)).failure?.message.contains("nest")
                == true)
        #expect(JSONValue.parse(String(repeating: "[", count: 100_000)) == nil)
        #expect(JSONValue.parse(String(repeating: "{\"a\":", count: 100_000)) == nil)
    }

    @Test("values at paths, as json: conditions read them")
    func paths() {
        let value = JSONValue.parse(#"{"a": {"b": [1, "x\u00e9", true, null]}, "n": -2.5e1}"#)
        #expect(value?.value(at: "a.b.1")?.text == "xé")
        #expect(value?.value(at: "a.b.2")?.text == "true")
        #expect(value?.value(at: "n")?.text == "-2.5e1")
        #expect(value?.value(at: "a.c") == nil)
        #expect(value?.value(at: "a.b.9") == nil)
    }

    @Test("Medic and Python's json module (made strict) agree on a generated corpus")
    func differentialAgainstPython() throws {
        var generator = SeededGenerator(state: 8259)
        var corpus = Self.accepted.map(\.0) + Self.refused.map(\.0)
        for _ in 0..<3000 {
            var text = Self.randomValue(depth: 0, using: &generator)
            for _ in 0..<Int.random(in: 0...2, using: &generator) { Self.mutate(&text, using: &generator) }
            corpus.append(text)
        }
        let python = try Self.pythonReadings(of: corpus)
        try #require(python.count == corpus.count, "python answered \(python.count) of \(corpus.count) texts")
        var disagreements: [String] = []
        for (text, theirs) in zip(corpus, python) {
            let ours: String
            let agree: Bool
            switch JSONValue.read(text) {
            case .success(let value):
                ours = "ok " + Self.canonical(value)
                agree = ours == theirs
            case .failure(let error):
                ours = "refused: \(error)"
                if theirs == "error" || theirs == "duplicate" {
                    agree = true
                } else if theirs.hasPrefix("lenient ") {
                    // Python keeps a lone surrogate and tells names apart by code points; Medic
                    // refuses both, and must refuse for one of them.
                    let surrogate = theirs.contains("surrogate") && error.message.contains("surrogate")
                    let form = theirs.contains("unicode-form") && error.message.contains("another Unicode form")
                    agree = surrogate || form
                } else {
                    agree = false
                }
            }
            if !agree { disagreements.append("\(text.debugDescription): Medic \(ours), Python \(theirs)") }
        }
        let listed = disagreements.prefix(20).joined(separator: "\n")
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(listed)")
    }

    // MARK: - Helpers

    /// What Python's json module says of each text, one line each: `ok CANONICAL`, `duplicate`
    /// (a name given twice), `error`, or `lenient` and what Python let through that Medic refuses:
    /// `unicode-form` (two names that differ only in Unicode form) and `surrogate` (a lone one).
    static func pythonReadings(of corpus: [String]) throws -> [String] {
        let script = #"""
            import json, sys, unicodedata

            class Duplicate(Exception): pass
            lenient = set()

            def pairs(items):
                seen, forms = {}, set()
                for k, v in items:
                    if k in seen: raise Duplicate()
                    if unicodedata.normalize("NFC", k) in forms: lenient.add("unicode-form")
                    seen[k] = v
                    forms.add(unicodedata.normalize("NFC", k))
                return seen

            def refuse(name): raise ValueError(name)

            class Number(str): pass

            def canonical(v):
                if isinstance(v, Number): return str(v)
                if isinstance(v, dict): return "{" + ",".join(canonical(k) + ":" + canonical(v[k]) for k in sorted(v)) + "}"
                if isinstance(v, list): return "[" + ",".join(canonical(x) for x in v) + "]"
                return json.dumps(v, ensure_ascii=True)

            for line in sys.stdin:
                text = bytes.fromhex(line.strip()).decode("utf-8")
                lenient.clear()
                try:
                    value = json.loads(text, object_pairs_hook=pairs, parse_constant=refuse, parse_int=Number, parse_float=Number)
                    out = canonical(value)
                    try:
                        json.dumps(value, ensure_ascii=False).encode("utf-8")
                    except UnicodeEncodeError:
                        lenient.add("surrogate")
                    print("lenient " + ",".join(sorted(lenient)) if lenient else "ok " + out)
                except Duplicate:
                    print("duplicate")
                except ValueError:
                    print("error")
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { throw TestFailure("this test needs python3 on the PATH: \(error)") }
        let lines = corpus.map { text in text.utf8.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        // Write from another thread: a pipe holds only so much while Python answers.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(lines.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("python3 exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// `value` as canonical JSON: names sorted by code point, numbers as written, strings with
    /// every character outside printable ASCII escaped (as Python's `ensure_ascii` writes them).
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(_, let text): return text
        case .string(let s): return quoted(s)
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .object(let members):
            let names = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
            return "{" + names.map { quoted($0) + ":" + canonical(members[$0] ?? .null) }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out + "\""
    }

    /// Pieces of JSON and near-JSON, for values and mutations.
    static let scalars = [
        "0", "-0", "7", "-12", "01", "+1", ".5", "1.", "1.25", "-0.0", "1e9", "2E-3", "1e+2", "1e", "-", "0x1F", "NaN", "Infinity",
        "true", "false", "null", "tru", "True", #""""#, #""a b""#, #""\n\t\/""#, #""\u00e9""#, #""\ud83d\ude00""#, #""\ud800""#,
        #""\udc00x""#, #""\x41""#, "\"é😀\"", "\"a\tb\"", "\"\u{1}\"", "'s'",
    ]
    static let pieces = ["{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "\t", "\r", "\u{0B}", "\u{A0}", "0", "-", "+", ".", "e", "x", "é"]

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> String {
        let space = { (g: inout SeededGenerator) in [" ", "", "", "\n", "\t", "\r\n"].randomElement(using: &g) ?? "" }
        switch depth < 4 ? Int.random(in: 0..<4, using: &generator) : 0 {
        case 1:
            let items = (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) }
            return "[" + space(&generator) + items.joined(separator: "," + space(&generator)) + "]"
        case 2:
            let names = ["\"a\"", "\"b\"", "\"\\u0061\"", "\"é\"", "\"e\u{301}\"", "\"\""]
            let members = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                (names.randomElement(using: &generator) ?? "\"a\"") + space(&generator) + ":" + randomValue(depth: depth + 1, using: &generator)
            }
            return "{" + members.joined(separator: ",") + space(&generator) + "}"
        default:
            return space(&generator) + (scalars.randomElement(using: &generator) ?? "0") + space(&generator)
        }
    }

    static func mutate(_ text: inout String, using generator: inout SeededGenerator) {
        var characters = Array(text)
        let at = Int.random(in: 0...characters.count, using: &generator)
        let piece = Array(pieces.randomElement(using: &generator) ?? " ")
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: characters.insert(contentsOf: piece, at: at)
        case 1: if at < characters.count { characters.remove(at: at) }
        default: if at < characters.count { characters.replaceSubrange(at...at, with: piece) }
        }
        text = String(characters)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
