import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

/// The TCP probe a host runs for `tcp: {…, from: target}` (`RemoteScript.tcpProbe`), run here by
/// the system's /bin/sh against real loopback sockets: what it prints is what the local probe
/// prints, a missing tool is a result, and a hostile host stays data.
@Suite("The TCP probe run on the target host")
struct RemoteTCPProbeTests {
    /// Runs the probe as the host's `sh -c PROBE medic-tcp HOST PORT SECONDS` would.
    static func probe(host: String, port: Int, seconds: Int = 3, path: String? = nil) throws -> (output: String, status: Int32) {
        var environment = ProcessInfo.processInfo.environment
        if let path { environment["PATH"] = path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", RemoteScript.tcpProbe, "medic-tcp", host, String(port), String(seconds)]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    @Test("a listening port is open, as the local probe says it")
    func open() throws {
        let listener = try LoopbackSocket(listening: 8)
        defer { listener.close() }
        let ran = try Self.probe(host: "127.0.0.1", port: listener.port)
        #expect(ran.output == "open 127.0.0.1:\(listener.port)\n")
        #expect(ran.status == 0)
    }

    @Test("a port nothing listens on is refused, and the probe fails")
    func refused() throws {
        let port = try LoopbackSocket.closedPort()
        let ran = try Self.probe(host: "127.0.0.1", port: port)
        #expect(ran.output == "refused 127.0.0.1:\(port)\n")
        #expect(ran.status == 1)
    }

    @Test("without bash, timeout and nc on the host the result says so; nothing crashes")
    func noTool() throws {
        let empty = try TestSupport.temporaryDirectory()
        let ran = try Self.probe(host: "127.0.0.1", port: 80, path: empty)
        #expect(ran.output == "unavailable: the host has neither bash and timeout nor nc to connect to 127.0.0.1:80\n")
        #expect(ran.status == 127)
    }

    @Test("with only nc on the host, nc -z decides, and the host comes after '--'")
    func ncOnly() throws {
        let bin = try TestSupport.temporaryDirectory()
        // A stand-in nc that records its arguments and answers as told.
        let script = "#!/bin/sh\nprintf '%s\\n' \"$@\" > \(bin)/args\nread answer < \(bin)/status\nexit $answer\n"
        try script.write(toFile: bin + "/nc", atomically: true, encoding: .utf8)
        chmod(bin + "/nc", 0o755)
        try "0".write(toFile: bin + "/status", atomically: true, encoding: .utf8)
        #expect(try Self.probe(host: "127.0.0.1", port: 8000, seconds: 2, path: bin).output == "open 127.0.0.1:8000\n")
        #expect(try String(contentsOfFile: bin + "/args", encoding: .utf8) == "-z\n-w\n2\n--\n127.0.0.1\n8000\n")
        try "1".write(toFile: bin + "/status", atomically: true, encoding: .utf8)
        let refused = try Self.probe(host: "127.0.0.1", port: 8000, path: bin)
        #expect(refused.output == "unreachable: 127.0.0.1:8000: nc -z could not connect (refused or timed out)\n")
        #expect(refused.status == 1)
    }

    @Test("a hostile host is data: never an option, never code")
    func hostile() throws {
        let marker = try TestSupport.temporaryDirectory() + "/ran"
        for host in ["-e/bin/sh", "$(touch \(marker))", "`touch \(marker)`", "127.0.0.1; touch \(marker)", "127.0.0.1/80\"; touch \(marker); \""] {
            let ran = try Self.probe(host: host, port: 80, seconds: 1)
            #expect(!ran.output.hasPrefix("open"), "\(host): \(ran.output)")
            #expect(ran.status != 0)
            #expect(!FileManager.default.fileExists(atPath: marker), "\(host) ran as code")
        }
    }

    @Test("the wrapper sends no variable with the probe, and runs it with the host and port as arguments")
    func wrapper() throws {
        let text = try RemoteScript.text(
            for: .tcp(host: "app'1", port: 8000), environment: ["TOKEN": "s3cret"], marker: "m", timeout: TimeSpan(milliseconds: 5000)
        ).get()
        #expect(!text.contains("s3cret"))
        #expect(text.contains(#"'medic-tcp' 'app'\''1' '8000' '4'"#))
    }
}
