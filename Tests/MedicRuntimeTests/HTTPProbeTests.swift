import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

/// Which client asks: Medic's own for http://, or libcurl (which asks https:// and proxied URLs).
enum HTTPEngine: String, CaseIterable, CustomTestStringConvertible {
    case plain
    case libcurl

    var testDescription: String { rawValue }
}

/// Asks `request` with `engine`, collecting the output.
func ask(
    _ request: HTTPRequest, with engine: HTTPEngine, timeout: TimeSpan = .seconds(20), interrupt: Int32? = nil,
    environment: [String: String] = [:]
) -> Ran {
    var probe = HTTPProbe(interrupt: Interrupt(descriptor: interrupt))
    probe.plainHTTP = engine == .plain
    probe.environment = { environment[$0] }
    var bytes: [UInt8] = []
    var sizes: [Int] = []
    let result = probe.run(request, timeout: timeout) { chunk in
        bytes += chunk
        sizes.append(chunk.count)
    }
    return Ran(result: result, bytes: bytes, chunkSizes: sizes)
}

private func get(_ url: String, followRedirects: Bool = false) -> HTTPRequest {
    HTTPRequest(method: "GET", url: url, headers: [], body: nil, followRedirects: followRedirects)
}

@Suite("The HTTP probe, against a loopback server, with each client")
struct HTTPProbeTests {
    @Test("status, headers and body of the response", arguments: HTTPEngine.allCases)
    func statusHeadersBody(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = ask(get(server.url("/status/503")), with: engine)
        #expect(ran.result.httpStatus == 503)
        #expect(ran.result.header("server") == "medic-fixture")
        #expect(ran.result.header("X-Fixture") == "yes")
        #expect(ran.text == "status 503\n")
        #expect(ran.result.failureReason == nil)
        #expect(ran.result.exitStatus == nil)
        #expect(ran.result.durationMilliseconds >= 0 && ran.result.durationMilliseconds < 5000)
    }

    @Test("the runner asks http:// itself, through the probe", arguments: ["/status/200", "/chunked"])
    func throughTheRunner(path: String) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = run(.http(get(server.url(path))))
        #expect(ran.result.httpStatus == 200)
        #expect(!ran.bytes.isEmpty)
    }

    @Test("response headers are kept in the order received, repeated ones too", arguments: HTTPEngine.allCases)
    func headerOrder(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = ask(get(server.url("/headers")), with: engine)
        let names = ran.result.headers.map(\.name)
        let ours = ran.result.headers.filter { ["X-First", "Set-Cookie", "X-Last"].contains($0.name) }
        #expect(ours.map(\.value) == ["1", "a=1", "b=2", "z"])
        #expect(names.firstIndex(of: "Server").map { $0 < (names.firstIndex(of: "X-First") ?? 0) } == true)
    }

    @Test("method, headers in order and body reach the server", arguments: HTTPEngine.allCases)
    func requestReachesServer(engine: HTTPEngine) throws {
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
        let ran = ask(request, with: engine)
        #expect(ran.result.httpStatus == 200)
        let lines = ran.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "POST /echo")
        let sent = lines.filter { $0.hasPrefix("X-") || $0.hasPrefix("Content-Type") }
        #expect(sent == ["X-One: first", "Content-Type: application/json", "X-Two: second", "X-Empty: "])
        #expect(lines.contains("Host: 127.0.0.1:\(server.port)"))
        #expect(lines.contains("User-Agent: medic"))
        #expect(lines.contains("Content-Length: 31"))
        #expect(ran.text.hasSuffix("\n\n" + #"{"user": "ops", "note": "a\nb"}"#))
    }

    @Test("PUT and DELETE are sent as written, with their body; HEAD has no body", arguments: HTTPEngine.allCases)
    func otherMethods(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        for method in ["PUT", "DELETE", "PATCH"] {
            let ran = ask(HTTPRequest(method: method, url: server.url("/echo"), headers: [], body: "data", followRedirects: false), with: engine)
            #expect(ran.text.hasPrefix("\(method) /echo\n"))
            #expect(ran.text.hasSuffix("\n\ndata"))
        }
        let head = ask(HTTPRequest(method: "HEAD", url: server.url("/status/204"), headers: [], body: nil, followRedirects: false), with: engine)
        #expect(head.result.httpStatus == 204)
        #expect(head.bytes.isEmpty)
        // A HEAD answer announces a body it does not send: waiting for it would hang.
        let announced = ask(
            HTTPRequest(method: "HEAD", url: server.url("/status/200"), headers: [], body: nil, followRedirects: false), with: engine,
            timeout: .seconds(3))
        #expect(announced.result.httpStatus == 200)
        #expect(!announced.result.timedOut)
        #expect(announced.result.header("Content-Length") == "11")
        #expect(announced.bytes.isEmpty)
    }

    @Test("redirects are reported as they are unless the probe follows them", arguments: HTTPEngine.allCases)
    func redirects(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let stays = ask(get(server.url("/redirect?to=/status/201")), with: engine)
        #expect(stays.result.httpStatus == 302)
        #expect(stays.result.header("Location") == "/status/201")
        #expect(stays.text == "redirecting\n")

        let follows = ask(get(server.url("/redirect?to=/status/201"), followRedirects: true), with: engine)
        #expect(follows.result.httpStatus == 201)
        #expect(follows.result.header("Location") == "")
        #expect(follows.result.header("X-Fixture") == "yes")
        #expect(follows.text == "status 201\n")
    }

    @Test("a followed 303 turns a POST into a GET; a 307 repeats it with its body", arguments: HTTPEngine.allCases)
    func redirectMethods(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let post = { (status: Int) in
            HTTPRequest(method: "POST", url: server.url("/redirect?status=\(status)&to=/echo"), headers: [], body: "payload", followRedirects: true)
        }
        let seeOther = ask(post(303), with: engine)
        #expect(seeOther.text.hasPrefix("GET /echo\n"))
        #expect(!seeOther.text.contains("payload"))
        let temporary = ask(post(307), with: engine)
        #expect(temporary.text.hasPrefix("POST /echo\n"))
        #expect(temporary.text.hasSuffix("\n\npayload"))
    }

    @Test("a redirect to another origin leaves the credentials behind", arguments: HTTPEngine.allCases)
    func credentialsStayHome(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let headers = [HTTPHeader(name: "Authorization", value: "Bearer hush"), HTTPHeader(name: "X-Keep", value: "kept")]
        let elsewhere = "http://localhost:\(server.port)/echo"
        let away = ask(
            HTTPRequest(method: "GET", url: server.url("/redirect?to=\(elsewhere)"), headers: headers, body: nil, followRedirects: true), with: engine
        )
        #expect(away.result.httpStatus == 200)
        #expect(away.text.contains("X-Keep: kept"))
        #expect(!away.text.contains("hush"))
        let home = ask(
            HTTPRequest(method: "GET", url: server.url("/redirect?to=/echo"), headers: headers, body: nil, followRedirects: true), with: engine)
        #expect(home.text.contains("Authorization: Bearer hush"))
    }

    @Test("a redirect loop ends after ten redirects", arguments: HTTPEngine.allCases)
    func redirectLoop(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = ask(get(server.url("/loop"), followRedirects: true), with: engine)
        #expect(ran.result.httpStatus == 302)
        #expect(ran.result.failureReason?.contains("10") == true)
    }

    @Test("chunked, close-delimited and interim responses arrive whole", arguments: HTTPEngine.allCases)
    func framing(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let chunked = ask(get(server.url("/chunked")), with: engine)
        #expect(chunked.result.httpStatus == 200)
        #expect(chunked.text == "first second third\n")
        #expect(chunked.result.failureReason == nil)
        let close = ask(get(server.url("/close")), with: engine)
        #expect(close.text == "until the end\n")
        #expect(close.result.failureReason == nil)
        let interim = ask(get(server.url("/continue")), with: engine)
        #expect(interim.result.httpStatus == 200)
        #expect(interim.result.header("X-Final") == "yes")
        #expect(interim.result.header("Link") == "")
        #expect(interim.text == "after interim\n")
        let big = ask(get(server.url("/big?bytes=3000000")), with: engine)
        #expect(big.bytes.count == 3_000_000)
    }

    @Test("a body cut short keeps the status and what arrived, and says so", arguments: HTTPEngine.allCases)
    func shortBody(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = ask(get(server.url("/short")), with: engine)
        #expect(ran.result.httpStatus == 200)
        #expect(ran.text == "0123456789")
        #expect(ran.result.failureReason != nil)
    }

    @Test("a body that stalls past the timeout keeps the status and is a timeout", arguments: HTTPEngine.allCases)
    func stalledBody(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let ran = ask(get(server.url("/stall")), with: engine, timeout: TimeSpan(milliseconds: 600))
        #expect(ran.result.timedOut)
        #expect(ran.result.httpStatus == 200)
        #expect(ran.text == "partial")
    }

    @Test("a refused connection is status 0 and the output says why", arguments: HTTPEngine.allCases)
    func connectionRefused(engine: HTTPEngine) throws {
        let port = try LoopbackSocket.closedPort()
        let ran = ask(get("http://127.0.0.1:\(port)/"), with: engine)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.result.failureReason?.hasPrefix("connection refused") == true)
        #expect(ran.text.hasPrefix("connection refused"))
        #expect(!ran.result.timedOut)
    }

    @Test("a server that does not answer in time is a timeout with status 0", arguments: HTTPEngine.allCases)
    func timeout(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let start = ContinuousClock.now
        let ran = ask(get(server.url("/slow?seconds=10")), with: engine, timeout: TimeSpan(milliseconds: 500))
        let elapsed = milliseconds(since: start)
        #expect(ran.result.timedOut)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.text.hasPrefix("no response within 500ms"))
        #expect(elapsed >= 490 && elapsed < 2000, "took \(elapsed) ms")
    }

    @Test("the interrupt pipe cancels a hanging probe at once", arguments: HTTPEngine.allCases)
    func cancellation(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let interrupt = try InterruptPipe()
        defer { interrupt.close() }
        interrupt.raise(afterMilliseconds: 300)
        let start = ContinuousClock.now
        let ran = ask(get(server.url("/slow?seconds=10")), with: engine, interrupt: interrupt.readEnd)
        let elapsed = milliseconds(since: start)
        #expect(ran.result.cancelled)
        #expect(ran.result.httpStatus == 0)
        #expect(elapsed >= 290 && elapsed < 900, "took \(elapsed) ms")
        #expect(!interrupt.hasUnreadBytes)
    }

    @Test("a header value with a line break is refused before anything is sent", arguments: HTTPEngine.allCases)
    func headerInjection(engine: HTTPEngine) throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let request = HTTPRequest(
            method: "GET", url: server.url("/echo"), headers: [HTTPHeader(name: "X-Token", value: "secret\r\nX-Evil: 1")], body: nil,
            followRedirects: false
        )
        let ran = ask(request, with: engine)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.result.failureReason == "the value of header 'X-Token' contains a line break")
        #expect(!ran.text.contains("secret"))
    }

    @Test("both clients give the same answer to the same questions")
    func clientsAgree() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        let paths = ["/status/502", "/headers", "/chunked", "/close", "/continue", "/redirect?to=/status/200", "/big?bytes=200000", "/nothing"]
        for path in paths {
            let plain = ask(get(server.url(path)), with: .plain)
            let curl = ask(get(server.url(path)), with: .libcurl)
            let headers = { (ran: Ran) in ran.result.headers.filter { $0.name.lowercased() != "date" } }
            #expect(plain.result.httpStatus == curl.result.httpStatus, "\(path)")
            #expect(headers(plain) == headers(curl), "\(path)")
            #expect(plain.bytes == curl.bytes, "\(path)")
            #expect(plain.result.failureReason == curl.result.failureReason, "\(path)")
        }
    }
}

@Suite("Which client asks")
struct HTTPClientChoiceTests {
    @Test("https:// and proxied hosts need libcurl; loopback never goes through a proxy")
    func choice() throws {
        var probe = HTTPProbe(interrupt: Interrupt(descriptor: nil))
        probe.environment = { _ in nil }
        #expect(!probe.needsLibrary(try HTTPTarget("http://example.com/")))
        #expect(probe.needsLibrary(try HTTPTarget("https://127.0.0.1/")))
        probe.environment = { $0 == "http_proxy" ? "http://proxy.example:3128" : nil }
        #expect(probe.needsLibrary(try HTTPTarget("http://example.com/")))
        #expect(!probe.needsLibrary(try HTTPTarget("http://127.0.0.1:8000/health")))
        #expect(!probe.needsLibrary(try HTTPTarget("http://localhost/")))
        #expect(!probe.needsLibrary(try HTTPTarget("http://[::1]:8080/")))
        // Like curl, the upper-case HTTP_PROXY is not read for http:// (it can come from a CGI request).
        probe.environment = { $0 == "HTTP_PROXY" ? "http://proxy.example:3128" : nil }
        #expect(!probe.needsLibrary(try HTTPTarget("http://example.com/")))
    }

    @Test("a probe that never needs libcurl does not open it")
    func libcurlStaysClosed() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        var probe = HTTPProbe(interrupt: Interrupt(descriptor: nil))
        probe.library = {
            Issue.record("libcurl was opened for an http:// probe"); return .missing("not wanted")
        }
        let result = probe.run(get(server.url("/redirect?to=/status/200"), followRedirects: true), timeout: .seconds(5)) { _ in }
        #expect(result.httpStatus == 200)
    }

    @Test("without libcurl, https:// says so plainly; http:// still works")
    func libcurlMissing() throws {
        var probe = HTTPProbe(interrupt: Interrupt(descriptor: nil))
        probe.library = { CurlLibrary.load("libmedic-no-such-curl.so.4") }
        var output: [UInt8] = []
        let result = probe.run(get("https://127.0.0.1:1/"), timeout: .seconds(1)) { output += $0 }
        #expect(result.httpStatus == 0)
        #expect(result.failureReason?.hasPrefix("libcurl is not installed, so the http probe cannot ask https:// URLs") == true)
        #expect(String(decoding: output, as: UTF8.self) == (result.failureReason ?? "") + "\n")

        let server = try FixtureServer()
        defer { server.stop() }
        #expect(probe.run(get(server.url("/status/200")), timeout: .seconds(5)) { _ in }.httpStatus == 200)
    }

    @Test("a redirect from http:// to https:// carries on in libcurl")
    func handOff() throws {
        let server = try FixtureServer()
        defer { server.stop() }
        // The fixture does not speak TLS, so libcurl's handshake fails: proof that libcurl asked.
        let ran = ask(
            get(server.url("/redirect?to=https://127.0.0.1:\(server.port)/status/200"), followRedirects: true), with: .plain, timeout: .seconds(5))
        #expect(ran.result.httpStatus == 302)
        #expect(ran.result.failureReason?.lowercased().contains("ssl") == true || ran.result.failureReason?.lowercased().contains("tls") == true)
    }

    @Test("a server that answers with TLS, or not in HTTP at all, is named as such")
    func notHTTP() throws {
        for (answer, expected) in [
            ([UInt8]([0x16, 0x03, 0x01, 0x00, 0x02]), "answered with TLS"), (Array("SSH-2.0-OpenSSH_9.2\r\n".utf8), "not HTTP"),
        ] {
            let listener = try LoopbackSocket(listening: 4)
            defer { listener.close() }
            let descriptor = listener.descriptor
            let answering = Thread {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                usleep(300_000)
                close(client)
            }
            answering.start()
            let ran = ask(get("http://127.0.0.1:\(listener.port)/"), with: .plain, timeout: .seconds(3))
            #expect(ran.result.httpStatus == 0)
            #expect(ran.result.failureReason?.contains(expected) == true, "\(ran.text)")
        }
    }
}
