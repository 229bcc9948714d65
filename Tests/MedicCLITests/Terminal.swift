import Foundation
import MedicTestSupport

/// The real `medic` binary in a real pseudo-terminal, driven through tmux: keys go in with
/// `send-keys`, the screen comes out with `capture-pane`.
final class Terminal {
    let socket: String
    let session = "medic"

    /// Whether tmux is installed.
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Starts `command` (a shell command line) in a new terminal of `width`×`height` (160×50
    /// unless told) that keeps 50,000 lines of scrollback, so `screen()` holds the whole of a long run.
    init(_ command: String, environment: [String: String] = [:], width: Int = 160, height: Int = 50) throws {
        socket = "medic-test-\(UUID().uuidString.prefix(8))"
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        // history-limit applies to windows created after it is set, so it goes before new-session.
        try tmux([
            "start-server", ";", "set-option", "-g", "history-limit", "50000", ";",
            "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
            "cd '\(TestSupport.repositoryRoot)' && \(exports)\(command); echo \"[exit $?]\"; sleep 120",
        ])
    }

    deinit { close() }

    /// Ends the terminal and everything in it.
    func close() { _ = try? tmux(["kill-server"]) }

    /// Sends keys: literal text, or tmux key names (`Enter`, `Tab`, `C-c`, `Up`).
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    /// Types `text` literally.
    func type(_ text: String) throws { try send(text, literal: true) }

    /// The whole screen and scrollback.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-S", "-50000", "-t", session])
    }

    /// The window title the program in the terminal set (OSC 0 or 2), as tmux keeps it.
    func title() throws -> String {
        try tmux(["display-message", "-p", "-t", session, "#{pane_title}"]).trimmingCharacters(in: .newlines)
    }

    /// The screen and scrollback row by row, as the terminal holds them: a line the terminal
    /// itself wrapped stays split, where `screen()` joins it.
    func rows() throws -> [String] {
        try tmux(["capture-pane", "-p", "-S", "-50000", "-t", session]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Resizes the terminal (the program gets SIGWINCH).
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until the screen shows `text` `times` times; returns the screen, or throws.
    @discardableResult
    func waitFor(_ text: String, times: Int = 1, timeout: Double = 20) throws -> String {
        try waitUntil("\(text.debugDescription) ×\(times)", timeout: timeout) { $0.components(separatedBy: text).count - 1 >= times }
    }

    /// Reads the screen until `shows` holds of it; returns that screen, or throws after
    /// `timeout` seconds naming `what` was waited for and the last screen read.
    private func waitUntil(_ what: String, timeout: Double, _ shows: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if shows(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("timed out waiting for \(what); the screen shows:\n\(last)")
    }

    /// Waits until the last line of the screen that is not blank is `prompt` (blanks at its end
    /// aside), or with no `prompt` any of Medic's prompts (a line ending in `›`): the program is
    /// waiting there. Medic discards what is typed before a decision's or a command's prompt is
    /// shown, so a test types only once this returns; returns the screen.
    @discardableResult
    func waitForPrompt(_ prompt: String? = nil, timeout: Double = 20) throws -> String {
        let wanted = prompt?.trimmingCharacters(in: .whitespaces)
        return try waitUntil("the prompt \((prompt ?? "…›").debugDescription)", timeout: timeout) { screen in
            let lines = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let line = lines.last(where: { !$0.isEmpty }) else { return false }
            return wanted.map { line == $0 } ?? line.hasSuffix("›")
        }
    }

    /// At one of Medic's prompts (once it is shown), types `line` and Enter, then waits for
    /// `answer` `times` times.
    func enter(_ line: String, expecting answer: String, times: Int = 1) throws {
        try waitForPrompt()
        if !line.isEmpty { try type(line) }
        try send("Enter")
        try waitFor(answer, times: times)
    }

    /// Runs tmux with posix_spawn and waitpid (not Foundation's Process, whose child
    /// monitoring does not mix with a tmux server that daemonizes); output goes through a file.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "medic-tmux-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // With the runner's blocked signals the tmux server would ignore the SIGTERM that
        // kill-server sends it, and stay behind with its session after the test.
        var attributes = posix_spawnattr_t()
        Spawn.withSignalsAtDefaults(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard status == 0 else { throw TestFailure("cannot start tmux: \(status)") }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0, errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }
}
