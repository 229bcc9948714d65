import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run` without a terminal: refusals, --yes, hostile values, secrets.
@Suite("medic run without a terminal")
struct RunCommandTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/actions.yaml"
    let cli = CommandLineTests()

    @Test(
        "without a terminal the run stops before the action, needing a person, even when stdin says yes",
        arguments: ["", "yes\nyes\nyes\n", "yes"])
    func stoppedWithoutTerminal(stdin: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--transcript", dir + "/s"], stdin: stdin)
        #expect(run.status == 7)
        #expect(run.output.contains("══ STOPPED before 'Leave the marker' (mark): needs a person"))
        #expect(run.output.contains("medic resume \(dir)/s"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/marker"))
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(evidence.confirmations.isEmpty, "nobody decided anything")
        let end = try #require(evidence.end)
        #expect(end.outcome == "needs-person" && end.stepID == "mark" && end.exitStatus == 7)
        #expect(end.summary.hasPrefix("stopped before mark: needs a person (standard input is not a terminal"))
    }

    @Test("--yes approves every action and the journal says so")
    func approvedByYes() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/s"])
        #expect(run.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/marker"))
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(!evidence.confirmations.isEmpty && evidence.confirmations.allSatisfy { $0.approved && $0.by == "--yes" })
        #expect(evidence.start?.flags == ["--yes"])
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("Approved by --yes"))
        #expect(run.output.contains("session: \(dir)/s"))
        #expect(run.output.contains("transcript: \(dir)/s/transcript.md"))
    }

    @Test("--dry-run shows the action and records it as not run")
    func dryRun() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--dry-run", "--transcript", dir + "/s"])
        #expect(run.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/marker"))
        #expect(try SessionEvidence(directory: dir + "/s").results.contains { $0.stepID == "mark" && $0.notRun == "dry run" })
    }

    @Test(
        "hostile values pass as data or are refused; no shell ever runs them",
        arguments: ["x; touch MARK", "$(touch MARK)", "`touch MARK`", "a' ; touch MARK ; '", "*"])
    func hostileAsData(template: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let value = template.replacing("MARK", with: dir + "/pwned")
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--var", "word=\(value)", "--yes", "--transcript", dir + "/s"])
        #expect(run.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"), "the value was executed")
        #expect(run.output.contains("arg=[\(value)]"))
        #expect(run.output.contains("env=[\(value)]"))
    }

    @Test("values that could become options or drive the terminal are refused before anything runs", arguments: ["--help", "a\nb", "\u{1B}[2J"])
    func hostileRefused(value: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--var", "word=\(value)", "--yes", "--transcript", dir + "/s"])
        #expect(run.status == 1)
        #expect(run.error.contains("input 'word'"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "nothing started")
    }

    @Test("a broken runbook prints located errors and nothing runs")
    func brokenRunbook() throws {
        let dir = try TestSupport.temporaryDirectory()
        try
            "medic: 1\nid: x\ntitle: t\nsteps:\n  a:\n    kind: check\n    title: A\n    why: w\n    command: [touch, \(dir)/ran]\n    branches:\n      - otherwise: nowhere\n"
            .write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let run = try cli.medic(["run", dir + "/bad.yaml", "--yes", "--transcript", dir + "/s"])
        #expect(run.status == 2)
        #expect(run.error.contains("\(dir)/bad.yaml:11:"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/ran"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"))
    }

    @Test("unknown inputs, secrets on the command line and readable secret files are refused")
    func inputRefusals() throws {
        let dir = try TestSupport.temporaryDirectory()
        let unknown = try cli.medic(["run", Self.runbook, "--var", "dri=\(dir)", "--transcript", dir + "/s"])
        #expect(unknown.status == 1 && unknown.error.contains("did you mean 'dir'"))
        let missing = try cli.medic(["run", Self.runbook, "--transcript", dir + "/s"])
        #expect(missing.status == 1 && missing.error.contains("input 'dir' has no value"))

        let runbook = dir + "/secret.yaml"
        try secretRunbook.write(toFile: runbook, atomically: true, encoding: .utf8)
        let onLine = try cli.medic(["run", runbook, "--var", "token=abc", "--transcript", dir + "/s"])
        #expect(onLine.status == 1 && onLine.error.contains("'token' is secret"))
        try "token=abc\n".write(toFile: dir + "/vars", atomically: true, encoding: .utf8)
        chmod(dir + "/vars", 0o644)
        let readable = try cli.medic(["run", runbook, "--var-file", dir + "/vars", "--transcript", dir + "/s"])
        #expect(readable.status == 1 && readable.error.contains("chmod 600"))
        chmod(dir + "/vars", 0o600)
        let fine = try cli.medic(
            ["run", runbook, "--var-file", dir + "/vars", "--var", "url=http://127.0.0.1:9/x", "--transcript", dir + "/s"],
            environment: ["XDG_STATE_HOME": dir])
        // The inputs are accepted; the login is unverified (a POST), and without a terminal
        // nobody can confirm its first run: the run stops there, needing a person.
        #expect(fine.status == 7, "\(fine.output)\(fine.error)")
        #expect(fine.output.contains("an unverified check runs the first time only after a person confirms it"), "\(fine.output)")
    }

    @Test("an optional secret without a terminal stays empty instead of stopping the run")
    func optionalSecretWithoutTerminal() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic([
            "run", "runbooks/starter.yaml", "--var", "service_url=http://127.0.0.1:9/health", "--var", "service_port=9", "--transcript", dir + "/s",
        ])
        #expect(!run.error.contains("api_token"), "\(run.error)")
        #expect(FileManager.default.fileExists(atPath: dir + "/s/transcript.jsonl"), "the run started")
    }

    let secretRunbook = """
        medic: 1
        id: secret
        title: A login with a secret
        inputs:
          token: {type: secret}
          url: {type: url}
        steps:
          login:
            kind: check
            title: Log in
            why: w
            read_only: {reason: the fixture server only echoes the request}
            http:
              method: POST
              url: "${url}"
              headers: {Authorization: "Basic ${token}", X-Token: "${token}"}
              json: {user: alice, password: "${token}"}
            branches:
              - otherwise: env
          env:
            kind: check
            title: A script that prints the secret and waits
            why: w
            script: printf 'secret is %s\\n' "$TOKEN"; sleep 1
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a planted secret echoed back by the server appears in no file, not on screen, not in ps")
    func plantedSecret() throws {
        let secret = "p\"a%s$w'o\\rd"
        let server = try FixtureServer()
        defer { server.stop() }
        let dir = try TestSupport.temporaryDirectory()
        try secretRunbook.write(toFile: dir + "/secret.yaml", atomically: true, encoding: .utf8)
        // Watch ps while the run goes on.
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        watcher.arguments = ["-c", "for i in $(seq 1 40); do ps auxww; sleep 0.05; done > \(dir)/ps.txt"]
        try watcher.run()
        let run = try cli.medic(
            ["run", dir + "/secret.yaml", "--var", "url=\(server.url("/echo?reflect=1"))", "--yes", "--transcript", dir + "/s"],
            environment: ["MEDIC_VAR_token": secret, "XDG_STATE_HOME": dir]
        )
        watcher.waitUntilExit()
        #expect(run.status == 5, "\(run.output)\(run.error)")
        #expect(run.output.contains("secret is ••••"))
        #expect(run.output.contains("POST /echo"), "the server echoed the request")
        let forms = [
            secret, Data(secret.utf8).base64EncodedString().dropLast(2).description,
            secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret, "p\\\"a%s$w'o\\\\rd",
        ]
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir + "/s")
        #expect(files.contains("transcript.jsonl") && files.contains("session.cast"))
        let journal = try String(contentsOfFile: dir + "/s/transcript.jsonl", encoding: .utf8)
        #expect(journal.contains("{\"name\":\"X-Reflected\",\"value\":\"••••\"}"), "the response header that echoed the secret is masked")
        for file in files {
            guard let data = FileManager.default.contents(atPath: dir + "/s/" + file) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for form in forms { #expect(!text.contains(form), "\(file) holds the secret as \(form)") }
        }
        for form in forms { #expect(!run.output.contains(form) && !run.error.contains(form)) }
        let ps = try String(contentsOfFile: dir + "/ps.txt", encoding: .utf8)
        #expect(ps.contains("sleep 1"), "ps ran while the script did")
        #expect(!ps.contains(secret))
    }
}
