import Foundation

/// Real OpenSSH servers for tests: `lab/sshd up COUNT` in a directory and on a port of the test's
/// own, so that every "host" is a loopback address (127.0.0.11, 127.0.0.12, ...) where Debian's
/// sshd answers with a generated host key, and the client side (`ssh -F configFile HOST`) logs in
/// with a generated key and checks the host key against a generated known_hosts
/// (StrictHostKeyChecking stays on). Each host's sessions see their own directory
/// (`hostDirectory(_:)`, `$MEDIC_HOST_DIR` and `$HOME` there) with its `bin` first on `PATH`, so
/// a test can give one host a program or a file the others lack.
///
/// ```swift
/// @Test(.enabled(if: SSHHosts.available, "needs root and openssh-server"))
/// func example() throws {
///     let hosts = try SSHHosts(count: 3)
///     defer { hosts.stop() }
///     // ssh -F hosts.configFile 127.0.0.12 'echo $MEDIC_HOST_DIR'
/// }
/// ```
///
/// `stop()` runs `lab/sshd down`, which signals only the sshd pids `up` recorded and the sessions
/// that carry this directory's `MEDIC_HOST_DIR`. Traffic stays on 127.0.0.0/8.
public final class SSHHosts: Sendable {
    /// The run directory: `ssh/` under it holds the keys, configs, logs and host directories.
    public let directory: String
    /// The port every host's sshd listens on.
    public let port: Int
    /// The hosts, in order: `127.0.0.11` up to `127.0.0.(10+count)`.
    public let addresses: [String]
    /// `ssh -F configFile HOST` reaches a host: the port, the user (root), the test key, the
    /// generated known_hosts, BatchMode.
    public let configFile: String
    /// The client's private key and the generated known_hosts.
    public let keyFile: String
    public let knownHostsFile: String
    /// A directory with `ssh` and `scp` that add `-F configFile`, for tools that cannot be given it.
    public let binDirectory: String
    /// A directory of mode 0700 for ControlPath sockets, if a test wants one of the lab's.
    public let controlDirectory: String

    /// Whether this machine can run the hosts at all: root, Debian's sshd and the ssh client.
    /// (`lab/sshd up` exits 77, and the initializer cancels the test, when it cannot.)
    public static var available: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")
    }

    /// Starts `count` hosts (1 to 50). The port is `MEDIC_TEST_SSH_PORT` when set, else a free one
    /// of the ephemeral range; the directory a fresh temporary one unless given.
    /// Throws `SSHHosts.Unavailable` (status 77: not root) and `TestFailure` for any other failure.
    public init(count: Int = 4, port: Int? = nil, directory: String? = nil) throws {
        let directory = try directory ?? TestSupport.temporaryDirectory()
        let port = try port ?? Self.configuredPort() ?? Self.freePort()
        let environment = ["MEDIC_LAB_DIR": directory, "MEDIC_LAB_SSH_PORT": String(port), "MEDIC_LAB_SSH_HOSTS": String(count)]
        let up = try Self.runScript(["up", String(count)], environment: environment)
        if up.status == 77 { throw Unavailable(reason: up.output.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard up.status == 0 else { throw TestFailure("lab/sshd up \(count) exited \(up.status):\n\(up.output)") }
        let values = try TestSupport.readEnvironmentFile(directory + "/ssh/ssh.env")
        self.directory = directory
        self.port = port
        addresses = (values["SSH_HOSTS"] ?? "").split(separator: " ").map(String.init)
        configFile = values["SSH_CONFIG"] ?? ""
        keyFile = values["SSH_KEY"] ?? ""
        knownHostsFile = values["SSH_KNOWN_HOSTS"] ?? ""
        binDirectory = values["SSH_BIN"] ?? ""
        controlDirectory = values["SSH_CONTROL_DIR"] ?? ""
        guard addresses.count == count else { throw TestFailure("lab/sshd started \(addresses.count) hosts, not \(count)") }
    }

    /// Why the hosts cannot run on this machine (lab/sshd's `skipped: ...` line).
    public struct Unavailable: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The directory of `address`'s host: `$MEDIC_HOST_DIR` (and `$HOME`) of its sessions.
    public func hostDirectory(_ address: String) -> String { directory + "/ssh/hosts/" + address }

    /// `ssh -F configFile` and what else reaches a host: for `MEDIC_SSH_OPTIONS` and the like.
    public var sshOptions: [String] { ["-F", configFile] }

    /// Runs `command` on `address` with the system's ssh client, to its end (at most `timeout`
    /// seconds); its status and its standard output and error together.
    public func run(_ command: String, on address: String, timeout: Double = 30) throws -> (status: Int32, output: String) {
        let ended = try Spawn.run(["/usr/bin/ssh", "-F", configFile, address, command], timeout: timeout)
        return (ended.status, ended.output)
    }

    /// Stops the hosts' sshd and what their sessions left running (`lab/sshd down`).
    public func stop() {
        _ = try? Self.runScript(
            ["down"], environment: ["MEDIC_LAB_DIR": directory, "MEDIC_LAB_SSH_PORT": String(port)])
    }

    // MARK: - Starting programs

    /// Runs lab/sshd to its end. sshd outlives the script that starts it (it would keep a pipe
    /// open, so `Spawn` writes the output to a file), and it starts with no signal blocked, so
    /// that sshd obeys lab/sshd down's SIGTERM.
    private static func runScript(_ arguments: [String], environment: [String: String]) throws -> Spawn.Ended {
        try Spawn.run([TestSupport.repositoryRoot + "/lab/sshd"] + arguments, environment: environment, timeout: 120)
    }

    private static func configuredPort() -> Int? {
        Int(ProcessInfo.processInfo.environment["MEDIC_TEST_SSH_PORT"] ?? "")
    }

    /// A port nothing listens on: the kernel's choice for a socket bound to 127.0.0.11, released
    /// at once (lab/sshd refuses a port in use, so a race shows as a clear failure, not a hang).
    private static func freePort() throws -> Int {
        try TestSupport.closedLoopbackPort(address: "127.0.0.11")
    }
}
