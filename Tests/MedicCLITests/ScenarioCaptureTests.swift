import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import MedicTranscript
import Testing

/// `medic scenario capture`: a real run becomes a scenario that `medic test` replays.
@Suite("medic scenario capture")
struct ScenarioCaptureTests {
    static let fixture = TestSupport.repositoryRoot + "/Tests/MedicCLITests/Fixtures/capture.yaml"
    let cli = CommandLineTests()

    /// A folder holding a copy of the fixture runbook, and a real run of it with --yes and no terminal.
    func realRun() throws -> (folder: String, runbook: String, session: String) {
        let folder = try TestSupport.temporaryDirectory()
        let runbook = folder + "/capture.yaml"
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: runbook)
        let session = folder + "/session"
        let run = try cli.medic(["run", runbook, "--yes", "--transcript", session], in: folder)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        return (folder, runbook, session)
    }

    @Test("a captured run passes medic test against its runbook, and fails once a branch of the runbook changes")
    func roundTrip() throws {
        let (folder, runbook, session) = try realRun()
        try FileManager.default.createDirectory(atPath: folder + "/capture.scenarios", withIntermediateDirectories: false)
        let file = folder + "/capture.scenarios/real.yaml"
        let capture = try cli.medic(["scenario", "capture", session, "-o", file], in: folder)
        try #require(capture.status == 0, "\(capture.error)")

        let loaded = ScenarioLoader().load(file)
        let scenario = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(scenario.name == "real")
        #expect(scenario.captured?.session == session)
        #expect(scenario.captured?.runbook == runbook)
        #expect(scenario.inputs == ["site": #"shop: "main""#])
        // The output as the run printed it, read back from the session's output file.
        #expect(scenario.results["status"]?.first?.output == "state: \"down\" for shop: \"main\"\n  indented line\nünïcode ✓\n\n")
        #expect(scenario.results["probe"]?.map(\.exitStatus) == [1])
        #expect(scenario.answers == ["fix": "yes"])
        #expect(scenario.expectedOutcome == .resolved)
        #expect(scenario.expectedPath == ["status", "probe", "fix", "verify", "fixed"])
        #expect(scenario.expectedActions == ["fix"])

        let passed = try cli.medic(["test", runbook], in: folder)
        #expect(passed.status == 0, "\(passed.output)\(passed.error)")
        #expect(passed.output.contains("PASS real"), "\(passed.output)")

        // The failing check now leads to `healthy`: the recorded incident no longer walks the same way.
        let text = try String(contentsOfFile: runbook, encoding: .utf8)
        let changed = text.replacingOccurrences(
            of: "      - when: {succeeded: false}\n        next: fix", with: "      - when: {succeeded: false}\n        next: healthy")
        try #require(changed != text)
        try changed.write(toFile: runbook, atomically: true, encoding: .utf8)
        let failed = try cli.medic(["test", runbook], in: folder)
        #expect(failed.status == 6, "\(failed.output)\(failed.error)")
        #expect(failed.output.contains("FAIL real"), "\(failed.output)")
    }

    @Test("capture refuses a torn journal, a run that did not end and a dry run, saying why, and never overwrites without --force")
    func refusals() throws {
        let (folder, runbook, session) = try realRun()
        let file = folder + "/out.yaml"
        #expect(try cli.medic(["scenario", "capture", session, "-o", file], in: folder).status == 0)
        let again = try cli.medic(["scenario", "capture", session, "-o", file], in: folder)
        #expect(again.status == 1 && again.error.contains("exists; pass --force"), "\(again.error)")
        #expect(try cli.medic(["scenario", "capture", session, "-o", file, "--force"], in: folder).status == 0)

        // Torn: the last line cut in half, as a kill -9 while writing leaves it.
        let journal = session + "/transcript.jsonl"
        let whole = try String(contentsOfFile: journal, encoding: .utf8)
        try String(whole.dropLast(20)).write(toFile: journal, atomically: true, encoding: .utf8)
        let torn = try cli.medic(["scenario", "capture", session], in: folder)
        #expect(torn.status == 1 && torn.error.contains("is damaged") && torn.error.contains("incomplete"), "\(torn.error)")
        #expect(torn.output.isEmpty)

        // Did not end: whole lines, but no end record.
        let lines = whole.split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let unended = try cli.medic(["scenario", "capture", session], in: folder)
        #expect(unended.status == 1 && unended.error.contains("did not end"), "\(unended.error)")

        let dry = folder + "/dry"
        #expect(try cli.medic(["run", runbook, "--dry-run", "--yes", "--transcript", dry], in: folder).status == 0)
        let dryCapture = try cli.medic(["scenario", "capture", dry], in: folder)
        #expect(dryCapture.status == 1 && dryCapture.error.contains("was a dry run"), "\(dryCapture.error)")
    }
    @Test("a scenario larger than a scenario file may be is refused at capture, nothing written, rather than written for medic test to refuse")
    func tooLargeToLoad() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Each step's output is kept as its first and last MiB: nine of them are more than 16 MiB.
        let runbook = """
            medic: 1
            id: large
            title: Large outputs
            steps:
              s0:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s1
              s1:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s2
              s2:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s3
              s3:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s4
              s4:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s5
              s5:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s6
              s6:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s7
              s7:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: s8
              s8:
                kind: check
                title: Print 3 MB
                why: w
                script: head -c 3000000 /dev/zero | tr '\\0' 'x'
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        try runbook.write(toFile: folder + "/large.yaml", atomically: false, encoding: .utf8)
        let run = try cli.medic(["run", folder + "/large.yaml", "--yes", "--transcript", folder + "/session"], in: folder)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        let capture = try cli.medic(["scenario", "capture", folder + "/session", "-o", folder + "/run.yaml"], in: folder)
        #expect(capture.status != 0)
        #expect(capture.error.contains("more than the 16 MiB a scenario file may be; nothing was written"), "\(capture.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/run.yaml"))
    }

}

/// The scenario writer: every text reads back, through the scenario loader, exactly as it was.
@Suite("scenario writer")
struct ScenarioWriterTests {
    static let awkward = [
        "", "plain", "key: value", "\"quoted\" and 'single'", "  leading spaces", "trailing spaces  ", "line one\nline two\n",
        "no final newline\nsecond", "two final newlines\n\n\n", "\n\nleading blank lines\n", "  indented\nblock\n", "ünïcode ✓ 日本語\n",
        "tab\there\n", "carriage\r\nreturn\n", "# not a comment\n- not a list\n", "yes", "no", "null", "~", "0123", "-1", "@at", "---\n...\n",
        "bell\u{07} del\u{7F} nel\u{85} bom\u{FEFF} ls\u{2028}", "{flow: [mapping]}", "&anchor *alias !tag %directive |",
    ]

    func provenance() -> ScenarioProvenance {
        ScenarioProvenance(
            session: "/tmp/s: x", started: "2026-11-21T03:12:07.123Z", at: "2026-11-21T04:00:00.000Z", medic: "medic 0.1.0 (commit x)",
            runMedic: "0.1.0", runbook: "/r/x.yaml", sha256: "ab")
    }

    @Test("awkward outputs, headers and inputs read back exactly", arguments: awkward)
    func readsBack(_ text: String) throws {
        var captured = CapturedScenario(name: text.isEmpty ? "empty" : text, runbookID: "x", provenance: provenance())
        captured.inputs = [InputValue(name: "site", value: text, secret: false), InputValue(name: "token", value: "••••", secret: true)]
        captured.results = [
            "check": [StepResult(exitStatus: 0, output: text), StepResult(exitStatus: 2, output: text + "x", timedOut: true)],
            "web": [StepResult(output: text, httpStatus: 502, headers: [HTTPHeader(name: "Server", value: text)])],
            "gone": [StepResult(failureReason: text.isEmpty ? "not found" : text)],
        ]
        captured.resultOrder = ["check", "web", "gone"]
        captured.answers = [("pick", text)]
        captured.path = ["check", "web", "gone"]
        captured.cause = "none"
        let folder = try TestSupport.temporaryDirectory()
        let file = folder + "/s.yaml"
        let yaml = ScenarioWriter.yaml(captured)
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = ScenarioLoader().load(file)
        let scenario = try #require(loaded.scenario, "\(loaded.diagnostics)\n\(yaml)")
        #expect(scenario.name == captured.name)
        #expect(scenario.inputs == ["site": text], "\(yaml)")
        #expect(!yaml.contains("••••"), "a secret input is left out, with a comment")
        #expect(yaml.contains("# token is a secret"))
        #expect(scenario.results["check"]?.map(\.output) == [text, text + "x"], "\(yaml)")
        #expect(scenario.results["check"]?.map(\.exitStatus) == [0, 2])
        #expect(scenario.results["check"]?.map(\.timedOut) == [false, true])
        #expect(scenario.results["web"]?.first?.output == text)
        #expect(scenario.results["web"]?.first?.httpStatus == 502)
        #expect(scenario.results["web"]?.first?.headers == [HTTPHeader(name: "Server", value: text)])
        #expect(scenario.results["gone"]?.first?.exitStatus == nil, "a step that could not run is no success")
        #expect(scenario.results["gone"]?.first?.failureReason == (text.isEmpty ? "not found" : text))
        #expect(scenario.answers == ["pick": text])
        #expect(scenario.captured == provenance())
    }

    @Test("readable multi-line output is written as a literal block, not as an escaped line")
    func literalBlocks() {
        #expect(ScenarioWriter.scalar("docker") == "docker")
        #expect(ScenarioWriter.scalar("yes") == "\"yes\"")
        #expect(ScenarioWriter.scalar("a: b") == "\"a: b\"")
        var captured = CapturedScenario(name: "n", runbookID: "x", provenance: provenance())
        captured.results = ["log": [StepResult(exitStatus: 0, output: "one\ntwo\n")]]
        captured.resultOrder = ["log"]
        #expect(ScenarioWriter.yaml(captured).contains("    output: |\n      one\n      two\n"))
    }
}

/// The completion scripts know the new subcommand and what its arguments are.
@Suite("scenario capture completion")
struct ScenarioCaptureCompletionTests {
    @Test("bash completion offers scenario capture, directories for DIR and YAML files for -o")
    func bash() throws {
        let script = try CommandLineTests().medic(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        #expect(script.output.contains("_medic_scenario_capture"), "\(script.output.prefix(400))")
        let capture = try #require(script.output.range(of: "_medic_scenario_capture()"))
        let body = script.output[capture.upperBound...].prefix(2000)
        #expect(body.contains("-o") && body.contains("yaml"), "\(body)")
    }

}
