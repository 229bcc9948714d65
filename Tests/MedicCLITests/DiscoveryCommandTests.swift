import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run` finding its inputs on the host: the inputs screen at a real terminal (accept,
/// `set`, a refused value), unattended runs that print and record it, and a secret asked late.
@Suite("Inputs found on the host", .serialized)
struct DiscoveryCommandTests {
    /// The inputs screen as the journal recorded it.
    static func inputReview(_ session: String) throws -> InputReviewRecord? {
        try SessionEvidence(directory: session).events.lazy.compactMap { if case .inputs(let review) = $0 { review } else { nil } }.first
    }

    static let runbook = "Tests/MedicCLITests/Fixtures/discover.yaml"

    /// A folder with a proxy config that listens on 127.0.0.1:28080 and proxies to 127.0.0.1:28001.
    static func host() throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        try """
        server {
            listen 127.0.0.1:28080;
            location / { proxy_pass http://127.0.0.1:28001; }
        }
        """.write(toFile: dir + "/proxy.conf", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("unattended, the screen is printed with every origin, the journal and the report record it, and a default is never silent")
    func unattended() throws {
        let dir = try Self.host()
        let run = try CommandLineTests().medic(["run", Self.runbook, "--var", "conf=\(dir)/proxy.conf", "--yes", "--transcript", "\(dir)/s"])
        #expect(run.status == 5, "\(run.output)\(run.error)")
        for line in [
            "conf      \(dir)/proxy.conf", "--var",
            "listen    127.0.0.1:28080", "discovered: the listen directives of the config",
            "app       127.0.0.1:28001", "discovered: the proxy_pass of the config",
            "! the default 127.0.0.1:8000 differs from what was found; using what was found",
            "login     no", "default", "password  (not given)", "secret: asked when the first step that reads it is reached",
            "$ echo 'app at 127.0.0.1:28001'",
        ] {
            #expect(run.output.contains(line), "missing: \(line)\n\(run.output)")
        }
        #expect(try Self.inputReview(dir + "/s")?.acceptedBy == "--yes")
        let report = try String(contentsOfFile: "\(dir)/s/transcript.md", encoding: .utf8)
        #expect(report.contains("- `app`: `127.0.0.1:28001` (discovered: the proxy_pass of the config)"))
        #expect(report.contains("  - flagged: the default 127.0.0.1:8000 differs from what was found"))
    }

    @Test("the proxy's own address given as the app's is refused before anything runs, saying what was found instead")
    func wrongAddressRefused() throws {
        let dir = try Self.host()
        let run = try CommandLineTests().medic([
            "run", Self.runbook, "--var", "conf=\(dir)/proxy.conf", "--var", "app=127.0.0.1:28080", "--yes", "--transcript", "\(dir)/s",
        ])
        #expect(run.status == 1)
        #expect(run.output.contains("! given 127.0.0.1:28080, but discovery found 127.0.0.1:28001"))
        #expect(run.output.contains("✗ refused: 127.0.0.1:28080 is where the proxy itself listens, not the app behind it"))
        #expect(run.error.contains("'app' is refused") && run.error.contains("nothing was run"))
        #expect(!run.output.contains("$ echo"), "no step ran")
    }

    @Test("a discovery that cannot read its file says so and the input falls back to its default")
    func unreadable() throws {
        let dir = try Self.host()
        let run = try CommandLineTests().medic(["run", Self.runbook, "--var", "conf=\(dir)/missing.conf", "--transcript", "\(dir)/s"])
        #expect(run.status == 5)
        #expect(run.output.contains("app       127.0.0.1:8000"))
        #expect(run.output.contains("· found nothing: exited 2: grep: \(dir)/missing.conf: No such file or directory"))
    }

    @Test("a --var-file with keys the runbook has no input for is used, and the keys are named once")
    func varFileUnrelatedKeys() throws {
        let dir = try Self.host()
        try "MEDIC_LAB_NGINX_PORT=28080\nconf=\(dir)/proxy.conf\nLAB_DIR=/tmp/lab\n".write(
            toFile: "\(dir)/lab.env", atomically: true, encoding: .utf8)
        let run = try CommandLineTests().medic(["run", Self.runbook, "--var-file", "\(dir)/lab.env", "--transcript", "\(dir)/s"])
        #expect(run.status == 5, "\(run.error)")
        #expect(run.output.contains("\(dir)/lab.env: ignoring 2 keys discover has no input for: MEDIC_LAB_NGINX_PORT (line 1), LAB_DIR (line 3)"))
        #expect(run.output.contains("--var-file \(dir)/lab.env:2"))
    }

    @Test(
        "at a terminal: a refused value blocks yes, set changes it, yes accepts, and the secret is asked when the login step is reached",
        .enabled(if: Terminal.available, "tmux is not installed"))
    func screenAtTheTerminal() throws {
        let dir = try Self.host()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(Self.runbook) --var conf=\(dir)/proxy.conf --var app=127.0.0.1:28080 --var login=yes --transcript \(dir)/s",
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        defer { terminal.close() }
        try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ")
        try terminal.type("yes")
        try terminal.send("Enter")
        try terminal.waitFor("'app' is refused: 127.0.0.1:28080 is where the proxy itself listens")
        try terminal.waitForPrompt("accept these values? yes, or set NAME=VALUE › ")
        try terminal.type("set app=127.0.0.1:28001")
        try terminal.send("Enter")
        try terminal.waitFor("typed by the operator")
        let before = try terminal.waitForPrompt("accept these values? yes, or set NAME=VALUE › ")
        #expect(!before.contains("password (input hidden)"), "the secret is not asked before step 1")
        try terminal.type("yes")
        try terminal.send("Enter")
        try terminal.waitFor("password (input hidden): ")
        let asked = try terminal.screen()
        #expect(asked.contains("$ echo 'app at 127.0.0.1:28001'"), "the first step ran before the secret was asked")
        try terminal.type("s3cret-pw")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(!screen.contains("s3cret-pw"))
        #expect(screen.contains("password is ••••"))
        let review = try #require(try Self.inputReview(dir + "/s"))
        #expect(review.acceptedBy == "operator" && review.entries.contains { $0.origin.contains("typed by the operator") }, "\(review)")
        let journal = try String(contentsOfFile: "\(dir)/s/transcript.jsonl", encoding: .utf8)
        #expect(!journal.contains("s3cret-pw"))
    }

    @Test(
        "unattended, the step that needs a secret nobody gave stops the run for a person; resumed at a terminal, the secret is asked there",
        .enabled(if: Terminal.available, "tmux is not installed"))
    func lateSecretThenResume() throws {
        let dir = try Self.host()
        let night = try CommandLineTests().medic([
            "run", Self.runbook, "--var", "conf=\(dir)/proxy.conf", "--var", "login=yes", "--transcript", "\(dir)/night",
        ])
        #expect(night.status == 7, "\(night.output)")
        #expect(night.output.contains("$ echo 'app at 127.0.0.1:28001'"), "the steps before it ran")
        #expect(night.output.contains("this step needs the secret 'password', and standard input is not a terminal to ask for it"))
        #expect(!night.output.contains("password is"), "the login step did not run")
        let terminal = try Terminal(
            "\(CommandLineTests.binary) resume \(dir)/night --transcript \(dir)/morning", environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        defer { terminal.close() }
        try terminal.waitFor("password (input hidden): ")
        try terminal.type("m0rning-pw")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(screen.contains("password is ••••") && !screen.contains("m0rning-pw"))
    }
}
