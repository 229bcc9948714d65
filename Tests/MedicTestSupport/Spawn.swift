import Foundation

/// Runs a program to its end with `posix_spawn`, standard output and error together in a file,
/// in the test's own working directory (pass absolute paths).
///
/// Not Foundation's `Process`: the lab's scripts start daemons (supervisord, nginx) that outlive
/// them, and a pipe they inherited would keep a reader waiting; a file never does. A program
/// that outlives `timeout` gets SIGTERM, then SIGKILL, by its own pid and nothing else.
/// Shared by the CLI tests (the built binary, the lab's scripts, tmux) and `SSHHosts` (lab/sshd
/// and the ssh client).
public enum Spawn {
    /// How a program ended: its exit status (128 + the signal when a signal ended it), and its
    /// standard output and error together.
    public struct Ended: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `arguments` (the program found on `PATH` unless a path is given) with the test's
    /// environment plus `environment`, standard input from `input`, to its end; throws when it
    /// cannot start or outlives `timeout` seconds (it is then stopped).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String = "/dev/null", timeout: Double
    ) throws -> Ended {
        let outputPath = NSTemporaryDirectory() + "medic-spawn-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var attributes = posix_spawnattr_t()
        Self.withSignalsAtDefaults(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw TestFailure("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var signalled = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0, errno != EINTR { throw TestFailure("waitpid: \(String(cString: strerror(errno)))") }
            if Date() > deadline {
                // SIGTERM first (Medic stops its running step on it), SIGKILL 5 s later.
                kill(pid, signalled ? SIGKILL : SIGTERM)
                signalled = true
                deadline = Date().addingTimeInterval(5)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        if signalled {
            throw TestFailure("\(arguments.joined(separator: " ")) took longer than \(Int(timeout)) s and was stopped; it printed:\n\(output)")
        }
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7f == 0
        return Ended(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }

    /// Initializes `attributes` so that the child starts with no signal blocked and the usual
    /// ones at their defaults, as from a shell. The test runner blocks some signals, and a
    /// blocked signal is inherited through fork and exec: supervisord and the lab's programs
    /// would ignore lab/down's SIGTERM and wait for SIGKILL, and a tmux server would ignore the
    /// SIGTERM that `kill-server` sends it and outlive its test. The caller destroys it.
    public static func withSignalsAtDefaults(_ attributes: inout posix_spawnattr_t) {
        posix_spawnattr_init(&attributes)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }
}
