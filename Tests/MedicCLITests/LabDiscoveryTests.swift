import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// Zero-config runs (issue 15): `medic run runbooks/nginx-502.yaml --yes` given only the failing
/// site's URL and the login user, the password in the environment, against the real lab. Medic
/// discovers the rest on the host (nginx's config and logs, its upstreams, who listens there and
/// what keeps it running, the app's neighbours) and must reach the diagnosis the same walk
/// reaches with every input given by hand. A suite inside LabTests, so that `.serialized` runs it
/// one test at a time with the others: they share the lab's directory and ports.
extension LabTests {
    @Suite(
        "end-to-end: nginx-502.yaml discovers its inputs in the incident lab", .serialized,
        .enabled(if: Lab.enabled, "set MEDIC_LAB_TESTS=1 (make e2e) to run them: they start nginx, supervisord and an app on loopback"))
    struct DiscoveryLabTests {
        /// The scenarios whose walk changes nothing, so that the same lab serves both runs.
        static let readOnly =
            LabExpectation.withoutOOM + [LabExpectation.oomOwnLimit] + LabExpectation.otherUpstreams
            + ["docker", "compose"].flatMap { runtime in LabExpectation.onEngine(runtime).filter { $0.actions.isEmpty } }

        /// The scenarios whose walk stops and restarts things: one zero-config run on a fresh lab,
        /// held to what the runs given every input by hand must conclude (LabTests).
        static let fixing = ["docker", "compose"].flatMap { runtime in LabExpectation.onEngine(runtime).filter { !$0.actions.isEmpty } }

        @Test("given only the site's URL and the login user, the same diagnosis as with every input by hand", arguments: readOnly)
        func sameDiagnosis(_ expected: LabExpectation) throws {
            let lab = try Lab(expected.scenario, runtime: expected.runtime, upstream: expected.upstream)
            defer { lab.down() }
            let walks = LabTests()
            let (_, byHandScreen, byHand) = try walks.runUnattended(lab, flags: ["--yes"])
            let (status, screen, discovered) = try walks.runUnattended(lab, flags: ["--yes"], inputs: lab.siteOnly)
            let ends = (byHand.end, discovered.end)
            #expect(
                ends.0?.outcome == ends.1?.outcome && ends.0?.cause == ends.1?.cause && ends.0?.stepID == ends.1?.stepID,
                "by hand: \(byHand.path.joined(separator: " → "))\n\(byHandScreen)\ndiscovered: \(discovered.path.joined(separator: " → "))")
            try walks.check(discovered, status: status, screen: screen, expected, lab: lab, approver: "--yes")
            try expectDiscovered(screen, lab: lab)
        }

        @Test(
            "oom, given only the site's URL and the login user",
            .enabled(if: Lab.oomUnsupportedReason == nil, Comment(rawValue: LabTests.oomNeeds)))
        func oom() throws {
            try zeroConfig(.oom)
        }

        @Test("on a Docker engine, the runs that stop and restart things, given only the site's URL and the login user", arguments: fixing)
        func fixingOnEngine(_ expected: LabExpectation) throws {
            try zeroConfig(expected)
        }

        @Test("an app on a unix socket: the socket is the upstream, its supervisord program keeps it, and the walk ends as by hand")
        func unixSocket() throws {
            let expected = LabExpectation.healthyOnSocket
            let lab = try Lab(expected.scenario, upstream: expected.upstream)
            defer { lab.down() }
            let walks = LabTests()
            let (_, _, byHand) = try walks.runUnattended(lab, flags: ["--yes"])
            let (status, screen, discovered) = try walks.runUnattended(lab, flags: ["--yes"], inputs: lab.siteOnly)
            #expect(byHand.end?.stepID == discovered.end?.stepID && byHand.end?.cause == discovered.end?.cause, "\(screen)")
            try walks.check(discovered, status: status, screen: screen, expected, lab: lab, approver: "--yes")
            try expectDiscovered(screen, lab: lab)
            let socket = "unix:" + lab["APP_SOCKET"]
            let lines = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.contains { $0.hasPrefix("app_upstream ") && $0.contains(socket) && $0.contains("discovered") }, "\(screen)")
            #expect(
                lines.contains { $0.hasPrefix("app_process ") && $0.contains("supervisor app \(lab["SUPERVISOR_CONF"]) \(socket)") },
                "\(screen)")
            #expect(lines.contains { $0.hasPrefix("supervisor_conf ") && $0.contains(lab["SUPERVISOR_CONF"]) && $0.contains("discovered") })
        }

        @Test("nginx's own address given as the app's health URL is refused, with what nginx proxies to, and nothing runs")
        func proxyAddressAsApp() throws {
            let lab = try Lab("healthy")
            defer { lab.down() }
            // nginx listens on 127.0.0.1:PORT; localhost reaches the same socket.
            for host in ["127.0.0.1", "localhost"] {
                let ownAddress = "http://\(host):\(lab["NGINX_PORT"])/health"
                let (status, screen) = try refusedRun(lab, inputs: lab.siteOnly + [("app_health_url", ownAddress)])
                #expect(status == 1, "\(screen)")
                #expect(screen.contains("nginx itself listens on 127.0.0.1:\(lab["NGINX_PORT"]), so \(ownAddress) asks nginx"), "\(screen)")
                #expect(screen.contains("nginx sends the site to 127.0.0.1:\(lab["APP_PORT"])"), "\(screen)")
                #expect(screen.contains(lab["APP_HEALTH_URL"]), "the screen names the address discovery found\n\(screen)")
                #expect(!screen.contains("[1] CHECK"), "a step ran\n\(screen)")
            }
        }

        @Test("a log that is not nginx's is refused, and nginx's own is named")
        func foreignErrorLog() throws {
            let lab = try Lab("wrong-port")
            defer { lab.down() }
            let (status, screen) = try refusedRun(lab, inputs: lab.siteOnly + [("nginx_error_log", lab["APP_LOG"])])
            #expect(status == 1, "\(screen)")
            #expect(screen.contains("writes errors to \(lab["NGINX_ERROR_LOG"]), not to \(lab["APP_LOG"])"), "\(screen)")
            #expect(!screen.contains("[1] CHECK"), "a step ran\n\(screen)")
        }

        // MARK: - Helpers

        /// `medic run --yes` given `inputs`, for a run that must stop before step 1 (it may leave
        /// no journal to read).
        func refusedRun(_ lab: Lab, inputs: [(name: String, value: String)]) throws -> (status: Int32, screen: String) {
            let dir = try TestSupport.temporaryDirectory()
            let run = try Spawn.run(
                [CommandLineTests.binary, "run", LabTests.runbook] + inputs.flatMap { ["--var", "\($0.name)=\($0.value)"] }
                    + ["--yes", "--transcript", dir + "/session"],
                environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir, "MEDIC_VAR_login_password": lab.password], timeout: 300)
            return (run.status, run.output)
        }

        func zeroConfig(_ expected: LabExpectation) throws {
            let lab = try Lab(expected.scenario, runtime: expected.runtime, upstream: expected.upstream)
            defer { lab.down() }
            let walks = LabTests()
            let (status, screen, evidence) = try walks.runUnattended(lab, flags: ["--yes"], inputs: lab.siteOnly)
            try walks.check(evidence, status: status, screen: screen, expected, lab: lab, approver: "--yes")
            try expectDiscovered(screen, lab: lab)
        }

        /// The inputs screen names, as discovered, the values the lab's own records hold.
        func expectDiscovered(_ screen: String, lab: Lab) throws {
            var wanted = [("nginx_conf", lab["NGINX_CONF"]), ("nginx_error_log", lab["NGINX_ERROR_LOG"]), ("runtime", lab["RUNTIME"])]
            if lab["RUNTIME"] == "supervisor" { wanted.append(("supervisor_conf", lab["SUPERVISOR_CONF"])) }
            if lab["RUNTIME"] == "compose" { wanted.append(("compose_file", lab["COMPOSE_FILE"])) }
            // An app on a unix socket only has no TCP health URL to find: discovery names the socket
            // instead, from the process listening on it, or, when the app crashed and nothing listens,
            // from nginx's unix: upstream; the health URL then gives only the path and Host header.
            if lab["APP_UNIX_SOCKET"].isEmpty {
                wanted.append(("app_health_url", lab["APP_HEALTH_URL"]))
            } else {
                wanted.append(("app_socket", lab["APP_UNIX_SOCKET"]))
                if lab["UPSTREAM_KIND"] == "unix" { wanted.append(("app_health_url", lab["APP_HEALTH_URL"])) }
            }
            let lines = screen.split(separator: "\n").map(String.init)
            for (name, value) in wanted {
                let line = lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") }
                #expect(line?.contains(value) == true && line?.contains("discovered") == true, "\(name): \(line ?? "not on the screen")\n\(screen)")
            }
        }
    }
}
