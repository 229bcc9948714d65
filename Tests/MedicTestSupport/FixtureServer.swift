import Foundation

/// The fixture HTTP server (Tests/MedicRuntimeTests/Fixtures/http_server.py) on 127.0.0.1, one per test.
public final class FixtureServer {
    /// The port it listens on.
    public let port: Int
    private let process = Process()
    private let input = Pipe()

    /// Starts the server, on a free loopback port or, given `unixSocket`, on a unix socket at
    /// that path (then `port` is 0).
    public init(unixSocket: String? = nil) throws {
        let script = TestSupport.repositoryRoot + "/Tests/MedicRuntimeTests/Fixtures/http_server.py"
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + (unixSocket.map { ["--unix", $0] } ?? [])
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { break }
            line += more
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("the fixture server did not print its port")
        }
        self.port = port
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Ends the server: SIGTERM to its pid, then wait. (Closing its stdin is not enough when a
    /// process started meanwhile by another test, such as a tmux server, inherited the pipe.)
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }
}
