import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// What a line typed at a prompt leaves behind, and what a short secret does to the journal: the
/// real binary in a real terminal, its files read afterwards.
@Suite("Typed lines and short secrets in the session's files", .serialized)
struct TypedSecretTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/set-secret.yaml"

    @Test(
        "a set line's value is recorded and kept in the history only for a known non-secret variable: a secret's, refused, and a near miss's are masked",
        .enabled(if: Terminal.available, "tmux is not installed"))
    func setLinesAtAPrompt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let command = "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1", "MEDIC_VAR_tok": "Given0Token"])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.enter("set tok=NewS3cretValue", expecting: "'tok' is secret: type `set tok`")
        try terminal.enter("set TOK=HistLeak77", expecting: "did you mean 'tok'?")
        try terminal.enter("SET tok=UpperLeak55", expecting: "'SET tok=\(Masking.mask)' is not")
        // The action is put again with the new value, at a fresh prompt that discards what was
        // typed before it appeared: `no` is typed once that prompt (the fifth) is on screen.
        try terminal.enter("set note=KeptValue9", expecting: "Run it? › ", times: 5)
        try terminal.enter("no", expecting: "[exit 0]")

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

    @Test("with standard input a pipe, a set line is echoed as kept: a secret's value, or a near miss's, is on no screen and in no file Medic writes")
    func setLinesFromAPipe() throws {
        let dir = try TestSupport.temporaryDirectory()
        let values = ["PipedS3cretValue", "PipedLeak77", "PipedNear55"]
        let lines = ["set tok=\(values[0])", "set TOK=\(values[1])", "sett tok=\(values[2])", "set note=KeptValue9"]
        let run = try CommandLineTests().medic(
            ["run", "Tests/MedicCLITests/Fixtures/piped-set.yaml", "--transcript", dir + "/s"], stdin: lines.joined(separator: "\n") + "\n",
            environment: ["XDG_STATE_HOME": dir, "MEDIC_VAR_tok": "Given0Token"])
        // The lines were read at the command prompt (the check's result takes no branch), then the input ended.
        #expect(run.status == 7, "\(run.output)\n\(run.error)")
        #expect(run.output.contains("medic › set tok=\(Masking.mask)"), "the secret's line is echoed, masked: \(run.output)")
        #expect(run.output.contains("set TOK=\(Masking.mask)") && run.output.contains("sett tok=\(Masking.mask)"), "\(run.output)")
        // A known non-secret's value is echoed: the test could see a value if one were there.
        #expect(run.output.contains("medic › set note=KeptValue9"), "\(run.output)")
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: dir) {
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
            }
        }
        #expect(files.contains("s/transcript.jsonl") && files.contains("s/transcript.md"), "\(files)")
        for value in values + ["Given0Token"] {
            #expect(!run.output.contains(value) && !run.error.contains(value), "on screen: \(value)\n\(run.output)\n\(run.error)")
            for file in files {
                let bytes = FileManager.default.contents(atPath: dir + "/" + file) ?? Data()
                #expect(bytes.range(of: Data(value.utf8)) == nil, "\(file) holds \(value)")
            }
        }
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
