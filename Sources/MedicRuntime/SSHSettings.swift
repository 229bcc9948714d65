import Glibc
import MedicCore

/// How Medic calls the system's OpenSSH client.
public struct SSHSettings: Sendable {
    /// The ssh program (`MEDIC_SSH`; `ssh` on PATH by default).
    public var program: String
    /// Options put before the host (`MEDIC_SSH_OPTIONS`), such as `-F FILE` or `-o NAME=VALUE`.
    public var extraOptions: [String]
    /// Overrides the runbook's `defaults.forks` (`--forks`).
    public var forks: Int?
    /// Where the multiplexed connections' sockets live; nil: Medic's own private directory.
    public var controlDirectory: String?
    /// How long an idle multiplexed connection stays open, in seconds.
    public var persistSeconds: Int

    /// Creates settings.
    public init(program: String = "ssh", extraOptions: [String] = [], forks: Int? = nil, controlDirectory: String? = nil, persistSeconds: Int = 60) {
        self.program = program
        self.extraOptions = extraOptions
        self.forks = forks
        self.controlDirectory = controlDirectory
        self.persistSeconds = persistSeconds
    }

    /// The settings the environment asks for: `MEDIC_SSH`, `MEDIC_SSH_OPTIONS` (words separated by
    /// blanks; no quoting).
    public static func fromEnvironment(forks: Int? = nil) -> SSHSettings {
        var settings = SSHSettings(forks: forks)
        if let program = getenv("MEDIC_SSH").map({ String(cString: $0) }), !program.isEmpty { settings.program = program }
        if let options = getenv("MEDIC_SSH_OPTIONS").map({ String(cString: $0) }) {
            settings.extraOptions = options.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        return settings
    }

    /// Medic's own directory for connection sockets: `$XDG_RUNTIME_DIR/medic-ssh`, else
    /// `/tmp/medic-ssh-UID`; created mode 0700, and refused unless it is a real directory of
    /// this user that nobody else can enter (another user's socket there could take over our
    /// connections).
    static func privateDirectory(_ configured: String?) -> Result<String, SSHFailure> {
        let directory: String
        if let configured {
            directory = configured
        } else if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), runtime.hasPrefix("/"), access(runtime, W_OK) == 0 {
            directory = runtime + "/medic-ssh"
        } else {
            directory = "/tmp/medic-ssh-\(getuid())"
        }
        // ssh names a socket DIR/%C (40 hex digits) plus a 17-byte temporary suffix while it
        // binds, and a socket's path holds at most 107 bytes.
        if directory.utf8.count + 1 + 40 + 17 > 107 {
            return .failure(SSHFailure("Medic's ssh directory \(directory) is too long a path for ssh's connection sockets (at most 49 bytes)"))
        }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            return .failure(SSHFailure("Medic's ssh directory \(directory) could not be made: \(errorText(errno))"))
        }
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            return .failure(SSHFailure("Medic's ssh directory \(directory) cannot be read: \(errorText(errno))"))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return .failure(SSHFailure("Medic's ssh directory \(directory) is not a directory")) }
        guard info.st_uid == getuid() else { return .failure(SSHFailure("Medic's ssh directory \(directory) belongs to another user")) }
        guard info.st_mode & 0o077 == 0 else {
            return .failure(SSHFailure("Medic's ssh directory \(directory) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8)))"))
        }
        return .success(directory)
    }

    /// The ssh argv for `host`: batch mode, a connect timeout, one multiplexed connection per
    /// host in `directory`, the extra options, then `--`, the host and the fixed remote command.
    func argv(host: String, connectTimeoutSeconds: Int, directory: String) -> [String] {
        [
            program, "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=\(connectTimeoutSeconds)", "-o", "ControlMaster=auto",
            "-o", "ControlPath=\(directory)/%C", "-o", "ControlPersist=\(persistSeconds)",
        ] + extraOptions + ["--", host, RemoteScript.remoteCommand]
    }
}

/// Why Medic could not use ssh at all: one sentence.
struct SSHFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
