import Foundation
import Glibc
import MedicTestSupport
import Testing

/// `medic run` over real sshd (lab/sshd): a check on another host that names a configuration file
/// by an input is judged on that host by the remote wrapper, as StrictModes would judge it. A file
/// others could have written is not run there, and the operator is told why; a properly owned
/// one runs.
@Suite(
    "A remote check's configuration file is judged on the host, over real sshd", .serialized,
    .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"))
struct SSHConfigurationTrustTests {
    static func runbook(host: String) -> String {
        """
        medic: 1
        id: remote-conf
        title: Does nginx on the host read this configuration?
        defaults: {timeout: 20s}
        inputs:
          nginx_conf: {type: path}
        steps:
          test-config:
            kind: check
            title: Test the configuration on the host
            why: w
            where: {host: \(host)}
            script: nginx -T -c "$NGINX_CONF"
            branches:
              - when: {succeeded: true}
                next: fine
                because: nginx reads it
              - otherwise: broken
                because: nginx cannot read it
          fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
          broken: {kind: conclusion, title: Broken, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }

    /// The hosts, the runbook, and on the first host an `nginx` (first on its sessions' PATH)
    /// that says it ran and with what, so whether the check ran there is plain.
    static func setUp() throws -> (hosts: SSHHosts, work: String, file: String) {
        let hosts = try SSHHosts(count: 1)
        let work = try TestSupport.temporaryDirectory()
        chmod(work, 0o755)
        let stub = hosts.hostDirectory(hosts.addresses[0]) + "/bin/nginx"
        try "#!/bin/sh\necho \"nginx ran on the host: $*\"\n".write(toFile: stub, atomically: false, encoding: .utf8)
        chmod(stub, 0o755)
        let file = work + "/remote-conf.yaml"
        try runbook(host: hosts.addresses[0]).write(toFile: file, atomically: false, encoding: .utf8)
        return (hosts, work, file)
    }

    /// A folder of `mode` in `work` holding nginx.conf (0644); the file's path.
    static func configuration(in work: String, mode: mode_t) throws -> String {
        let folder = work + "/conf"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, mode)
        let conf = folder + "/nginx.conf"
        try "events {}\nhttp {}\n".write(toFile: conf, atomically: false, encoding: .utf8)
        chmod(conf, 0o644)
        return conf
    }

    static func run(_ file: String, conf: String, session: String, hosts: SSHHosts) throws -> Spawn.Ended {
        try Spawn.run(
            [CommandLineTests.binary, "run", file, "--var", "nginx_conf=\(conf)", "--transcript", session],
            environment: ["MEDIC_SSH_OPTIONS": hosts.sshOptions.joined(separator: " "), "NO_COLOR": "1"], timeout: 120)
    }

    @Test("a file in a folder others can write: not run on the host, and the operator sees why")
    func untrusted() throws {
        let (hosts, work, file) = try Self.setUp()
        defer { hosts.stop() }
        defer { try? FileManager.default.removeItem(atPath: work) }
        let conf = try Self.configuration(in: work, mode: 0o777)
        let ran = try Self.run(file, conf: conf, session: work + "/session", hosts: hosts)
        let host = hosts.addresses[0]
        // The wrapper judges with `ls -ldn` on the host, so it gives the mode as ls writes it.
        let reason =
            "not run on \(host): nginx -c \(conf): \(work)/conf is writable by its group and others (mode drwxrwxrwx, and not sticky),"
            + " so another user could have written it"
        #expect(ran.output.contains(reason), "\(ran.output)")
        #expect(!ran.output.contains("nginx ran on the host"), "the check ran on the host: \(ran.output)")
        let journal = try String(contentsOfFile: work + "/session/transcript.jsonl", encoding: .utf8)
        #expect(journal.contains(reason), "\(journal)")
        #expect(!journal.contains("nginx ran on the host"))
        let report = try String(contentsOfFile: work + "/session/transcript.md", encoding: .utf8)
        #expect(report.contains(reason), "\(report)")
    }

    @Test("root's file in root's 0755 folders: the check runs on the host")
    func trusted() throws {
        let (hosts, work, file) = try Self.setUp()
        defer { hosts.stop() }
        defer { try? FileManager.default.removeItem(atPath: work) }
        let conf = try Self.configuration(in: work, mode: 0o755)
        let ran = try Self.run(file, conf: conf, session: work + "/session", hosts: hosts)
        #expect(ran.output.contains("nginx ran on the host: -T -c \(conf)"), "\(ran.output)")
        #expect(!ran.output.contains("not run on"), "\(ran.output)")
        #expect(ran.status == 5, "the no-fault conclusion: \(ran.output)")
    }
}
