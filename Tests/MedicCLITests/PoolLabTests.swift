import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run runbooks/upstream-pool.yaml` against the lab's multi-host incidents (`lab/up
/// pool-*`): nginx on host 127.0.0.11 in front of an upstream pool on 127.0.0.12-14, every host a
/// real sshd (lab/sshd) with its own supervisord and app, reached by Medic through the system's
/// ssh with the lab's ssh_config (`MEDIC_SSH_OPTIONS=-F ...`, host keys checked). A suite inside
/// LabTests, so that `.serialized` runs it one test at a time with the others: they share the
/// lab's directory and ports.
extension LabTests {
    @Suite(
        "end-to-end: upstream-pool.yaml against the lab's pool of hosts over ssh", .serialized,
        .enabled(if: Lab.enabled, "set MEDIC_LAB_TESTS=1 (make e2e) to run them: they start sshd, nginx, supervisord and apps on loopback"),
        .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"))
    struct PoolLabTests {
        static let runbook = TestSupport.repositoryRoot + "/runbooks/upstream-pool.yaml"

        /// How a run gets its inputs: every one given by hand, or only what a responder knows (the
        /// site's URL and nginx's host) with the rest discovered on nginx's host over ssh. Both
        /// must reach the same ending for the same reasons.
        enum Inputs: String, Sendable, CaseIterable, CustomTestStringConvertible {
            case byHand = "every input given by hand"
            case discovered = "the site URL and nginx_host given, the rest discovered over ssh"
            var testDescription: String { rawValue }
        }

        @Test("pool-one-down with --yes: finds the one host whose app is stopped and restarts it there only", arguments: Inputs.allCases)
        func oneDownUnattended(inputs: Inputs) throws {
            let lab = try Lab("pool-one-down")
            defer { lab.down() }
            let before = try Self.apps(lab)
            let (status, screen, evidence) = try Self.runUnattended(lab, inputs: inputs)
            #expect(evidence.start?.flags == ["--yes"])
            try Self.checkInputs(inputs, lab: lab, screen: screen, evidence: evidence)
            try Self.checkOneDownFixed(lab, before: before, status: status, screen: screen, evidence: evidence, approver: "--yes")
        }

        @Test(
            "pool-one-down at a terminal: the batch is shown and typed yes to, and only that host is restarted",
            .enabled(if: Terminal.available, "tmux is not installed"))
        func oneDownAtTerminal() throws {
            let lab = try Lab("pool-one-down")
            defer { lab.down() }
            let before = try Self.apps(lab)
            let dir = try TestSupport.temporaryDirectory()
            let runtime = try Self.shortDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let terminal = try Terminal(
                "\(CommandLineTests.binary) run '\(Self.runbook)' --var 'nginx_host=\(lab["NGINX_HOST"])' --var 'site_url=\(lab["SITE_URL"])' --transcript '\(dir)/session'",
                environment: Self.medicEnvironment(lab, state: dir, runtime: runtime))
            // Discovery ran on nginx's host: the inputs screen asks once to accept what it found.
            try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ", timeout: 120)
            let inputsScreen = try terminal.screen()
            #expect(inputsScreen.contains("discovered on \(lab["NGINX_HOST"])"), "\(inputsScreen)")
            try terminal.type("yes")
            try terminal.send("Enter")
            let (status, screen) = try LabTests.confirmEveryAction(terminal, timeout: 240)
            #expect(screen.contains("batch 1 of 1"), "the batch is shown before it is confirmed:\n\(screen)")
            let evidence = try SessionEvidence(directory: dir + "/session")
            #expect(evidence.start?.interactive == true)
            #expect(evidence.inputReview?.acceptedBy == "operator")
            #expect(evidence.inputReview?.entries.first { $0.name == "upstream" }?.origin.hasPrefix("discovered on \(lab["NGINX_HOST"]): ") == true)
            let approver = evidence.start?.operatorName ?? "?"
            #expect(approver != "--yes")
            try Self.checkOneDownFixed(lab, before: before, status: status, screen: screen, evidence: evidence, approver: approver)
        }

        @Test("pool-stale with --yes: names the retired member as a stale entry and touches nothing", arguments: Inputs.allCases)
        func staleUnattended(inputs: Inputs) throws {
            let lab = try Lab("pool-stale")
            defer { lab.down() }
            let retired = lab["RETIRED_HOST"]
            let before = try Self.apps(lab)
            let (status, screen, evidence) = try Self.runUnattended(lab, inputs: inputs)
            try Self.checkInputs(inputs, lab: lab, screen: screen, evidence: evidence)
            let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
            #expect(status == 3, "\(context)")
            #expect(evidence.end?.outcome == "escalate" && evidence.end?.cause == "stale-upstream", "\(context)")
            #expect(evidence.end?.stepID == "stale-member")
            #expect(evidence.path == ["upstreams", "from-nginx", "member-state", "stale-member"], "\(context)")
            #expect(evidence.actionRuns.isEmpty && evidence.confirmations.isEmpty, "nothing was to be changed")
            // Why: the member does not answer nginx's host, and ssh cannot reach it.
            #expect(evidence.because(from: "from-nginx")?.hasSuffix("(the first, \(retired))") == true, "\(evidence.branches)")
            #expect(evidence.because(from: "member-state") == "ssh cannot reach \(retired), which nginx still lists")
            let state = try #require(evidence.hostsRecords.first { $0.stepID == "member-state" })
            #expect(state.hosts.map(\.host) == [retired] && state.hosts.allSatisfy(\.unreachable), "\(state)")
            #expect(evidence.end?.summary.contains("lists \(retired),") == true, "\(evidence.end?.summary ?? "")")
            // The world: every app kept its pid.
            #expect(try Self.apps(lab) == before)
        }

        @Test("pool-healthy with --yes: every member answers, no fault, nothing run over ssh but checks", arguments: Inputs.allCases)
        func healthyUnattended(inputs: Inputs) throws {
            let lab = try Lab("pool-healthy")
            defer { lab.down() }
            let before = try Self.apps(lab)
            let (status, screen, evidence) = try Self.runUnattended(lab, inputs: inputs)
            try Self.checkInputs(inputs, lab: lab, screen: screen, evidence: evidence)
            #expect(status == 5, "\(screen)")
            #expect(evidence.end?.outcome == "no-fault" && evidence.end?.stepID == "pool-answers", "\(screen)")
            #expect(evidence.because(from: "from-nginx") == "all 3 members answer from nginx's host")
            #expect(evidence.actionRuns.isEmpty)
            #expect(try Self.apps(lab) == before)
        }

        @Test("discovery over ssh that cannot reach nginx's host falls back to the defaults, says why, and the walk names the host")
        func discoveryHostUnreachable() throws {
            let lab = try Lab("pool-healthy")
            defer { lab.down() }
            // An address of the lab's loopback range where no sshd listens: ssh is refused there.
            let gone = "127.0.0.\(12 + lab["APP_HOSTS"].split(separator: " ").count)"
            let before = try Self.apps(lab)
            let (status, screen, evidence) = try Self.runUnattended(lab, vars: [("nginx_host", gone), ("site_url", lab["SITE_URL"])])
            let review = try #require(evidence.inputReview, "no inputs record\n\(screen)")
            for name in ["upstream", "health_path"] {
                let entry = try #require(review.entries.first { $0.name == name })
                #expect(entry.origin == "default", "\(entry)")
                #expect(entry.notes.count == 1 && entry.notes[0].hasPrefix("found nothing: ssh could not reach \(gone)"), "\(entry)")
                // The screen says it too, under the input.
                #expect(screen.contains("· found nothing: ssh could not reach \(gone)"), "\(screen)")
            }
            #expect(review.entries.first { $0.name == "upstream" }?.value == "app_pool")
            // The walk then meets the same host and says so; nothing changed anywhere.
            #expect(status == 3, "\(screen)")
            #expect(evidence.path == ["upstreams", "nginx-host-unreachable"], "\(evidence.path)")
            #expect(evidence.because(from: "upstreams") == "ssh could not reach \(gone)")
            #expect(evidence.actionRuns.isEmpty)
            #expect(try Self.apps(lab) == before)
        }

        @Test("an upstream given by hand that nginx does not use is flagged with what discovery found, and the walk says it is not there")
        func wrongUpstreamFlagged() throws {
            let lab = try Lab("pool-healthy")
            defer { lab.down() }
            let web = lab["NGINX_HOST"]
            let (status, screen, evidence) = try Self.runUnattended(
                lab, vars: [("nginx_host", web), ("site_url", lab["SITE_URL"]), ("upstream", "old_pool")])
            let upstream = try #require(evidence.inputReview?.entries.first { $0.name == "upstream" }, "no inputs record\n\(screen)")
            // The operator's value is kept (it is theirs), flagged with what nginx's host shows.
            #expect(upstream.value == "old_pool" && upstream.origin == "--var", "\(upstream)")
            #expect(upstream.flags == ["given old_pool, but discovery found app_pool"], "\(upstream)")
            #expect(screen.contains("! given old_pool, but discovery found app_pool"), "\(screen)")
            // The walk does not take the wrong name for a pool: nginx has no such block.
            #expect(status == 3, "\(screen)")
            #expect(evidence.path == ["upstreams", "no-pool"], "\(evidence.path)")
            #expect(evidence.because(from: "upstreams") == "nginx -T on \(web) shows no upstream old_pool with servers")
            #expect(evidence.actionRuns.isEmpty)
        }

        // MARK: - What the inputs must show

        /// By hand: every value is the operator's, and discovery on nginx's host agrees (nothing
        /// flagged). Discovered: the upstream and the health path were found on nginx's host, over
        /// ssh, and are the values given by hand; the supervisor program, which nothing on nginx's
        /// host names, is the default.
        static func checkInputs(_ inputs: Inputs, lab: Lab, screen: String, evidence: SessionEvidence) throws {
            let review = try #require(evidence.inputReview, "no inputs record\n\(screen)")
            let entries = Dictionary(review.entries.map { ($0.name, $0) }) { first, _ in first }
            #expect(review.acceptedBy == "--yes")
            for (name, value) in byHand {
                #expect(entries[name]?.value == value, "\(name): \(String(describing: entries[name]))")
                #expect(entries[name]?.flags == [], "\(name): \(String(describing: entries[name]))")
            }
            let web = lab["NGINX_HOST"]
            switch inputs {
            case .byHand:
                for (name, _) in byHand { #expect(entries[name]?.origin == "--var", "\(name): \(String(describing: entries[name]))") }
            case .discovered:
                #expect(entries["upstream"]?.origin == "discovered on \(web): the upstream block the site's server proxies to (nginx -T)")
                #expect(
                    entries["health_path"]?.origin
                        == "discovered on \(web): the first usual health path (/health, /healthz, /ready, /status, /ping) a member of the pool answers 200 on"
                )
                #expect(entries["app_service"]?.origin == "default")
                #expect(entries["site_url"]?.value == lab["SITE_URL"] && entries["nginx_host"]?.origin == "--var")
                #expect(screen.contains("discovered on \(web): the upstream block"), "\(screen)")
            }
        }

        /// Every input of upstream-pool.yaml but nginx's host and the site's URL (given in both
        /// runs), as the lab has them.
        static let byHand = [("upstream", "app_pool"), ("health_path", "/health"), ("app_service", "app")]

        // MARK: - What the fix must show

        static func checkOneDownFixed(
            _ lab: Lab, before: [String: String], status: Int32, screen: String, evidence: SessionEvidence, approver: String
        ) throws {
            let down = lab["DOWN_HOST"]
            let others = lab["APP_HOSTS"].split(separator: " ").map(String.init).filter { $0 != down }
            let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
            #expect(down == "127.0.0.13" && others == ["127.0.0.12", "127.0.0.14"])
            #expect(before[down]?.hasPrefix("STOPPED") == true, "\(before)")

            // The conclusion, in the exit status and the journal.
            let end = try #require(evidence.end, "no end record\n\(context)")
            #expect(status == 0, "\(context)")
            #expect(end.outcome == "resolved" && end.cause == "upstream-not-listening" && end.stepID == "restarted", "\(end)")
            #expect(
                evidence.path == ["upstreams", "from-nginx", "member-state", "restart", "answers-again", "restarted"],
                "\(context)")

            // The reasons, as the journal (and transcript.md) give them, name the right host.
            #expect(evidence.because(from: "upstreams") == "the upstream block app_pool lists 3 servers")
            #expect(evidence.because(from: "from-nginx") == "members that do not answer from nginx's host: 1 (the first, \(down))")
            #expect(evidence.because(from: "member-state") == "supervisor says the app is not running on \(down)")
            #expect(evidence.because(from: "restart") == "supervisor restarted the app on \(down), and it runs again there")
            #expect(evidence.because(from: "answers-again") == "every restarted member answers from nginx's host")
            let report = try String(contentsOfFile: evidence.directory + "/transcript.md", encoding: .utf8)
            #expect(report.contains("supervisor says the app is not running on \(down)"), "\(report)")

            // Over ssh, the state was asked of the silent host only, and the restart ran there only,
            // in one batch, approved.
            let state = try #require(evidence.hostsRecords.first { $0.stepID == "member-state" })
            #expect(state.hosts.map(\.host) == [down] && state.hosts.first?.exitStatus == 3, "\(state)")
            let restarts = evidence.hostsRecords.filter { $0.stepID == "restart" }
            #expect(restarts.map { $0.hosts.map(\.host) } == [[down]], "\(restarts)")
            #expect(restarts.first?.hosts.first?.succeeded == true)
            #expect(evidence.actionRuns.map(\.stepID) == ["restart"])
            #expect(evidence.confirmationProblems(approver: approver).isEmpty, "\(evidence.confirmationProblems(approver: approver))")
            #expect(evidence.hostsRecords.allSatisfy { record in record.hosts.allSatisfy { others.contains($0.host) == false } })

            // The world, asked of each host's supervisord and app without Medic: the app runs again
            // on the host that was down and answers there; the others kept their pids.
            let after = try Self.apps(lab)
            #expect(after[down]?.hasPrefix("RUNNING") == true, "\(after)")
            for host in others { #expect(after[host] == before[host], "\(host): \(before[host] ?? "-") → \(after[host] ?? "-")") }
            #expect(try lab.status(of: "http://\(down):\(lab["APP_PORT"])/health") == 200)
            #expect(try lab.status(of: lab["SITE_URL"]) == 200)
        }

        // MARK: - Helpers

        /// `medic run` with --yes, standard input on /dev/null, given `inputs`.
        static func runUnattended(_ lab: Lab, inputs: Inputs) throws -> (Int32, String, SessionEvidence) {
            // What a responder knows: nginx's host and the failing site's URL, given in both runs.
            let known = [("nginx_host", lab["NGINX_HOST"]), ("site_url", lab["SITE_URL"])]
            switch inputs {
            case .byHand: return try runUnattended(lab, vars: known + byHand)
            case .discovered: return try runUnattended(lab, vars: known)
            }
        }

        /// `medic run` with --yes, standard input on /dev/null, each of `vars` given with --var.
        static func runUnattended(_ lab: Lab, vars: [(String, String)]) throws -> (Int32, String, SessionEvidence) {
            let dir = try TestSupport.temporaryDirectory()
            let runtime = try shortDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let run = try Spawn.run(
                [CommandLineTests.binary, "run", runbook] + vars.flatMap { ["--var", "\($0.0)=\($0.1)"] } + [
                    "--yes", "--transcript", dir + "/session",
                ],
                environment: medicEnvironment(lab, state: dir, runtime: runtime), timeout: 240)
            return (run.status, run.output, try SessionEvidence(directory: dir + "/session"))
        }

        /// The lab's ssh_config for Medic's ssh, and a runtime directory of the test's own for its
        /// control sockets (short: a unix socket's path holds 107 bytes).
        static func medicEnvironment(_ lab: Lab, state: String, runtime: String) -> [String: String] {
            ["NO_COLOR": "1", "XDG_STATE_HOME": state, "XDG_RUNTIME_DIR": runtime, "MEDIC_SSH_OPTIONS": lab["SSH_OPTIONS"]]
        }

        static func shortDirectory() throws -> String {
            var template = Array("/tmp/medic-pool.XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))") }
            return String(cString: made)
        }

        /// `supervisorctl status app` on each app host, asked of that host's supervisord directly:
        /// host → "RUNNING 1234" or "STOPPED".
        static func apps(_ lab: Lab) throws -> [String: String] {
            var apps: [String: String] = [:]
            for host in lab["APP_HOSTS"].split(separator: " ").map(String.init) {
                let conf = lab["SSH_HOSTS_DIR"] + "/" + host + "/supervisord.conf"
                let status = try Spawn.run(["/usr/bin/supervisorctl", "-c", conf, "status", "app"], timeout: 30)
                let line = status.output.trimmingCharacters(in: .whitespacesAndNewlines)
                if let match = line.firstMatch(of: /^app\s+(\S+)\s+pid (\d+),/) {
                    apps[host] = "\(match.1) \(match.2)"
                } else {
                    apps[host] = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? line
                }
            }
            return apps
        }
    }
}

extension SessionEvidence {
    /// The `hosts` records (one per host-set run, and per batch of a rollout), in order.
    var hostsRecords: [HostsRecord] { events.compactMap { if case .hosts(let record) = $0 { record } else { nil } } }
    /// The inputs screen as the journal recorded it.
    var inputReview: InputReviewRecord? { events.lazy.compactMap { if case .inputs(let review) = $0 { review } else { nil } }.first }
    /// The `because` of the last branch taken from `step`.
    func because(from step: String) -> String? { branches.last { $0.from == step }?.because }
}
