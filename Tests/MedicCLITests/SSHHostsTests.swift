import Foundation
import MedicTestSupport
import Testing

/// The test rig of real sshd hosts (lab/sshd, `SSHHosts`): what the ssh runner's tests and the
/// lab's multi-host incident rely on, checked with the system's own ssh client.
@Suite("lab/sshd: real sshd hosts on loopback addresses", .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"))
struct SSHHostsTests {
    @Test("every address is a host of its own: its own MEDIC_HOST_DIR, HOME and PATH, reached over its own address")
    func hostsHaveTheirOwnState() throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        #expect(hosts.addresses == ["127.0.0.11", "127.0.0.12", "127.0.0.13"])
        // A file only one host has, and a program only another has.
        try "only on 12\n".write(toFile: hosts.hostDirectory("127.0.0.12") + "/marker", atomically: false, encoding: .utf8)
        let tool = hosts.hostDirectory("127.0.0.13") + "/bin/whoami-host"
        try "#!/bin/sh\necho \"host 13's own tool\"\n".write(toFile: tool, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        for address in hosts.addresses {
            let run = try hosts.run(
                #"echo "$MEDIC_HOST_ADDRESS|$MEDIC_HOST_DIR|$HOME|$SSH_CONNECTION"; cat "$MEDIC_HOST_DIR/marker" 2>/dev/null; whoami-host 2>/dev/null; true"#,
                on: address)
            #expect(run.status == 0, "\(address): \(run.output)")
            let lines = run.output.split(separator: "\n").map(String.init)
            let directory = hosts.hostDirectory(address)
            #expect(lines.first?.hasPrefix("\(address)|\(directory)|\(directory)|127.0.0.1 ") == true, "\(address): \(run.output)")
            #expect(lines.first?.hasSuffix(" \(address) \(hosts.port)") == true, "the session arrived on \(address): \(run.output)")
            #expect(lines.contains("only on 12") == (address == "127.0.0.12"), "\(address): \(run.output)")
            #expect(lines.contains("host 13's own tool") == (address == "127.0.0.13"), "\(address): \(run.output)")
        }
    }

    @Test("host keys are checked: a known_hosts without the host's key refuses it, an address without sshd is refused")
    func strictHostKeys() throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let empty = hosts.directory + "/empty_known_hosts"
        try #require(FileManager.default.createFile(atPath: empty, contents: Data()))
        let refused = try Self.ssh(hosts, ["-o", "UserKnownHostsFile=" + empty, "127.0.0.11", "true"])
        #expect(refused.status == 255)
        #expect(refused.output.contains("Host key verification failed"), "\(refused.output)")
        // The generated known_hosts holds the host's key: the same command then succeeds.
        #expect(try Self.ssh(hosts, ["127.0.0.11", "true"]).status == 0)
        // 127.0.0.12 was not started: nothing listens there.
        let nobody = try Self.ssh(hosts, ["127.0.0.12", "true"])
        #expect(nobody.status == 255)
        #expect(nobody.output.contains("Connection refused"), "\(nobody.output)")
    }

    @Test("stop ends the sshd processes it started and the sessions they left running, and nothing else")
    func stopEndsOnlyItsOwn() throws {
        let hosts = try SSHHosts(count: 2)
        let other = try SSHHosts(count: 1)
        defer { other.stop() }
        // A remote command that would outlive its connection.
        let started = try hosts.run("setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!", on: "127.0.0.12")
        let remote = try #require(Int32(started.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(started.output)")
        let listeners = Self.sshdPids(configUnder: hosts.directory)
        #expect(listeners.count == 1)
        #expect(Self.running(remote), "the remote sleep runs")
        hosts.stop()
        for pid in listeners { #expect(!Self.running(pid), "sshd \(pid) still runs") }
        #expect(!Self.running(remote), "the remote sleep \(remote) still runs")
        #expect(try Self.ssh(hosts, ["127.0.0.11", "true"]).status == 255)
        // The other rig's sshd was not touched.
        #expect(try other.run("true", on: "127.0.0.11").status == 0)
    }

    // MARK: - Helpers

    static func ssh(_ hosts: SSHHosts, _ arguments: [String]) throws -> Spawn.Ended {
        try Spawn.run(["/usr/bin/ssh", "-F", hosts.configFile] + arguments, timeout: 30)
    }

    /// Whether `pid` runs: it exists and is not a zombie (a process whose parent went away is
    /// reaped by init, maybe a moment after it ended).
    static func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return false }
        return stat[afterName.upperBound...].first != "Z"
    }

    /// The pids of the sshd listeners whose command line names a config under `directory`.
    static func sshdPids(configUnder directory: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                command.hasPrefix("sshd: /usr/sbin/sshd"), command.contains(directory + "/ssh/sshd-")
            else { return nil }
            return pid
        }
    }
}
