import Foundation
import MedicTestSupport

/// The real `medic` binary in a real pseudo-terminal, driven through tmux: keys go in with
/// `send-keys`, the screen comes out with `capture-pane`.
final class Terminal {
    let socket: String
    let session = "medic"

    /// Whether tmux is installed.
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Starts `command` (a shell command line) in a new 160×50 terminal.
    init(_ command: String, environment: [String: String] = [:]) throws {
        socket = "medic-test-\(UUID().uuidString.prefix(8))"
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        try tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "50", "cd '\(TestSupport.repositoryRoot)' && \(exports)\(command); echo \"[exit $?]\"; sleep 600"])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Sends keys: literal text, or tmux key names (`Enter`, `Tab`, `C-c`, `Up`).
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    /// Types `text` literally.
    func type(_ text: String) throws { try send(text, literal: true) }

    /// The whole screen and scrollback.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-S", "-2000", "-t", session])
    }

    /// Waits until the screen shows `text` `times` times; returns the screen, or throws.
    @discardableResult
    func waitFor(_ text: String, times: Int = 1, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.components(separatedBy: text).count - 1 >= times { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("timed out waiting for \(text.debugDescription) ×\(times); the screen shows:\n\(last)")
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket, "-f", "/dev/null"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
