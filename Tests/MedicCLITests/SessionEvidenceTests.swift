import Foundation
import MedicCore
import MedicTestSupport
import MedicTranscript
import Testing

/// The end-to-end tests' own checks catch what they must: they run on every `swift test`, so
/// a check that could never fail in the lab would show here first.
@Suite("the end-to-end checks themselves")
struct SessionEvidenceTests {
    /// The evidence of a session whose journal Medic's own recorder wrote from `events`.
    func evidence(_ events: [TranscriptEvent]) throws -> SessionEvidence {
        let dir = try TestSupport.temporaryDirectory() + "/session"
        let session = try SessionDirectory.create(at: dir, runbookID: "test", masking: Masking(secrets: []), screenSize: nil)
        for event in events { try session.record(event) }
        return try SessionEvidence(directory: dir)
    }

    func confirm(_ step: String, approved: Bool = true, by: String = "root@host", reply: String = "yes") -> TranscriptEvent {
        .confirm(ConfirmRecord(stepID: step, expected: "yes", reply: reply, approved: approved, by: by))
    }

    func run(_ step: String) -> TranscriptEvent {
        .run(RunRecord(stepID: step, kind: .action, display: "systemctl restart app", placement: "local", dryRun: false))
    }

    @Test("an action that ran before, without, or after a refused confirmation is reported")
    func confirmationOrder() throws {
        #expect(try evidence([confirm("a"), run("a"), confirm("b"), run("b")]).confirmationProblems(approver: "root@host").isEmpty)
        #expect(try evidence([run("a"), confirm("a")]).confirmationProblems(approver: "root@host").count == 1)
        #expect(try evidence([confirm("a"), run("a"), run("a")]).confirmationProblems(approver: "root@host").count == 1, "one approval, one run")
        #expect(try evidence([confirm("b"), run("a")]).confirmationProblems(approver: "root@host").count == 1, "another step's approval")
        #expect(try evidence([confirm("a", approved: false), run("a")]).confirmationProblems(approver: "root@host").count == 1)
        #expect(try !evidence([confirm("a", by: "--yes", reply: "--yes"), run("a")]).confirmationProblems(approver: "root@host").isEmpty)
        #expect(try !evidence([confirm("a", reply: "y"), run("a")]).confirmationProblems(approver: "root@host").isEmpty)
    }

    @Test("a secret is found raw, in base64 at any alignment, percent-encoded and JSON-escaped")
    func secretForms() throws {
        let secret = #"pa55 w0rd/"quoted"+more"#
        let base64 = { (prefix: String) in Data((prefix + secret + "tail").utf8).base64EncodedString() }
        for text in [
            "x \(secret) y", base64(""), base64("a"), base64("ab"),
            "user=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
            #"{"password":"pa55 w0rd/\"quoted\"+more"}"#, #"{"password":"pa55 w0rd\/\"quoted\"+more"}"#,
        ] {
            #expect(!SessionEvidence.leaks(of: secret, in: text).isEmpty, "not found in \(text)")
        }
        #expect(SessionEvidence.leaks(of: secret, in: "password ••••, base64 \(Data("other".utf8).base64EncodedString())").isEmpty)
    }
}
