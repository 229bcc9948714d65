import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// A rollout over real sshd hosts that Medic is told to stop between two batches (SIGTERM, or
/// SIGHUP as when the terminal goes away), at the confirmation of the check after a batch: the
/// screen, the journal and transcript.md name the hosts it never reached, as for a rollout that
/// stopped on a failed batch.
@Suite(
    "A rollout stopped between batches", .serialized,
    .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"),
    .enabled(if: Terminal.available, "tmux is not installed"))
struct RolloutStopTests {
    static func runbook(_ addresses: [String]) -> String {
        """
        medic: 1
        id: rollout-stop
        title: A rollout told to stop between batches
        defaults: {timeout: 20s, forks: 2}
        hosts:
          pool: [\(addresses.joined(separator: ", "))]
        steps:
          fix:
            kind: action
            title: Put the flag back
            why: w
            where: {hosts: pool}
            batch: {size: 1, verify: again}
            script: echo up > "$MEDIC_HOST_DIR/flag"
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: done
              - otherwise: stuck
          again:
            kind: check
            title: Is it there now?
            why: Medic cannot prove it reads only, so the operator confirms it after the first batch.
            where: {hosts: pool}
            read_only: {reason: "flagcat only reads the flag"}
            command: ["flagcat"]
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

    @Test(
        "told to stop at the check after batch 1: the hosts never reached are named on screen, in the journal and in transcript.md",
        arguments: [SIGTERM, SIGHUP])
    func stoppedAtTheCheckBetweenBatches(signal: Int32) throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let work = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let file = work + "/pool.yaml"
        try Self.runbook(hosts.addresses).write(toFile: file, atomically: false, encoding: .utf8)
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(file) --transcript \(work)/s",
            environment: ["XDG_STATE_HOME": work, "NO_COLOR": "1", "MEDIC_SSH_OPTIONS": hosts.sshOptions.joined(separator: " ")])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.type("yes")
        try terminal.send("Enter")
        try terminal.waitFor("Medic cannot prove this check changes nothing", timeout: 60)
        try terminal.waitFor("Run it? › ", times: 2)
        let medic = try #require(StopDuringDiscoveryTests.medicPid(transcript: work + "/s"))
        kill(medic, signal)
        let screen = try terminal.waitFor("[exit 7]", timeout: 20)
        let unreached = hosts.addresses.dropFirst().joined(separator: ", ")
        #expect(screen.contains("not run on: \(unreached)"), "\(screen)")
        #expect((try? String(contentsOfFile: hosts.hostDirectory(hosts.addresses[0]) + "/flag", encoding: .utf8)) == "up\n")
        for address in hosts.addresses.dropFirst() {
            #expect(!FileManager.default.fileExists(atPath: hosts.hostDirectory(address) + "/flag"), "no batch reached \(address)")
        }
        let evidence = try SessionEvidence(directory: work + "/s")
        let stopped = evidence.events.compactMap { if case .hosts(let record) = $0, record.stopped != nil { record } else { nil } }
        #expect(stopped.map { $0.hosts.map(\.host) } == [Array(hosts.addresses.dropFirst())], "\(stopped)")
        #expect(evidence.end?.outcome == "needs-person")
        let report = try String(contentsOfFile: work + "/s/transcript.md", encoding: .utf8)
        #expect(
            report.contains(
                "ran on 1 of 3 hosts (\(hosts.addresses[0])); not run on \(unreached): the rollout stopped (the check after batch 1 (again) never ran"
            ),
            "\(report)")
        #expect(report.contains("was not run on \(unreached): the rollout stopped"), "\(report)")
    }
}
