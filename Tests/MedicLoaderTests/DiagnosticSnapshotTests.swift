import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Broken runbooks and the exact diagnostics they must produce, kept as snapshot files beside
/// them (`NAME.expected`). Re-record with `MEDIC_RECORD_SNAPSHOTS=1 swift test`.
@Suite("Diagnostics of broken runbooks")
struct DiagnosticSnapshotTests {
    static let folder = TestSupport.repositoryRoot + "/Tests/MedicLoaderTests/Fixtures/invalid"
    static let fixtures: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test("every broken fixture is rejected with the recorded diagnostics", arguments: fixtures)
    func diagnostics(of fixture: String) throws {
        let path = Self.folder + "/" + fixture
        let (bundle, diagnostics) = RunbookLoader().loadBundle(path)
        #expect(bundle == nil, "an invalid runbook must never produce a runnable bundle")
        #expect(diagnostics.hasErrors)
        let rendered = diagnostics.map { $0.description.replacing(Self.folder + "/", with: "") }.joined(separator: "\n") + "\n"
        let snapshot = Self.folder + "/" + fixture.replacing(".yaml", with: ".expected")
        if TestSupport.recordingSnapshots {
            try rendered.write(toFile: snapshot, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: snapshot, encoding: .utf8)
        #expect(rendered == expected)
    }

    @Test("every diagnostic points inside the file it names")
    func locations() {
        for fixture in Self.fixtures {
            let path = Self.folder + "/" + fixture
            let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false).count
            for diagnostic in RunbookLoader().loadBundle(path).diagnostics where diagnostic.location.file == path {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= max(lines, 1), "\(diagnostic)")
                #expect(diagnostic.location.column >= 1)
            }
        }
    }
}

@Suite("Files that are not runbooks at all")
struct HostileFileTests {
    func onlyDiagnostic(_ path: String) -> Diagnostic? {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(path)
        #expect(bundle == nil)
        #expect(diagnostics.count == 1)
        return diagnostics.first
    }

    @Test func missingFile() {
        #expect(onlyDiagnostic("/nonexistent/runbook.yaml")?.message == "no such file")
    }

    @Test func directory() throws {
        let dir = try TestSupport.temporaryDirectory()
        #expect(onlyDiagnostic(dir)?.message.contains("directory") == true)
    }

    @Test("a 50 MB file is refused without being parsed")
    func hugeFile() throws {
        let path = try TestSupport.temporaryDirectory() + "/huge.yaml"
        let line = "key: " + String(repeating: "x", count: 1019) + "\n"
        let handle = try #require(
            {
                _ = FileManager.default.createFile(atPath: path, contents: nil); return FileHandle(forWritingAtPath: path)
            }())
        let chunk = Data(String(repeating: line, count: 1024).utf8)
        for _ in 0..<50 { handle.write(chunk) }
        try handle.close()
        #expect(onlyDiagnostic(path)?.message.contains("larger than 16 MiB") == true)
    }

    @Test("an alias bomb is refused at its first anchor")
    func aliasBomb() {
        let diagnostic = onlyDiagnostic(DiagnosticSnapshotTests.folder + "/alias-bomb.yaml")
        #expect(diagnostic?.message.contains("anchors and aliases") == true)
        #expect(diagnostic?.location.line == 1)
    }

    /// Latin-1, a stray continuation byte, a cut sequence, overlong forms, a surrogate, past
    /// U+10FFFF, and lead bytes that UTF-8 never uses, each with what the hint says is wrong.
    @Test(
        "a file that is not well-formed UTF-8 is refused, saying what is wrong with the bytes",
        arguments: [
            ([0xE9], "cut short"), ([0x80], "a continuation byte that continues no character"), ([0xE2, 0x82], "cut short"),
            ([0xC0, 0xAF], "more bytes than it needs"),
            ([0xE0, 0x80, 0xAF], "more bytes than it needs"), ([0xED, 0xA0, 0x80], "surrogate"),
            ([0xF4, 0x90, 0x80, 0x80], "U+10FFFF"), ([0xF8, 0x88, 0x80, 0x80, 0x80], "U+10FFFF"),
            // Latin-1's à, í, ð, ô, À before a space: lead bytes Swift judges by themselves.
            ([0xE0, 0x20], "cut short"), ([0xED, 0x20], "cut short"), ([0xF0, 0x20], "cut short"), ([0xF4, 0x20], "cut short"),
            ([0xC0, 0x20], "cut short"),
        ] as [([UInt8], String)])
    func invalidUTF8(_ bad: [UInt8], reason: String) throws {
        let path = try TestSupport.temporaryDirectory() + "/latin1.yaml"
        // A byte order mark (no column), then line 1 ending at "\r\n" and line 2 at a lone
        // "\r", as the reader counts lines; the bad bytes follow eight characters on line 3, one
        // of them two bytes long.
        try Data([0xEF, 0xBB, 0xBF] + Array("medic: 1\r\nid: x\rtitle: é".utf8) + bad + [0x0A]).write(to: URL(fileURLWithPath: path))
        let diagnostic = onlyDiagnostic(path)
        #expect(diagnostic?.message == "the file is not valid UTF-8 text")
        #expect(diagnostic?.location.line == 3)
        #expect(diagnostic?.location.column == 9)
        #expect(diagnostic?.hint?.contains("0x" + String(bad[0], radix: 16, uppercase: true)) == true)
        #expect(diagnostic?.hint?.contains(reason) == true, "\(diagnostic?.hint ?? "no hint")")
    }

    @Test(
        "after a byte order mark, a NUL byte or a byte that is not UTF-8 on line 1 is pointed at as the reader counts",
        arguments: [0x00, 0xFF] as [UInt8])
    func badByteAfterByteOrderMark(_ bad: UInt8) throws {
        let path = try TestSupport.temporaryDirectory() + "/bom.yaml"
        try Data([0xEF, 0xBB, 0xBF] + Array("key: ".utf8) + [bad, 0x0A]).write(to: URL(fileURLWithPath: path))
        let diagnostic = onlyDiagnostic(path)
        #expect(diagnostic.map { [$0.location.line, $0.location.column] } == [1, 6])
    }

    @Test("characters of every UTF-8 length are read")
    func validUTF8() throws {
        let path = try TestSupport.temporaryDirectory() + "/utf8.yaml"
        let yaml =
            "medic: 1\nid: u\ntitle: é € 😀\nsteps:\n  a: {kind: conclusion, title: A, why: W, outcome: no-fault, cause: none}\n"
            + "causes:\n  none: {title: Nothing, description: No fault found.}\n"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let (bundle, diagnostics) = RunbookLoader().loadBundle(path)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(bundle?.root.title == "é € 😀")
    }
}

@Suite("Shipped runbooks")
struct ShippedRunbookTests {
    static let runbooks: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.repositoryRoot + "/runbooks")) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test("every shipped runbook is valid with no warnings", arguments: runbooks)
    func valid(_ name: String) {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(TestSupport.repositoryRoot + "/runbooks/" + name)
        #expect(bundle != nil)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description).joined(separator: "\n"))")
    }

    @Test("the starter runbook uses every kind of step and every way to run")
    func starterCoversTheFormat() throws {
        let runbook = try #require(RunbookLoader().loadFile(TestSupport.repositoryRoot + "/runbooks/starter.yaml").runbook)
        #expect(Set(runbook.steps.map(\.kind)) == Set(Step.Kind.allCases))
        #expect(Set(runbook.steps.compactMap { $0.execution?.keyword }) == ["http", "tcp", "command", "script"])
        #expect(runbook.inputs.contains { $0.isSecret })
        #expect(runbook.steps.contains { !$0.captures.isEmpty } && runbook.steps.contains { !$0.counts.isEmpty })
    }

    @Test("the example in the format reference is a valid runbook")
    func documentedExample() throws {
        let doc = try String(contentsOfFile: TestSupport.repositoryRoot + "/docs/runbook-format.md", encoding: .utf8)
        let start = try #require(doc.firstRange(of: "## A small example\n\n```yaml\n"))
        let rest = doc[start.upperBound...]
        let end = try #require(rest.firstRange(of: "```"))
        let loaded = RunbookLoader().parse(String(rest[..<end.lowerBound]), path: "docs/runbook-format.md")
        let runbook = try #require(loaded.runbook)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(Validator().validate(runbook).isEmpty)
    }
}
