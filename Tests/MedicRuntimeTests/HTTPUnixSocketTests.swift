import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

/// A request for `url` sent through the unix socket at `socket`.
private func viaSocket(_ url: String, _ socket: String) -> HTTPRequest {
    HTTPRequest(method: "GET", url: url, headers: [], body: nil, followRedirects: true, unixSocket: socket)
}

@Suite("The HTTP probe through a unix socket, with each client")
struct HTTPUnixSocketTests {
    @Test("the request reaches the server on the socket; the URL gives only the Host header and the path", arguments: HTTPEngine.allCases)
    func throughTheSocket(engine: HTTPEngine) throws {
        let directory = try TestSupport.temporaryDirectory()
        let socket = directory + "/app.sock"
        let server = try FixtureServer(unixSocket: socket)
        defer { server.stop() }
        // app.invalid resolves nowhere (RFC 6761): an answer can only have come through the socket.
        let ran = ask(viaSocket("http://app.invalid/echo", socket), with: engine)
        #expect(ran.result.httpStatus == 200)
        #expect(ran.result.header("server") == "medic-fixture")
        #expect(ran.text.hasPrefix("GET /echo\n"))
        #expect(ran.text.contains("Host: app.invalid\n"))
    }

    @Test("a redirect is followed through the same socket", arguments: HTTPEngine.allCases)
    func redirectStaysOnTheSocket(engine: HTTPEngine) throws {
        let directory = try TestSupport.temporaryDirectory()
        let socket = directory + "/app.sock"
        let server = try FixtureServer(unixSocket: socket)
        defer { server.stop() }
        let ran = ask(viaSocket("http://app.invalid/redirect?to=/status/204", socket), with: engine)
        #expect(ran.result.httpStatus == 204)
    }

    @Test("a missing socket file is no answer, and the output names the socket", arguments: HTTPEngine.allCases)
    func missingSocket(engine: HTTPEngine) throws {
        let directory = try TestSupport.temporaryDirectory()
        let ran = ask(viaSocket("http://127.0.0.1/health", directory + "/gone.sock"), with: engine)
        #expect(ran.result.httpStatus == 0)
        if engine == .plain { #expect(ran.text == "no such file or directory (unix:\(directory)/gone.sock)\n") }
    }

    @Test("a socket file nobody listens on is refused, not the TCP port of the URL")
    func staleSocketIsRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/stale.sock"
        // Bind without listening: the file exists and connect() is refused.
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        let server = try FixtureServer()
        defer { server.stop() }
        // The URL names a live TCP server; the socket must win.
        let ran = ask(viaSocket(server.url("/status/200"), path), with: .plain)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.text == "connection refused (unix:\(path))\n")
    }

    @Test("a relative or overlong socket path is refused before anything is sent", arguments: ["app.sock", "/" + String(repeating: "s", count: 107)])
    func badPath(path: String) {
        let ran = ask(viaSocket("http://127.0.0.1/health", path), with: .plain)
        #expect(ran.result.httpStatus == 0)
        #expect(ran.text.hasPrefix("the unix socket path"))
    }

    @Test("the invocation shows the socket beside the URL, for the screen and the transcript")
    func displayNamesTheSocket() {
        let shown = invocation(.http(viaSocket("http://app/health", "/run/app/app.sock"))).display
        #expect(shown == "GET http://app/health via unix:/run/app/app.sock")
    }
}
