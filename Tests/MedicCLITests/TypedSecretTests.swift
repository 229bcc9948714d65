import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// What a line typed at a prompt leaves behind, and what a short secret does to the journal: the
/// real binary in a real terminal, its files read afterwards.
@Suite("Typed lines and short secrets in the session's files", .serialized)
struct TypedSecretTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/set-secret.yaml"

    func enter(_ terminal: Terminal, _ line: String, expecting answer: String, times: Int = 1) throws {
        if !line.isEmpty { try terminal.type(line) }
        try terminal.send("Enter")
        try terminal.waitFor(answer, times: times)
    }

    @Test(
        "a set line's value is recorded and kept in the history only for a known non-secret variable: a secret's, refused, and a near miss's are masked",
        .enabled(if: Terminal.available, "tmux is not installed"))
    func setLinesAtAPrompt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let command = "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1", "MEDIC_VAR_tok": "Given0Token"])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try enter(terminal, "set tok=NewS3cretValue", expecting: "'tok' is secret: type `set tok`")
        try enter(terminal, "set TOK=HistLeak77", expecting: "did you mean 'tok'?")
        try enter(terminal, "SET tok=UpperLeak55", expecting: "'SET tok=\(Masking.mask)' is not")
        try enter(terminal, "set note=KeptValue9", expecting: "note = KeptValue9")
        try enter(terminal, "no", expecting: "[exit 0]")

        let cast = try String(contentsOfFile: dir + "/s/session.cast", encoding: .utf8)
        let history = try String(contentsOfFile: dir + "/medic/history", encoding: .utf8)
        let journal = try String(contentsOfFile: dir + "/s/transcript.jsonl", encoding: .utf8)
        for value in ["NewS3cretValue", "HistLeak77", "UpperLeak55"] {
            #expect(!cast.contains(value), "session.cast holds \(value)")
            #expect(!history.contains(value), "the history holds \(value): \(history)")
            #expect(!journal.contains(value), "the journal holds \(value)")
        }
        #expect(cast.contains("set TOK=\(Masking.mask)") && cast.contains("set tok=\(Masking.mask)"), "recorded masked")
        // A known non-secret variable's value is kept: the test could see a value if one were there.
        #expect(cast.contains("set note=KeptValue9") && history.contains("set note=KeptValue9"), "\(history)")
    }

    @Test(
        "a one-character secret (x, e, \", :) leaves every journal record whole, and the report says --yes approved the action and the run finished"
    )
    func shortSecrets() throws {
        for secret in ["x", "e", "\"", ":"] {
            let dir = try TestSupport.temporaryDirectory()
            let run = try CommandLineTests().medic(
                ["run", Self.runbook, "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/s"],
                environment: ["MEDIC_VAR_tok": secret, "XDG_STATE_HOME": dir])
            #expect(run.status == 0, "\(secret): \(run.output)")
            // Refuses a journal with any problem or a withheld record.
            let evidence = try SessionEvidence(directory: dir + "/s")
            #expect(evidence.confirmations.map(\.by) == ["--yes"], "\(secret)")
            #expect(evidence.end?.outcome == "resolved" && evidence.end?.exitStatus == 0, "\(secret)")
            let keys = ["\"v\":", "\"seq\":", "\"time\":", "\"event\":", "\"expected\":", "\"exit_status\":", "\"step_id\":"]
            let journal = try String(contentsOfFile: dir + "/s/transcript.jsonl", encoding: .utf8)
            for key in keys { #expect(journal.contains(key), "\(secret): \(key) is missing") }
            let render = try CommandLineTests().medic(["transcript", "render", dir + "/s"])
            #expect(render.status == 0)
            #expect(!render.output.contains("DID NOT FINISH"), "\(secret): \(render.output)")
            #expect(!render.output.contains("confirmed by"), "\(secret): \(render.output)")
            #expect(render.output.contains("approved by --yes"), "\(secret): \(render.output)")
        }
    }
}
