import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

/// What a reader made of a whole response.
private struct Reading: Equatable {
    var lines: [String] = []
    var finalStatus: Int?
    var body: [UInt8] = []
    var failure: String?
    var complete = false
}

/// Reads `response` in pieces cut at `cuts`, then the end of the connection when `closes`.
private func read(_ response: [UInt8], cuts: [Int] = [], bodyExpected: Bool = true, closes: Bool = true) -> Reading {
    var reader = HTTPResponseReader(bodyExpected: bodyExpected)
    var reading = Reading()
    let bounds = [0] + cuts.filter { $0 > 0 && $0 < response.count }.sorted() + [response.count]
    do {
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            try reader.read(response[start..<end]) { event in
                switch event {
                case .line(let line): reading.lines.append(String(decoding: line, as: UTF8.self))
                case .headEnded(let status): reading.finalStatus = status
                case .body(let bytes): reading.body += bytes
                }
            }
        }
        if closes && !reader.isComplete { try reader.readEnd() }
    } catch {
        reading.failure = error.description
    }
    reading.complete = reader.isComplete
    return reading
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Reading an HTTP/1.x response")
struct HTTPResponseReaderTests {
    @Test("Content-Length frames the body; bytes after it are ignored")
    func contentLength() {
        let reading = read(bytes("HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Length: 5\r\n\r\nhelloEXTRA"), closes: false)
        #expect(reading.lines == ["HTTP/1.1 502 Bad Gateway", "Server: nginx", "Content-Length: 5"])
        #expect(reading.finalStatus == 502)
        #expect(reading.body == bytes("hello"))
        #expect(reading.complete)
    }

    @Test("a chunked body is decoded, extensions and trailers skipped")
    func chunked() {
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4;name=x\r\nWiki\r\n9\r\npedia in \r\n0\r\nTrailer: t\r\n\r\n"
        let reading = read(bytes(response), closes: false)
        #expect(reading.body == bytes("Wikipedia in "))
        #expect(reading.lines.last == "Trailer: t")
        #expect(reading.complete)
        #expect(reading.failure == nil)
    }

    @Test("without a length the body runs to the end of the connection")
    func untilClose() {
        let reading = read(bytes("HTTP/1.0 200 OK\nServer: old\n\nline one\nline two\n"))
        #expect(reading.lines == ["HTTP/1.0 200 OK", "Server: old"])
        #expect(reading.body == bytes("line one\nline two\n"))
        #expect(reading.complete)
    }

    @Test("interim responses come first; HEAD, 204 and 304 have no body")
    func noBody() {
        let interim = read(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"), closes: false)
        #expect(interim.lines == ["HTTP/1.1 100 Continue", "HTTP/1.1 204 No Content", "Content-Length: 10"])
        #expect(interim.finalStatus == 204)
        #expect(interim.complete && interim.body.isEmpty)
        let head = read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), bodyExpected: false, closes: false)
        #expect(head.complete && head.body.isEmpty)
        let notModified = read(bytes("HTTP/1.1 304 Not Modified\r\n\r\n"), closes: false)
        #expect(notModified.complete)
    }

    @Test("a response cut short names where it was cut")
    func cutShort() {
        #expect(read([]).failure == "the server closed the connection without answering")
        #expect(read(bytes("HTTP/1.1 200 OK\r\nServer")).failure == "the server closed the connection in the middle of the response headers")
        #expect(read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")).failure?.contains("7 bytes before the end") == true)
        #expect(read(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")).failure?.contains("last chunk") == true)
    }

    @Test("what is not HTTP/1.x is refused as soon as it shows")
    func notHTTP() {
        #expect(read([0x16, 0x03, 0x01], closes: false).failure == "the server answered with TLS: probe it with an https:// URL")
        #expect(read(bytes("SSH-2"), closes: false).failure?.contains("not HTTP") == true)
        #expect(read(bytes("HTTP/2 200\r\n\r\n"), closes: false).failure?.contains("status line") == true)
        #expect(read(bytes("HTTP/1.1 2000 OK\r\n\r\n"), closes: false).failure?.contains("status line") == true)
        #expect(read(bytes("HTTP/1.1 OK\r\n\r\n"), closes: false).failure?.contains("status line") == true)
    }

    @Test("framing that cannot be trusted is refused")
    func badFraming() {
        #expect(
            read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")).failure
                == "the response has two different Content-Length headers")
        #expect(read(bytes("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")).failure == "the response's Content-Length is not a number")
        #expect(read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"), closes: false).body == bytes("hello"))
        #expect(read(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).failure?.contains("size in hex") == true)
        #expect(read(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n")).failure?.contains("longer than its size") == true)
    }

    @Test("a head over 256 KiB is refused, whatever the pieces")
    func headLimit() {
        let huge = bytes("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 300 * 1024) + "\r\n\r\n")
        #expect(read(huge, closes: false).failure == "the response headers are longer than 256 KiB")
        #expect(
            read(huge, cuts: Array(stride(from: 1000, to: huge.count, by: 1000)), closes: false).failure
                == "the response headers are longer than 256 KiB")
        let many = bytes("HTTP/1.1 200 OK\r\n" + String(repeating: "X-H: " + String(repeating: "b", count: 1000) + "\r\n", count: 300) + "\r\n")
        #expect(read(many, closes: false).failure == "the response headers are longer than 256 KiB")
    }

    @Test("any cutting of a response into pieces reads the same as the whole")
    func piecesAnywhere() {
        var generator = SeededGenerator(state: 502)
        let responses = [
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nServer: a\r\n folded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\nnot found\r\n!",
            "\r\nHTTP/1.0 200 OK\n\nrest of the stream\u{0}\u{1}binary",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        ].map(bytes)
        for response in responses {
            let whole = read(response)
            for _ in 0..<300 {
                let cuts = (0..<Int.random(in: 1...8, using: &generator)).map { _ in Int.random(in: 0...response.count, using: &generator) }
                #expect(read(response, cuts: cuts) == whole, "cut at \(cuts)")
            }
            #expect(read(response, cuts: Array(0..<response.count)) == whole)
        }
    }

    @Test("random responses read as written, however cut; mutated ones read alike however cut and never claim more than they hold")
    func randomBytes() {
        var generator = SeededGenerator(state: 137)
        for round in 0..<1500 {
            let written = RandomResponse(using: &generator)
            var response = written.bytes
            let mutated = Bool.random(using: &generator)
            if mutated {
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let at = Int.random(in: 0...response.count, using: &generator)
                    let byte = [13, 10, 58, 48, 32, 59].randomElement(using: &generator).map(UInt8.init) ?? 0
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: response.insert(Bool.random(using: &generator) ? byte : UInt8.random(in: 0...255, using: &generator), at: at)
                    case 1: if at < response.count { response.remove(at: at) }
                    default: if at < response.count { response[at] = byte }
                    }
                }
            }
            let what = "round \(round) (seed 137): \(String(decoding: response, as: UTF8.self).debugDescription)"
            let whole = read(response, closes: false)
            let closed = read(response, closes: true)
            if !mutated {
                // The truth is known: the lines, the status and the body as written.
                #expect(whole.failure == nil && closed.failure == nil, "\(what)")
                #expect(whole.lines == written.lines && whole.finalStatus == written.status, "\(what)")
                #expect(whole.complete == written.framed && closed.complete, "\(what)")
                #expect(closed.body == written.body, "\(what)")
            }
            // However the bytes are cut into pieces, the reading is the same.
            let cuts = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...response.count, using: &generator) }
            #expect(read(response, cuts: cuts, closes: false) == whole, "\(what) cut at \(cuts)")
            #expect(read(response, cuts: Array(0..<response.count), closes: true) == closed, "\(what) byte by byte")
            // A response is either complete or not, and a failure never claims to be complete.
            #expect(!(closed.complete && closed.failure != nil) && (closed.complete || closed.failure != nil), "\(what)")
            // Every line handed on is a line of the bytes; the body is never more than the bytes.
            let lines = Set(
                response.split(separator: 10, omittingEmptySubsequences: false).map {
                    String(decoding: $0.last == 13 ? $0.dropLast() : $0, as: UTF8.self)
                })
            #expect(whole.lines.allSatisfy(lines.contains), "\(what)")
            #expect(closed.body.count <= response.count, "\(what)")
            if whole.complete {
                // Complete before the end of the connection: what follows is not part of it.
                #expect(read(response + bytes("HTTP/1.1 500 Later\r\n\r\nmore"), closes: false) == whole, "\(what)")
                #expect(whole.body.count == Self.contentLength(whole.lines) ?? whole.body.count, "\(what)")
            }
        }
    }

    /// The Content-Length the final response's head announces, when it frames the body by it.
    static func contentLength(_ lines: [String]) -> Int? {
        guard let start = lines.lastIndex(where: { $0.hasPrefix("HTTP/") }) else { return nil }
        let head = lines[start...]
        guard let status = Int(head.first?.split(separator: " ").dropFirst().first ?? ""), status >= 200, status != 204, status != 304,
            !head.contains(where: { $0.lowercased().hasPrefix("transfer-encoding:") })
        else { return nil }
        let lengths = head.filter { $0.lowercased().hasPrefix("content-length:") }.flatMap { $0.dropFirst(15).split(separator: ",") }
        return lengths.first.flatMap { Int($0.filter { $0 != " " && $0 != "\t" }) }
    }
}

/// A well-formed response made at random, and what reading it must give.
private struct RandomResponse {
    var bytes: [UInt8] = []
    var lines: [String] = []
    var status = 200
    var body: [UInt8] = []
    /// Whether its framing ends it before the connection does (a length, chunks or no body).
    var framed = true

    init(using generator: inout SeededGenerator) {
        let end = Bool.random(using: &generator) ? "\r\n" : "\n"
        // A line of a head or of trailers, which the reader hands on; or of the chunks' framing.
        func line(_ text: String, handedOn: Bool = true) {
            bytes += Array((text + end).utf8)
            if handedOn, !text.isEmpty { lines.append(text) }
        }
        if Int.random(in: 0..<5, using: &generator) == 0 {
            line("HTTP/1.1 100 Continue")
            line("")
        }
        status = [200, 200, 404, 502, 204, 304].randomElement(using: &generator) ?? 200
        line("HTTP/1.1 \(status) Reason")
        for index in 0..<Int.random(in: 0...3, using: &generator) { line("X-H\(index): v\(index)") }
        body = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
            Bool.random(using: &generator) ? ([13, 10, 48, 59].randomElement(using: &generator) ?? 10) : UInt8.random(in: 0...255, using: &generator)
        }
        if status == 204 || status == 304 {
            body = []
            line("")
            return
        }
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            line("Content-Length: \(body.count)")
            line("")
            bytes += body
        case 1:
            line("Transfer-Encoding: chunked")
            line("")
            var rest = body[...]
            while !rest.isEmpty {
                let size = Int.random(in: 1...rest.count, using: &generator)
                line(String(size, radix: 16) + (Bool.random(using: &generator) ? ";x=y" : ""), handedOn: false)
                bytes += rest.prefix(size)
                line("", handedOn: false)
                rest = rest.dropFirst(size)
            }
            line("0", handedOn: false)
            if Bool.random(using: &generator) { line("Trailer-X: t") }
            line("")
        default:
            line("")
            bytes += body
            framed = false
        }
        // What comes after a framed response is not part of it.
        if framed, Bool.random(using: &generator) { bytes += Array("garbage".utf8) }
    }
}

@Suite("Reading a probe's URL")
struct HTTPTargetTests {
    @Test("host, port and request target")
    func parts() throws {
        let plain = try HTTPTarget("http://127.0.0.1:8000/health?verbose=1#top")
        #expect(plain.host == "127.0.0.1" && plain.port == 8000 && plain.requestTarget == "/health?verbose=1")
        #expect(plain.hostHeader == "127.0.0.1:8000")
        let bare = try HTTPTarget("HTTP://Example.COM")
        #expect(bare.scheme == "http" && bare.port == 80 && bare.requestTarget == "/" && bare.hostHeader == "Example.COM")
        let query = try HTTPTarget("http://example.com?x=1")
        #expect(query.requestTarget == "/?x=1")
        let v6 = try HTTPTarget("http://[::1]:8080/a")
        #expect(v6.host == "::1" && v6.port == 8080 && v6.hostHeader == "[::1]:8080" && v6.isLoopback)
        let zone = try HTTPTarget("http://[fe80::1%25eth0]/")
        #expect(zone.host == "fe80::1%eth0" && zone.hostHeader == "[fe80::1]")
        let tls = try HTTPTarget("https://example.com/")
        #expect(tls.port == 443 && tls.hostHeader == "example.com")
        let user = try HTTPTarget("http://ops:p%40ss@127.0.0.1/")
        #expect(user.credentials == "ops:p@ss" && user.host == "127.0.0.1")
        let encoded = try HTTPTarget("http://h/caf\u{e9}")
        #expect(encoded.requestTarget == "/caf%C3%A9")
    }

    @Test("URLs a probe cannot use are refused with the reason, never repeating the URL")
    func refusals() {
        let cases: [(String, String)] = [
            ("ftp://h/", "scheme is 'ftp'"), ("127.0.0.1:8000/", "does not start with http"), ("http:///x", "no host"),
            ("http://h:0/", "port"), ("http://h:99999/", "port"), ("http://h:8o/", "port"), ("http://[::1/", "closing ']'"),
            ("http://h/a b", "space"), ("http://h/\u{7}", "control character"), ("http://h/a\r\nX-Evil: 1", "control character"),
            ("http://h/\u{0}", "control character"), ("http://us%zzer@h/", "two hex digits"),
            ("http://d\u{e9}j\u{e0}.example/", "not ASCII"),
        ]
        for (url, reason) in cases {
            #expect(throws: HTTPTarget.Problem.self, "\(url)") { try HTTPTarget(url) }
            do {
                _ = try HTTPTarget(url)
            } catch {
                #expect(error.description.contains(reason), "\(url): \(error)")
            }
        }
    }

    @Test("redirect locations resolve as RFC 3986 says")
    func resolving() throws {
        let base = try HTTPTarget("http://a:81/b/c/d;p?q")
        let expected = [
            "g": "http://a:81/b/c/g", "./g": "http://a:81/b/c/g", "g/": "http://a:81/b/c/g/", "/g": "http://a:81/g",
            "//g": "http://g/", "?y": "http://a:81/b/c/d;p?y", "g?y": "http://a:81/b/c/g?y", "#s": "http://a:81/b/c/d;p?q",
            "..": "http://a:81/b/", "../g": "http://a:81/b/g", "../..": "http://a:81/", "../../../g": "http://a:81/g",
            "/./g": "http://a:81/g", "g/../h": "http://a:81/b/c/h", "https://secure.example/x": "https://secure.example/x",
            "HTTP://Other/y": "http://Other/y", "": "http://a:81/b/c/d;p?q", "/with space": "http://a:81/with%20space",
        ]
        for (reference, url) in expected {
            #expect(try base.resolving(reference).url == url, "\(reference)")
        }
        #expect(throws: HTTPTarget.Problem.self) { try base.resolving("file:///etc/passwd") }
        #expect(throws: HTTPTarget.Problem.self) { try base.resolving("javascript:alert(1)") }
    }

    @Test("the request head: Host, defaults, own headers that replace them, Basic credentials, body length")
    func head() throws {
        let target = try HTTPTarget("http://ops:pw@127.0.0.1:8000/login")
        let request = HTTPRequest(
            method: "POST", url: target.url,
            headers: [HTTPHeader(name: "accept", value: "application/json"), HTTPHeader(name: "X-Empty", value: "")],
            body: "a=1", followRedirects: false
        )
        let head = String(decoding: PlainHTTPClient.head(of: request, to: target), as: UTF8.self)
        #expect(
            head == "POST /login HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nAuthorization: Basic b3BzOnB3\r\nUser-Agent: medic\r\n"
                + "accept: application/json\r\nX-Empty:\r\nContent-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
    }

    @Test("following a redirect: which method, body and credentials go on")
    func redirected() throws {
        let from = try HTTPTarget("http://127.0.0.1/a")
        let same = try HTTPTarget("http://127.0.0.1/b")
        let other = try HTTPTarget("http://localhost/b")
        let post = HTTPRequest(
            method: "POST", url: from.url,
            headers: [
                HTTPHeader(name: "Authorization", value: "x"), HTTPHeader(name: "Content-Type", value: "a/b"), HTTPHeader(name: "Cookie", value: "c"),
            ],
            body: "data", followRedirects: true
        )
        let seeOther = PlainHTTPClient.redirected(post, from: from, to: same, status: 303)
        #expect(seeOther.method == "GET" && seeOther.body == nil && seeOther.headers.map(\.name) == ["Authorization", "Cookie"])
        let kept = PlainHTTPClient.redirected(post, from: from, to: same, status: 307)
        #expect(kept == HTTPRequest(method: "POST", url: same.url, headers: post.headers, body: "data", followRedirects: true))
        let away = PlainHTTPClient.redirected(post, from: from, to: other, status: 308)
        #expect(away.method == "POST" && away.headers.map(\.name) == ["Content-Type"])
        let head = HTTPRequest(method: "HEAD", url: from.url, headers: [], body: nil, followRedirects: true)
        #expect(PlainHTTPClient.redirected(head, from: from, to: same, status: 303).method == "HEAD")
    }
}
