import Foundation
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

@Suite("The HTTP probe, against a loopback server")
struct HTTPProbeTests {
    private func get(_ url: String, followRedirects: Bool = false) -> Invocation.Payload {
        .http(HTTPRequest(method: "GET", url: url, headers: [], body: nil, followRedirects: followRedirects))
    }

    @Test("status, headers and body of the response")
    func statusHeadersBody() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = run(get(server.url("/status/503")))
        #expect(ran.result.httpStatus == 503)
        #expect(ran.result.header("server") == "medic-fixture")
        #expect(ran.result.header("X-Fixture") == "yes")
        #expect(ran.text == "status 503\n")
        #expect(ran.result.failureReason == nil)
        #expect(ran.result.exitStatus == nil)
        #expect(ran.result.durationMilliseconds >= 0 && ran.result.durationMilliseconds < 5000)
    }

    @Test("response headers are kept in the order received, repeated ones too")
    func headerOrder() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = run(get(server.url("/headers")))
        let names = ran.result.headers.map(\.name)
        let ours = ran.result.headers.filter { ["X-First", "Set-Cookie", "X-Last"].contains($0.name) }
        #expect(ours.map(\.value) == ["1", "a=1", "b=2", "z"])
        #expect(names.firstIndex(of: "Server").map { $0 < (names.firstIndex(of: "X-First") ?? 0) } == true)
    }

    @Test("method, headers in order and body reach the server")
    func requestReachesServer() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let request = HTTPRequest(
            method: "POST", url: server.url("/echo"),
            headers: [
                HTTPHeader(name: "X-One", value: "first"), HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "X-Two", value: "second"), HTTPHeader(name: "X-Empty", value: ""),
            ],
            body: #"{"user": "ops", "note": "a\nb"}"#, followRedirects: false
        )
        let ran = run(.http(request))
        #expect(ran.result.httpStatus == 200)
        let lines = ran.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "POST /echo")
        let sent = lines.filter { $0.hasPrefix("X-") || $0.hasPrefix("Content-Type") }
        #expect(sent == ["X-One: first", "Content-Type: application/json", "X-Two: second", "X-Empty: "])
        #expect(ran.text.hasSuffix("\n\n" + #"{"user": "ops", "note": "a\nb"}"#))
    }

    @Test("PUT and DELETE are sent as written, with their body")
    func otherMethods() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        for method in ["PUT", "DELETE", "PATCH"] {
            let ran = run(.http(HTTPRequest(method: method, url: server.url("/echo"), headers: [], body: "data", followRedirects: false)))
            #expect(ran.text.hasPrefix("\(method) /echo\n"))
            #expect(ran.text.hasSuffix("\n\ndata"))
        }
        let head = run(.http(HTTPRequest(method: "HEAD", url: server.url("/status/204"), headers: [], body: nil, followRedirects: false)))
        #expect(head.result.httpStatus == 204)
        #expect(head.bytes.isEmpty)
    }

    @Test("redirects are reported as they are unless the probe follows them")
    func redirects() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let stays = run(get(server.url("/redirect?to=/status/201")))
        #expect(stays.result.httpStatus == 302)
        #expect(stays.result.header("Location") == "/status/201")
        #expect(stays.text == "redirecting\n")

        let follows = run(get(server.url("/redirect?to=/status/201"), followRedirects: true))
        #expect(follows.result.httpStatus == 201)
        #expect(follows.result.header("Location") == "")
        #expect(follows.result.header("X-Fixture") == "yes")
        #expect(follows.text == "status 201\n")
    }

    @Test("a refused connection is status 0 and the output says why")
    func connectionRefused() throws {
        let port = try LoopbackSocket.closedPort()
        let ran = run(get("http://127.0.0.1:\(port)/"))
        #expect(ran.result.httpStatus == 0)
        #expect(ran.result.failureReason?.hasPrefix("connection refused") == true)
        #expect(ran.text.hasPrefix("connection refused"))
        #expect(!ran.result.timedOut)
    }

    @Test("a server that does not answer in time is a timeout with status 0")
    func timeout() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let start = ContinuousClock.now
        let ran = run(get(server.url("/slow?seconds=10")), timeout: TimeSpan(milliseconds: 500))
        let elapsed = milliseconds(since: start)
        #expect(ran.result.timedOut)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.text.hasPrefix("no response within 500ms"))
        #expect(elapsed >= 490 && elapsed < 2000, "took \(elapsed) ms")
    }

    @Test("the interrupt pipe cancels a hanging probe at once")
    func cancellation() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let interrupt = try InterruptPipe()
        defer { interrupt.close() }
        interrupt.raise(afterMilliseconds: 300)
        let start = ContinuousClock.now
        let ran = run(get(server.url("/slow?seconds=10")), on: LocalRunner(interruptDescriptor: interrupt.readEnd))
        let elapsed = milliseconds(since: start)
        #expect(ran.result.cancelled)
        #expect(ran.result.httpStatus == 0)
        #expect(elapsed >= 290 && elapsed < 900, "took \(elapsed) ms")
        #expect(!interrupt.hasUnreadBytes)
    }

    @Test("a header value with a line break is refused before anything is sent")
    func headerInjection() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let request = HTTPRequest(
            method: "GET", url: server.url("/echo"), headers: [HTTPHeader(name: "X-Token", value: "secret\r\nX-Evil: 1")], body: nil,
            followRedirects: false
        )
        let ran = run(.http(request))
        #expect(ran.result.httpStatus == 0)
        #expect(ran.result.failureReason == "the value of header 'X-Token' contains a line break")
        #expect(!ran.text.contains("secret"))
    }

    @Test("without libcurl the probe says so plainly")
    func libcurlMissing() {
        let probe = HTTPProbe(interrupt: Interrupt(descriptor: nil), library: CurlLibrary.load("libmedic-no-such-curl.so.4"))
        var output: [UInt8] = []
        let result = probe.run(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [], body: nil, followRedirects: false), timeout: .seconds(1)
        ) { output += $0 }
        #expect(result.httpStatus == 0)
        #expect(result.failureReason?.hasPrefix("libcurl is not installed, so the http probe cannot run") == true)
        #expect(String(decoding: output, as: UTF8.self) == (result.failureReason ?? "") + "\n")
    }
}
