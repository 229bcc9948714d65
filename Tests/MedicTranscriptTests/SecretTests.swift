import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("secrets never reach the session directory")
struct SecretTests {
    static let secret = "s3cr\"et%20$HOME\nline-two"

    /// Every form the secret can take: raw, base64, percent-encoded, JSON-escaped.
    static var forms: [String] {
        [secret, Masking.base64(secret), Masking.percentEncoded(secret), Masking.jsonEscaped(secret)]
    }

    @Test("a secret planted in every field, the output and the screen appears in no file, in no form")
    func planted() throws {
        let masking = Masking(secrets: [Self.secret])
        let session = try SampleEvents.session(secrets: [Self.secret])
        for form in Self.forms {
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
            try session.record(
                .result(
                    ResultRecord(
                        stepID: text, exitStatus: 1, httpStatus: nil, durationMilliseconds: 1, timedOut: false, cancelled: false, failureReason: text,
                        notRun: text, succeeded: false)))
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
        #expect(files.count == 7)
        for file in files {
            let text = try Files.text(file)
            for form in Self.forms {
                #expect(!text.contains(form), "\(file) holds the secret as \(form.debugDescription)")
            }
            #expect(!text.contains("s3cr"), "\(file) holds part of the secret")
        }
        // The records are still there, masked: the journal lost nothing.
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        #expect(read.problems.isEmpty)
        #expect(read.entries.count == Self.forms.count * 12 + 1)
        #expect(read.entries.contains { $0.event == .note("before \(Masking.mask) after") })
    }

    @Test("a secret whose form spans JSON syntax is withheld with the reason, never written")
    func spanningSyntax() throws {
        // Masked field by field this is invisible; in the whole line it spans `1,"time`.
        let secret = "1,\"time"
        let session = try SampleEvents.session(secrets: [secret])
        try session.record(.note("harmless"))
        let text = try Files.text(session.path + "/transcript.jsonl")
        #expect(!text.contains(secret))
        let entry = try #require(JournalReader.read(path: session.path + "/transcript.jsonl").entries.first)
        #expect(entry.record == .withheld(event: "note", reason: "masking a secret in this record would have made it unreadable"))
    }

    @Test("a secret that matches the journal's own syntax is refused: record throws and nothing is written")
    func matchesSyntax() throws {
        let session = try SampleEvents.session(secrets: ["\"v\""])
        let error = #expect(throws: TranscriptError.self) { try session.record(.note("harmless")) }
        #expect(error?.description.hasSuffix("a secret's value matches the journal's own syntax, so nothing was written") == true)
        #expect(try Files.text(session.path + "/transcript.jsonl").isEmpty)
        #expect(throws: TranscriptError.self) { try session.record(.note("later")) }
    }
}
