import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("secrets never reach the session directory")
struct SecretTests {
    static let secret = "s3cr\"et%20$HOME\nline two<&>'/é"

    /// Every form the secret can take, as planted, and the part of it that must not survive
    /// (a base64 form's first and last characters also encode the bytes around the secret).
    static var forms: [(planted: String, telltale: String)] {
        var forms: [(String, String)] = [secret, Masking.jsonEscaped(secret)].map { ($0, $0) }
        // Basic auth: "user:" + secret in base64 and base64url, the secret at each alignment.
        for user in ["bob:", "alice:", "user:"] {
            let encoded = Data((user + secret).utf8).base64EncodedString()
            let url = String(encoded.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
            for form in [encoded, url] { forms.append((form, String(form.dropFirst(user.utf8.count * 4 / 3 + 2).dropLast(4)))) }
        }
        let bytes = Array(secret.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) }
        let percent = bytes.map { isAlphanumeric($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        let lowerPercent = bytes.map { isAlphanumeric($0) ? String(UnicodeScalar($0)) : String(format: "%%%02x", $0) }.joined()
        let form = bytes.map {
            isAlphanumeric($0) || "*-._".utf8.contains($0) ? String(UnicodeScalar($0)) : $0 == 32 ? "+" : String(format: "%%%02X", $0)
        }.joined()
        let jsonUnicode = secret.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
        let named: [Character: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]
        let htmlNamed = secret.map { named[$0] ?? String($0) }.joined()
        let htmlDecimal = secret.unicodeScalars.map { "&#\($0.value);" }.joined()
        let htmlHex = secret.unicodeScalars.map { String(format: "&#x%X;", $0.value) }.joined()
        for text in [percent, lowerPercent, form, jsonUnicode, htmlNamed, htmlDecimal, htmlHex] { forms.append((text, text)) }
        return forms
    }

    @Test("a secret planted in every field, the output and the screen appears in no file, in no form")
    func planted() throws {
        let masking = Masking(secrets: [Self.secret])
        let session = try SampleEvents.session(secrets: [Self.secret])
        for (form, _) in Self.forms {
            let text = "before \(form) after"
            // The session masks; the recorder masks again, so plant the unmasked text.
            try session.record(
                .start(
                    SessionStart(
                        runbookID: "r", runbookVersion: text, files: [RunbookFileDigest(path: text, sha256: text)], medicVersion: text,
                        operatorName: text,
                        inputs: [InputValue(name: "token", value: text, secret: true), InputValue(name: text, value: text, secret: false)],
                        flags: [text], interactive: true)))
            try session.record(.step(StepVisit(stepID: text, kind: .action, title: text, why: text, runbookID: text)))
            try session.record(.confirm(ConfirmRecord(stepID: text, expected: text, reply: text, approved: false, by: text)))
            try session.record(.run(RunRecord(stepID: text, kind: .action, display: text, placement: text, dryRun: false)))
            try session.record(.output(OutputRecord(stepID: text, excerpt: text, bytes: 1, lines: 1, file: text)))
            var result = ResultRecord(
                stepID: text, exitStatus: 1, httpStatus: nil, durationMilliseconds: 1, timedOut: false, cancelled: false, failureReason: text,
                notRun: text, succeeded: false)
            // A response header that echoes the secret back.
            result.headers = [HTTPHeader(name: "X-Echo", value: text)]
            try session.record(.result(result))
            try session.record(.captured(stepID: text, values: [CapturedValue(name: text, value: text)]))
            try session.record(.branch(BranchTaken(from: text, to: text, condition: text, because: text)))
            try session.record(.answer(stepID: text, answer: text))
            try session.record(.stalled(stepID: text, reason: text))
            try session.record(.command(stepID: text, text: text))
            try session.record(.note(text))
            // Output bytes are masked by the session before they reach the store.
            let output = try session.openOutput(stepID: "print")
            try output.write(ArraySlice(masking.apply(text + "\n").utf8))
            _ = try output.close()
            session.screen(text + "\r\n")
        }
        try session.record(.end(SessionEnd(outcome: Self.secret, cause: Self.secret, summary: Self.secret, stepID: Self.secret, exitStatus: 0)))
        try session.finish()

        let files = Files.all(under: session.path)
        // The journal, transcript.md, the recording and one output file per form.
        #expect(files.count == 3 + Self.forms.count)
        for file in files {
            let text = try Files.text(file)
            for (form, telltale) in Self.forms {
                #expect(!text.contains(telltale), "\(file) holds the secret as \(form.debugDescription)")
            }
            #expect(!text.contains("s3cr"), "\(file) holds part of the secret")
        }
        // The journal's strings, decoded, hold no form either (a form with backslashes is
        // escaped again in the file, so the text alone would not show it).
        let lines = try Files.text(session.path + "/transcript.jsonl").split(separator: "\n")
        let strings = try lines.flatMap { try Self.strings(in: JSONSerialization.jsonObject(with: Data($0.utf8))) }
        for (form, telltale) in Self.forms {
            #expect(!strings.contains { $0.contains(telltale) }, "the journal holds the secret as \(form.debugDescription)")
        }
        // The records are still there, masked: the journal lost nothing.
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        #expect(read.problems.isEmpty)
        #expect(read.entries.count == Self.forms.count * 12 + 1)
        #expect(read.entries.contains { $0.event == .note("before \(Masking.mask) after") })
    }

    /// Every string in a decoded JSON value.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let array as [Any]: array.flatMap(strings)
        case let object as [String: Any]: object.keys.map { $0 } + object.values.flatMap(strings)
        default: []
        }
    }

    @Test("a secret that spells the journal's syntax or part of a field's name masks values only: every record is whole, every key intact")
    func secretsLikeSyntax() throws {
        // Masked as whole lines, these turned "expected" into "e••••pected", or broke the line.
        for secret in ["1,\"time", "\"v\"", "x", "e", "\"", ":", "1", "-", "answer"] {
            let session = try SampleEvents.session(secrets: [secret])
            try session.record(.confirm(ConfirmRecord(stepID: "act", expected: "yes", reply: "--yes", approved: true, by: "--yes")))
            try session.record(.answer(stepID: "ask", answer: "go", by: "--answer"))
            try session.record(.note("before \(secret) after"))
            try session.record(.end(SessionEnd(outcome: "resolved", cause: "none", summary: "done", stepID: "ok", exitStatus: 0)))
            let read = JournalReader.read(path: session.path + "/transcript.jsonl")
            #expect(read.problems.isEmpty, "\(secret.debugDescription): \(read.problems)")
            let events = read.entries.map(\.event)
            guard case .confirm(let confirm)?? = events.first else {
                Issue.record("\(secret.debugDescription): no confirm record first: \(read.entries.map(\.text))")
                continue
            }
            #expect(confirm.by == "--yes" && confirm.reply == "--yes" && confirm.approved, "\(secret.debugDescription): \(confirm)")
            // Who answered is Medic's word too: `--answer` stays whole whatever the secret.
            let answers = events.compactMap { if case .answer(_, _, let by)? = $0 { by } else { nil } }
            #expect(answers == ["--answer"], "\(secret.debugDescription): \(read.entries.map(\.text))")
            let masked = Masking(secrets: [secret]).apply("before \(secret) after")
            #expect(masked != "before \(secret) after" && events.dropFirst(2).first == .note(masked), "\(secret.debugDescription)")
            guard case .end(let end)?? = events.last else {
                Issue.record("\(secret.debugDescription): no end record last")
                continue
            }
            #expect(end.outcome == "resolved" && end.exitStatus == 0, "\(secret.debugDescription)")
        }
    }

    @Test("a start record's flags keep their names whatever the secret; values are masked, and a secret across the '=' masks the flag whole")
    func startFlags() throws {
        let flags = ["--yes", "--dry-run", "--answer=ready=yes", "--resumed-from=../one"]
        let cases: [(secret: String, written: [String])] = [
            ("e", ["--yes", "--dry-run", "--answer=r••••ady=y••••s", "--resumed-from=../on••••"]),
            ("ready", ["--yes", "--dry-run", "--answer=••••=yes", "--resumed-from=../one"]),
            ("one", ["--yes", "--dry-run", "--answer=ready=yes", "--resumed-from=../••••"]),
            // Neither the name nor the value holds it alone.
            ("m=../on", ["--yes", "--dry-run", "--answer=ready=yes", "--resumed-fro••••e"]),
        ]
        for (secret, written) in cases {
            let session = try SampleEvents.session(secrets: [secret])
            let start = SessionStart(
                runbookID: "r", runbookVersion: nil, files: [], medicVersion: "0.1.0", operatorName: "op", inputs: [], flags: flags,
                interactive: false)
            try session.record(.start(start))
            let read = JournalReader.read(path: session.path + "/transcript.jsonl")
            guard case .start(let recorded)?? = read.entries.first?.event else {
                Issue.record("\(secret.debugDescription): no start record: \(read.entries.map(\.text))")
                continue
            }
            #expect(recorded.flags == written, "\(secret.debugDescription)")
            let text = try String(contentsOfFile: session.path + "/transcript.jsonl", encoding: .utf8)
            #expect(!text.contains(secret) || secret == "e", "\(secret.debugDescription) is in the journal")
        }
    }
}
