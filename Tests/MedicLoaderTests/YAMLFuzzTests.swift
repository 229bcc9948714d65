import MedicCore
import MedicTestSupport
import Testing

@testable import MedicLoader

@Suite("The YAML reader under hostile input")
struct YAMLFuzzTests {
    /// What YAML gives meaning to, and some of what it refuses, to make mutations bite.
    static let alphabet = Array(" \n\n\r\t-:#'\"[]{},|>!&*?%@`\\.x1é0\u{1B}".unicodeScalars)

    static let shippedTexts: [String] = {
        let root = TestSupport.repositoryRoot + "/runbooks"
        let folders = [root, root + "/nginx-502.scenarios", root + "/starter.scenarios"]
        let paths = folders.flatMap { YAMLFiles.paths(in: $0) ?? [] }
        return paths.compactMap { path in
            if case .success(let text) = SourceFile.read(path) { return text }
            return nil
        }
    }()

    /// The lengths of the lines of `text` in Unicode scalars, its line breaks as YAML counts them.
    static func lineLengths(_ text: String) -> [Int] {
        var lengths = [0]
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if previous != "\r" { lengths.append(0) }
            } else if scalar == "\r" {
                lengths.append(0)
            } else {
                lengths[lengths.count - 1] += 1
            }
            previous = scalar
        }
        return lengths
    }

    /// Whether line `line`, column `column` is a place in `text`: on one of its lines, at most
    /// one past the line's last character (where a line break or the end of the text is).
    static func isInside(line: Int, column: Int, of text: String) -> Bool {
        let lengths = lineLengths(text)
        // A byte order mark is not a column.
        let bom = line == 1 && text.unicodeScalars.first == "\u{FEFF}" ? 1 : 0
        return lengths.indices.contains(line - 1) && column >= 1 && column <= lengths[line - 1] + 1 - bom
    }

    /// Parses `text` as a runbook: it must come back, with every diagnostic inside the text.
    func expectDiagnosed(_ text: String, _ what: @autoclosure () -> String, lineEnds: Bool = true) {
        let loaded = RunbookLoader().parse(text, path: "fuzz.yaml")
        for diagnostic in loaded.diagnostics {
            let location = diagnostic.location
            #expect(Self.isInside(line: location.line, column: location.column, of: text), "\(diagnostic) in \(what())")
            #expect(!diagnostic.message.isEmpty)
        }
        if loaded.runbook == nil { #expect(loaded.diagnostics.hasErrors, "no runbook and no error in \(what())") }
        expectConsistentYAML(text, what(), lineEnds: lineEnds)
    }

    /// What the YAML reader makes of `text` holds up: a refusal is located inside the text; a
    /// tree written out again (every scalar double-quoted, in flow style) reads back the same; the
    /// same text with CR LF line ends, or after a byte order mark, reads the same, or is refused
    /// at the same place.
    func expectConsistentYAML(_ text: String, _ what: @autoclosure () -> String, lineEnds: Bool) {
        let reading = Reading(text)
        switch reading {
        case .refused(let error):
            #expect(Self.isInside(line: error.mark.line, column: error.mark.column, of: text), "\(error.message) at \(error.mark) in \(what())")
        case .read(let value):
            let written = value.map(YAMLValue.write) ?? "# nothing\n"
            #expect(Reading(written) == reading, "\(what()) written out as \(written.debugDescription) reads otherwise")
        }
        // Reading every text three more times costs time; `lineEnds` lets a caller check some.
        guard lineEnds else { return }
        if !text.unicodeScalars.contains("\r") {
            #expect(
                Reading(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")) == reading,
                "\(what()) with CR LF line ends reads otherwise")
        }
        if text.unicodeScalars.first != "\u{FEFF}" {
            #expect(Reading("\u{FEFF}" + text) == reading, "\(what()) after a byte order mark reads otherwise")
        }
    }

    @Test("random bytes are read or refused inside the text, and what is read is read again alike")
    func randomBytes() {
        var generator = SeededGenerator(state: 1)
        for round in 0..<2000 {
            let count = Int.random(in: 0..<160, using: &generator)
            var bytes: [UInt8] = []
            for _ in 0..<count {
                // Half the bytes from YAML's own characters, half anything at all.
                if Bool.random(using: &generator), let scalar = Self.alphabet.randomElement(using: &generator) {
                    bytes += Array(String(scalar).utf8)
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            expectDiagnosed(String(decoding: bytes, as: UTF8.self), "random input \(round) (seed 1)")
        }
    }

    @Test("mutated shipped runbooks and scenarios are read or refused inside the text, alike with CR LF and a BOM")
    func mutatedShippedFiles() throws {
        let texts = Self.shippedTexts
        try #require(texts.count > 10)
        var generator = SeededGenerator(state: 2)
        for round in 0..<3000 {
            var lines = texts[round % texts.count].split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let row = Int.random(in: 0..<lines.count, using: &generator)
                let column = lines[row].isEmpty ? 0 : Int.random(in: 0..<lines[row].count, using: &generator)
                let character = Self.alphabet.randomElement(using: &generator) ?? " "
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: lines[row].insert(character, at: column)
                case 1: if !lines[row].isEmpty { lines[row].remove(at: column) }
                case 2: if !lines[row].isEmpty { lines[row][column] = character }
                case 3: lines[row].insert(contentsOf: "  ".unicodeScalars, at: 0)
                case 4: lines[row].removeFirst(min(2, lines[row].count))
                default: lines.insert(lines[Int.random(in: 0..<lines.count, using: &generator)], at: row)
                }
            }
            var text = ""
            for (index, line) in lines.enumerated() {
                if index > 0 { text += "\n" }
                text.unicodeScalars.append(contentsOf: line)
            }
            expectDiagnosed(text, "mutation \(round) (seed 2)", lineEnds: round % 5 == 0)
        }
    }

    @Test("deep nesting and long inputs are refused or read, not a stack overflow")
    func deepAndLong() {
        expectDiagnosed(String(repeating: "[", count: 100_000), "100,000 '['")
        expectDiagnosed(String(repeating: "{a: ", count: 50_000), "50,000 '{a: '")
        expectDiagnosed(String(repeating: "- ", count: 50_000) + "x", "50,000 '- '")
        expectDiagnosed((0..<2000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"), "2,000 nested keys")
        expectDiagnosed("a: " + String(repeating: "x ", count: 200_000), "a 400 KB line")
        expectDiagnosed("a: \"" + String(repeating: "\\", count: 10_001), "a run of backslashes")
    }
}

/// A YAML tree as plain values, to compare readings and to write them out again.
indirect enum YAMLValue: Equatable {
    /// A plain empty value or `~`/`null`/`Null`/`NULL`: what decoders take as no value.
    case null
    case text(String)
    case sequence([YAMLValue])
    case mapping([(YAMLValue, YAMLValue)])

    init(_ node: YAMLNode) {
        switch node {
        case .scalar(let scalar):
            let string = scalar.string
            self = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(string) ? .null : .text(string)
        case .sequence(let items): self = .sequence(items.map(YAMLValue.init))
        case .mapping(let pairs): self = .mapping(pairs.map { (YAMLValue($0.key), YAMLValue($0.value)) })
        }
    }

    static func == (a: YAMLValue, b: YAMLValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.text(let x), .text(let y)): x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.sequence(let x), .sequence(let y)): x == y
        case (.mapping(let x), .mapping(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The value as YAML in flow style, every text double-quoted with escapes.
    static func write(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "~"
        case .text(let string):
            var out = "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case " "..."~": out.unicodeScalars.append(scalar)
                default:
                    if scalar.value < 0xA0 || (0x2028...0x2029).contains(scalar.value) || scalar.value == 0xFEFF {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        case .sequence(let items): return "[" + items.map(write).joined(separator: ", ") + "]"
        case .mapping(let pairs): return "{" + pairs.map { write($0.0) + ": " + write($0.1) }.joined(separator: ", ") + "}"
        }
    }
}

/// What the YAML reader made of a text: a value (nil for no document) or a located refusal.
enum Reading: Equatable {
    case read(YAMLValue?)
    case refused(YAMLSyntaxError)

    init(_ text: String) {
        do {
            let document = try YAMLParser.parse(text)
            self = .read(document.map { document in withExtendedLifetime(document) { YAMLValue(document.root) } })
        } catch {
            self = .refused(error)
        }
    }
}
