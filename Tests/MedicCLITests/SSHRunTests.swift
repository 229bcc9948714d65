import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run` end to end over real sshd hosts (lab/sshd): a check across the set, an action
/// rolled out batch by batch with `--yes`, and the journal and report that say what ran where.
@Suite("medic run over real sshd hosts", .serialized, .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"))
struct SSHRunTests {
    static func runbook(_ addresses: [String]) -> String {
        """
        medic: 1
        id: ssh-e2e
        title: A pool over ssh
        defaults: {timeout: 20s, forks: 2}
        hosts:
          pool: [\(addresses.joined(separator: ", ")), 127.0.0.59]
        steps:
          state:
            kind: check
            title: Is the flag there?
            why: w
            where: {hosts: pool}
            script: cat "$MEDIC_HOST_DIR/flag"
            capture_hosts:
              missing: {all: [{not: {succeeded: true}}, {unreachable: false}]}
            branches:
              - when: {count_hosts: {unreachable: true}, equals: 1}
                next: fix
                because: missing on ${missing}; unreachable ${unreachable_hosts}
              - otherwise: stuck
          fix:
            kind: action
            title: Put the flag back
            why: w
            where: {hosts: missing}
            batch: {size: 1, verify: again}
            script: echo up > "$MEDIC_HOST_DIR/flag"
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: done
              - otherwise: stuck
          again:
            kind: check
            title: Is it there now?
            why: w
            where: {hosts: missing}
            script: cat "$MEDIC_HOST_DIR/flag"
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: done
              - otherwise: stuck
          done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
          stuck: {kind: conclusion, title: Stuck, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }

    @Test("the pool is checked per host, the unreachable one is a result, and only the hosts missing the flag are fixed, one batch at a time")
    func rollout() throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let work = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try "up\n".write(toFile: hosts.hostDirectory(hosts.addresses[0]) + "/flag", atomically: false, encoding: .utf8)
        let file = work + "/pool.yaml"
        try Self.runbook(hosts.addresses).write(toFile: file, atomically: false, encoding: .utf8)
        let ran = try Spawn.run(
            [CommandLineTests.binary, "run", file, "--yes", "--transcript", work + "/session"],
            environment: ["MEDIC_SSH_OPTIONS": hosts.sshOptions.joined(separator: " ")], timeout: 120)
        #expect(ran.status == 0, "\(ran.output)")
        #expect(ran.output.contains("✓ 1 host: exit 0 · \(hosts.addresses[0])"), "\(ran.output)")
        #expect(ran.output.contains("✗ 1 host: unreachable · 127.0.0.59"), "\(ran.output)")
        for address in hosts.addresses.dropFirst() {
            #expect((try? String(contentsOfFile: hosts.hostDirectory(address) + "/flag", encoding: .utf8)) == "up\n")
        }
        let evidence = try SessionEvidence(directory: work + "/session")
        let records = evidence.events.compactMap { if case .hosts(let record) = $0 { record } else { nil } }
        #expect(records.first?.hosts.map(\.host) == hosts.addresses + ["127.0.0.59"])
        #expect(records.first?.hosts.last?.unreachable == true)
        let fixes = records.filter { $0.stepID == "fix" }.map { $0.hosts.map(\.host) }
        #expect(fixes == hosts.addresses.dropFirst().map { [$0] }, "one batch per host missing the flag")
        #expect(evidence.confirmations.count == 2 && evidence.confirmations.allSatisfy { $0.by == "--yes" })
        // The run, captured as a scenario, walks the same way offline, host by host.
        try FileManager.default.createDirectory(atPath: work + "/pool.scenarios", withIntermediateDirectories: true)
        let captured = try Spawn.run(
            [CommandLineTests.binary, "scenario", "capture", work + "/session", "-o", work + "/pool.scenarios/run.yaml"], timeout: 60)
        #expect(captured.status == 0, "\(captured.output)")
        let scenario = (try? String(contentsOfFile: work + "/pool.scenarios/run.yaml", encoding: .utf8)) ?? ""
        #expect(scenario.contains("unreachable: true"), "\(scenario)")
        let tested = try Spawn.run([CommandLineTests.binary, "test", file], timeout: 60)
        #expect(tested.status == 0, "\(tested.output)\n\(scenario)")
        let report = try String(contentsOfFile: work + "/session/transcript.md", encoding: .utf8)
        #expect(report.contains("1 host, failed, unreachable: `127.0.0.59`"), "\(report)")
    }

    @Test(
        "resumed elsewhere or captured as a scenario, a host set's step is read back on each host's whole output, so what it captured there is the same"
    )
    func resumedHostCapture() throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let work = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        // The needle is on line 15 of 30: outside the first and last ten lines a host's excerpt keeps.
        let runbook = """
            medic: 1
            id: ssh-resume
            title: A capture from the middle of each host's output
            defaults: {timeout: 20s, forks: 2}
            hosts:
              pool: [\(hosts.addresses.joined(separator: ", "))]
            steps:
              look:
                kind: check
                title: Which hosts print the needle?
                why: w
                where: {hosts: pool}
                script: 'for i in $(seq 1 30); do if [ "$i" = 15 ]; then echo NEEDLE; else echo "line $i"; fi; done'
                capture_hosts:
                  found: {matches: NEEDLE}
                branches:
                  - otherwise: stop-here
              stop-here:
                kind: check
                title: Where the run is cut
                why: w
                command: ["true"]
                branches:
                  - when: {var: found, equals: "\(hosts.addresses.joined(separator: ", "))"}
                    next: done
                    because: found on ${found}
                  - otherwise: lost
                    because: found on ${found}
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
              lost: {kind: conclusion, title: Capture lost, why: w, outcome: escalate, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let file = work + "/resume.yaml"
        try runbook.write(toFile: file, atomically: false, encoding: .utf8)
        let environment = ["MEDIC_SSH_OPTIONS": hosts.sshOptions.joined(separator: " ")]
        let ran = try Spawn.run(
            [CommandLineTests.binary, "run", file, "--yes", "--transcript", work + "/one"], environment: environment, timeout: 120)
        #expect(ran.status == 0 && ran.output.contains("RESOLVED"), "\(ran.output)")
        // Captured as a scenario, the run walks the same way offline: each host's output is whole there too.
        try FileManager.default.createDirectory(atPath: work + "/resume.scenarios", withIntermediateDirectories: true)
        let captured = try Spawn.run(
            [CommandLineTests.binary, "scenario", "capture", work + "/one", "-o", work + "/resume.scenarios/run.yaml"], timeout: 60)
        #expect(captured.status == 0, "\(captured.output)")
        let tested = try Spawn.run([CommandLineTests.binary, "test", file], timeout: 60)
        #expect(tested.status == 0, "\(tested.output)")
        try SessionEvidence.cut(work + "/one", atStep: "stop-here")
        let elsewhere = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let resumed = try CommandLineTests().medic(
            ["resume", work + "/one", "--yes", "--transcript", elsewhere + "/two"], environment: environment, in: elsewhere)
        // Read back as each host's excerpt, the needle is gone and the capture is empty.
        #expect(resumed.status == 0, "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("found on \(hosts.addresses.joined(separator: ", "))"), "\(resumed.output)")
        #expect(resumed.output.contains("RESOLVED"), "\(resumed.output)")
    }
}
