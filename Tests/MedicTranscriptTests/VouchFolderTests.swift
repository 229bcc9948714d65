import Foundation
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicTranscript

/// The state folder's memory of confirmed unverified checks, per runbook digest.
@Suite("The vouch folder")
struct VouchFolderTests {
    @Test("a confirmation is remembered per digest and step, across instances, in a private file")
    func remembered() throws {
        let dir = try TestSupport.temporaryDirectory()
        let digest = String(repeating: "0123456789abcdef", count: 4)
        let other = String(repeating: "f", count: 64)
        #expect(!VouchFolder(path: dir + "/vouched").isConfirmed(stepID: "login", digest: digest))
        try VouchFolder(path: dir + "/vouched").remember(stepID: "login", digest: digest)
        let later = VouchFolder(path: dir + "/vouched")
        #expect(later.isConfirmed(stepID: "login", digest: digest))
        #expect(!later.isConfirmed(stepID: "login-wrong", digest: digest))
        #expect(!later.isConfirmed(stepID: "login", digest: other))
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/vouched/" + digest)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a name that is no SHA-256 never names a file")
    func refused() throws {
        let dir = try TestSupport.temporaryDirectory()
        let ledger = VouchFolder(path: dir + "/vouched")
        #expect(throws: TranscriptError.self) { try ledger.remember(stepID: "x", digest: "../../etc/passwd") }
        #expect(!ledger.isConfirmed(stepID: "root:x:0:0:root:/root:/bin/bash", digest: "../../../../etc/passwd"))
        #expect(throws: TranscriptError.self) { try ledger.remember(stepID: "a\nb", digest: String(repeating: "a", count: 64)) }
    }

    @Test("the state folder is XDG_STATE_HOME's, else HOME's")
    func location() {
        #expect(VouchFolder.inStateFolder { ["XDG_STATE_HOME": "/s", "HOME": "/h"][$0] }?.path == "/s/medic/vouched")
        #expect(VouchFolder.inStateFolder { ["HOME": "/h"][$0] }?.path == "/h/.local/state/medic/vouched")
        #expect(VouchFolder.inStateFolder { _ in nil } == nil)
    }

    @Test("an unverified run record round-trips through the journal and is named in transcript.md")
    func journal() throws {
        let session = try SampleEvents.session()
        var run = RunRecord(stepID: "login", kind: .check, display: "POST http://127.0.0.1/login", placement: "local", dryRun: false)
        run.unverified = "the login only checks a password"
        try session.record(.run(run))
        let text = try String(contentsOfFile: session.path + "/transcript.jsonl", encoding: .utf8)
        #expect(text.contains(#""unverified":"the login only checks a password""#))
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        #expect(read.entries.map(\.event) == [.run(run)])
        try session.finish()
        let markdown = try String(contentsOfFile: session.path + "/transcript.md", encoding: .utf8)
        #expect(
            markdown.contains("Unverified: read-only on the runbook author's word, not proven by Medic (the login only checks a password)."),
            "\(markdown)")
    }
}
