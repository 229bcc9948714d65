import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// The HTTP probe a host runs for `http: {…, from: target}` (`RemoteHTTP.probe`), run here by
/// the system's /bin/sh and curl against the real loopback fixture server, its output read back
/// by `RemoteHTTP.response`: the result is the local probe's, a missing curl is a result, and a
/// hostile value stays data.
@Suite("The HTTP probe run on the target host")
struct RemoteHTTPProbeTests {
    /// Runs the probe as the host's `sh -c PROBE medic-http` would, `request`'s config on its
    /// standard input, and reads its output back.
    static func probe(_ request: HTTPRequest, seconds: Int = 5, path: String? = nil) throws -> (result: StepResult?, raw: String) {
        var environment = ProcessInfo.processInfo.environment
        if let path { environment["PATH"] = path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", RemoteHTTP.probe, "medic-http"]
        process.environment = environment
        // The config from a file (a probe that never reads it cannot break a pipe here).
        let config = try TestSupport.temporaryDirectory() + "/config"
        try RemoteHTTP.config(for: request, seconds: seconds).get().write(toFile: config, atomically: true, encoding: .utf8)
        let output = Pipe()
        process.standardInput = FileHandle(forReadingAtPath: config)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let bytes = [UInt8](data)
        return (RemoteHTTP.response(kept: bytes, total: bytes.count, tail: Array(bytes.suffix(4096))), String(decoding: bytes, as: UTF8.self))
    }

    @Test("a GET with a secret header and URL password: the status, the headers and the body the server sent")
    func get() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let url = "http://medic:pa$s;w'rd@127.0.0.1:\(server.port)/echo?reflect=1"
        let ran = try Self.probe(
            HTTPRequest(method: "GET", url: url, headers: [HTTPHeader(name: "X-Token", value: "t\"o\\k en")], body: nil, followRedirects: false))
        let result = try #require(ran.result, "\(ran.raw)")
        #expect(result.httpStatus == 200)
        #expect(result.header("Content-Type") == "text/plain")
        #expect(result.header("X-Reflected") == "t\"o\\k en")
        #expect(result.output.hasPrefix("GET /echo?reflect=1\n"))
        #expect(result.output.contains("X-Token: t\"o\\k en\n"))
        #expect(result.output.contains("Authorization: Basic \(Data("medic:pa$s;w'rd".utf8).base64EncodedString())"))
        #expect(!result.output.contains("medic-http"))
        #expect(result.failureReason == nil && !result.timedOut)
    }

    @Test("a POST body arrives whole; a followed redirect gives the final response's status and headers")
    func postAndRedirect() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let body = "{\"a\": \"line\\nbreak\", \"q\": \"\\\"\"}\nsecond line\n"
        let posted = try #require(
            try Self.probe(HTTPRequest(method: "POST", url: server.url("/echo"), headers: [], body: body, followRedirects: false)).result)
        #expect(posted.output.hasPrefix("POST /echo\n"))
        #expect(posted.output.hasSuffix("\n\n" + body))
        let followed = try #require(
            try Self.probe(HTTPRequest(method: "GET", url: server.url("/redirect?to=/status/201"), headers: [], body: nil, followRedirects: true))
                .result)
        #expect(followed.httpStatus == 201)
        #expect(followed.header("X-Fixture") == "yes")
        #expect(followed.header("Location") == "")
        #expect(followed.output == "status 201\n")
        let unfollowed = try #require(
            try Self.probe(HTTPRequest(method: "GET", url: server.url("/redirect?to=/status/201"), headers: [], body: nil, followRedirects: false))
                .result)
        #expect(unfollowed.httpStatus == 302)
        #expect(unfollowed.header("Location") == "/status/201")
        let head = try #require(
            try Self.probe(HTTPRequest(method: "HEAD", url: server.url("/status/204"), headers: [], body: nil, followRedirects: false)).result)
        #expect(head.httpStatus == 204)
        #expect(head.output == "")
    }

    @Test("through a unix socket")
    func unixSocket() throws {
        let socket = try TestSupport.temporaryDirectory() + "/app.sock"
        let server = try FixtureServer(unixSocket: socket)
        defer { server.stop() }
        let result = try #require(
            try Self.probe(
                HTTPRequest(method: "GET", url: "http://app/status/200", headers: [], body: nil, followRedirects: false, unixSocket: socket)
            ).result)
        #expect(result.httpStatus == 200)
        #expect(result.output == "status 200\n")
    }

    @Test("nothing listening: no answer, status 0, and the reason is the output")
    func refused() throws {
        let port = try LoopbackSocket.closedPort()
        let ran = try Self.probe(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/", headers: [], body: nil, followRedirects: false))
        let result = try #require(ran.result, "\(ran.raw)")
        #expect(result.httpStatus == 0)
        #expect(result.failureReason?.isEmpty == false)
        #expect(result.output == (result.failureReason ?? "") + "\n")
        #expect(result.httpStatus.map { (200..<300).contains($0) } != true)
    }

    @Test("a slow answer past the deadline is a timeout")
    func slow() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = try Self.probe(
            HTTPRequest(method: "GET", url: server.url("/slow?seconds=5"), headers: [], body: nil, followRedirects: false), seconds: 1)
        let result = try #require(ran.result, "\(ran.raw)")
        #expect(result.timedOut)
        #expect(result.httpStatus == 0)
    }

    @Test("without curl on the host the result says so; nothing crashes")
    func noCurl() throws {
        let empty = try TestSupport.temporaryDirectory()
        let ran = try Self.probe(HTTPRequest(method: "GET", url: "http://127.0.0.1/", headers: [], body: nil, followRedirects: false), path: empty)
        let result = try #require(ran.result, "\(ran.raw)")
        #expect(result.output == "unavailable: the host has no curl to send the request\n")
        #expect(result.failureReason == "unavailable: the host has no curl to send the request")
        #expect(result.httpStatus.map { (200..<300).contains($0) } != true)
    }

    @Test("hostile values are data: a config line in a header stays in the header, and no scheme but http(s) is asked")
    func hostile() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let file = try TestSupport.temporaryDirectory() + "/local"
        try "local file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fileURL = try Self.probe(HTTPRequest(method: "GET", url: "file://" + file, headers: [], body: nil, followRedirects: false)).result
        #expect(fileURL?.output.contains("local file") == false)
        #expect(fileURL?.httpStatus == 0)
        let injected = "x\"\noutput = \"\(file)"
        #expect(throws: WalkProblem.self) {
            try RemoteHTTP.config(
                for: HTTPRequest(
                    method: "GET", url: server.url("/"), headers: [HTTPHeader(name: "X", value: injected)], body: nil, followRedirects: false),
                seconds: 1
            ).get()
        }
        let quoted = "v\" output = \"\(file)"
        let result = try #require(
            try Self.probe(
                HTTPRequest(
                    method: "GET", url: server.url("/echo"), headers: [HTTPHeader(name: "X-Token", value: quoted)], body: nil, followRedirects: false)
            ).result)
        #expect(result.output.contains("X-Token: \(quoted)\n"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "local file\n")
    }

    @Test("the wrapper sends the request only as the probe's standard input, from an unexported variable; no variable goes with it")
    func wrapper() throws {
        let request = HTTPRequest(
            method: "GET", url: "http://u:pw-s3cret@app/", headers: [HTTPHeader(name: "Authorization", value: "Bearer tok-s3cret")], body: nil,
            followRedirects: false)
        let text = try RemoteScript.text(for: .http(request), environment: ["TOKEN": "env-s3cret"], marker: "m", timeout: .seconds(5)).get()
        #expect(!text.contains("env-s3cret"))
        // Everything that holds them is the one assignment, a single-quoted word over several lines.
        let assignment = try #require(text.range(of: "\nmedic_input='"))
        let end = try #require(text.range(of: "'\nexec 3<&0\n", range: assignment.upperBound..<text.endIndex))
        #expect(text[assignment.upperBound..<end.lowerBound].contains("Bearer tok-s3cret"))
        #expect(!(text[..<assignment.lowerBound] + text[end.upperBound...]).contains("s3cret"))
        #expect(!text.contains("export medic_input"))
        #expect(text.contains(#"printf '%s' "$medic_input" | setsid '/bin/sh' '-c'"#))
    }

}
