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

    /// Parses `text` as a runbook: it must come back, with every diagnostic inside the text.
    func expectDiagnosed(_ text: String, _ what: @autoclosure () -> String) {
        let loaded = RunbookLoader().parse(text, path: "fuzz.yaml")
        var lines = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if scalar == "\n", previous != "\r" { lines += 1 }
            if scalar == "\r" { lines += 1 }
            previous = scalar
        }
        for diagnostic in loaded.diagnostics {
            let location = diagnostic.location
            #expect(location.line >= 1 && location.line <= lines && location.column >= 1, "\(diagnostic) in \(what())")
            #expect(!diagnostic.message.isEmpty)
        }
        if loaded.runbook == nil { #expect(loaded.diagnostics.hasErrors, "no runbook and no error in \(what())") }
    }

    @Test("random bytes give diagnostics, never a crash or a hang")
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

    @Test("mutated shipped runbooks and scenarios give diagnostics, never a crash or a hang")
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
            expectDiagnosed(text, "mutation \(round) (seed 2)")
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
