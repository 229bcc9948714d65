import MedicCore
import MedicTestSupport
import Testing

/// `refuse_if`'s `address_among`: an "app" URL that really asks the proxy's own listener is
/// refused however nginx writes its `listen` lines (several, wildcards, no port), and a URL that
/// reaches another socket is not.
@Suite("Listen addresses and the URLs that reach them")
struct ListenAddressTests {
    static let here = SourceLocation(file: "t", line: 1, column: 1)
    static let rule = RefusalRule(
        test: .addressAmong(Template("${listen}", at: here)), because: Template("nginx listens on ${listen}", at: here), location: here)

    static func refused(_ url: String, listen: String) -> Bool {
        rule.refuses(url, values: ["listen": listen])
    }

    @Test("every one of several listen lines is compared, not only the first")
    func severalListeners() {
        let listen = "127.0.0.1:8443,127.0.0.1:8080 10.0.0.5:80"
        #expect(Self.refused("http://127.0.0.1:8080/health", listen: listen))
        #expect(Self.refused("https://127.0.0.1:8443/health", listen: listen))
        #expect(Self.refused("http://10.0.0.5/health", listen: listen), "no port in the URL: 80")
        #expect(!Self.refused("http://127.0.0.1:8000/health", listen: listen))
        #expect(!Self.refused("http://10.0.0.6/health", listen: listen))
    }

    @Test("a wildcard listener (0.0.0.0, *, [::]) is reached through any loopback address of its family, and localhost")
    func wildcards() {
        for listen in ["0.0.0.0:8080", "*:8080"] {
            #expect(Self.refused("http://127.0.0.1:8080/health", listen: listen))
            #expect(Self.refused("http://127.0.0.53:8080/health", listen: listen))
            #expect(Self.refused("http://localhost:8080/health", listen: listen))
            #expect(!Self.refused("http://127.0.0.1:8000/health", listen: listen), "another port")
            #expect(!Self.refused("http://[::1]:8080/health", listen: listen), "IPv4 only")
        }
        #expect(Self.refused("http://[::1]:8080/health", listen: "[::]:8080"))
        #expect(Self.refused("http://localhost:8080/health", listen: "[::]:8080"))
        #expect(!Self.refused("http://127.0.0.1:8080/health", listen: "[::]:8080"), "nginx binds [::] ipv6only")
        #expect(!Self.refused("http://10.1.2.3:8080/health", listen: "0.0.0.0:8080"), "this host's other addresses are not known")
    }

    @Test("a listen line without a port is port 80, a port alone is every IPv4 address, and localhost is loopback")
    func defaults() {
        #expect(Self.refused("http://127.0.0.1/health", listen: "127.0.0.1"))
        #expect(Self.refused("http://127.0.0.1:80/health", listen: "127.0.0.1"))
        #expect(!Self.refused("http://127.0.0.1:8080/health", listen: "127.0.0.1"))
        #expect(Self.refused("http://127.0.0.1/health", listen: "80"))
        #expect(Self.refused("http://127.0.0.2:8080/x", listen: "8080"))
        #expect(Self.refused("http://[::1]/health", listen: "[::1]"))
        #expect(Self.refused("http://localhost:8080/health", listen: "127.0.0.1:8080"))
        #expect(Self.refused("http://127.0.0.1:8080/health", listen: "localhost:8080"))
        #expect(Self.refused("http://user@127.0.0.1:8080/health", listen: "127.0.0.1:8080"), "userinfo is not the host")
        #expect(!Self.refused("https://127.0.0.1/health", listen: "127.0.0.1"), "https without a port is 443")
    }

    @Test("unix sockets, empty lists and values that are no address are never refused")
    func nothingToCompare() {
        #expect(!Self.refused("http://127.0.0.1/health", listen: ""))
        #expect(!Self.refused("http://127.0.0.1/health", listen: "unix:/run/nginx.sock"))
        #expect(!Self.refused("/var/log/x", listen: "80"))
        #expect(!Self.refused("http://127.0.0.1:99999/", listen: "*:99999"))
        #expect(Self.refused("127.0.0.1:8080", listen: "*:8080"), "host:port without a scheme")
    }

    @Test("listen addresses read as nginx writes them")
    func parsing() {
        #expect(ListenAddress(listen: "80") == ListenAddress(listen: "*:80"))
        #expect(ListenAddress(listen: "[::]")?.port == 80 && ListenAddress(listen: "[::]")?.host == "::")
        #expect(ListenAddress(listen: "LOCALHOST:8080")?.host == "localhost")
        #expect(ListenAddress(listen: "unix:/run/x.sock") == nil)
        #expect(ListenAddress(listen: "::1:80") == nil, "IPv6 needs brackets")
        #expect(ListenAddress(target: "http://*:80/") == nil)
    }

    /// The host and port `ListenAddress(target:)` reads from `text`, as `host port`.
    static func target(_ text: String) -> String? {
        ListenAddress(target: text).map { "\($0.host) \($0.port)" }
    }

    @Test("a target is read as the HTTP probe reads its URL: IPv6 literals, each scheme's port, userinfo, host:port without a scheme")
    func targets() {
        #expect(Self.target("http://[::1]:8080/health") == "::1 8080")
        #expect(Self.target("http://[::1]/health") == "::1 80")
        #expect(Self.target("https://[2001:DB8::5]") == "2001:db8::5 443", "the host is compared lowercased")
        #expect(Self.target("[::1]:8443") == "::1 8443")
        #expect(Self.target("http://[fe80::1%25eth0]:80/") == "fe80::1%eth0 80", "a zone, decoded as the probe decodes it")
        #expect(Self.target("http://[::1/") == nil, "no closing bracket")
        #expect(Self.target("http://::1:8080/") == nil, "IPv6 needs brackets")

        #expect(Self.target("http://example.com") == "example.com 80")
        #expect(Self.target("HTTPS://Example.COM/x") == "example.com 443")
        #expect(Self.target("https://example.com:8443") == "example.com 8443")
        #expect(Self.target("http://example.com?q=1") == "example.com 80")
        #expect(Self.target("http://example.com#top") == "example.com 80")
        #expect(Self.target("tcp://10.0.0.5:5432") == "10.0.0.5 5432", "another scheme's authority is read as http's")

        #expect(Self.target("http://user:pw@127.0.0.1:8080/x") == "127.0.0.1 8080")
        #expect(Self.target("https://user:p%40ss@[::1]/") == "::1 443", "an encoded @ in the password is not the host's")
        #expect(Self.target("deploy@web1:8080") == "web1 8080")

        #expect(Self.target("127.0.0.1:8080") == "127.0.0.1 8080")
        #expect(Self.target("localhost") == "localhost 80")
        #expect(Self.target("web1:8080/health") == "web1 8080")
        #expect(Self.target("web1:http") == nil, "a port is a number")
        #expect(Self.target("web1:70000") == nil)
        #expect(Self.target("") == nil)
        #expect(Self.target("http://") == nil)
        #expect(Self.target("*:8080") == nil, "a wildcard is where a server listens, not where a client asks")
    }

    @Test("in a runbook: address_among refuses a given health URL on a wildcard listener and passes over a discovered one")
    func inRunbook() throws {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: own
            title: Own
            inputs:
              listen:
                type: string
                required: false
                discover: {script: nginx -T, capture: 'listen (?<value>[^;]+);', many: true}
              health:
                type: url
                default: http://127.0.0.1:8000/health
                discover: {script: nginx -T, capture: 'proxy_pass (?<value>[^;]+);'}
                refuse_if:
                  - address_among: "${listen}"
                    because: nginx itself listens on ${listen}, so ${health} asks nginx
            steps:
              end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none, summary: s}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        let nginxT = "listen 8443;\nlisten 0.0.0.0:8080;\nproxy_pass http://localhost:8080/health;\nproxy_pass http://127.0.0.1:9000/health;\n"
        let results = [
            "discover:listen": [StepResult(exitStatus: 0, output: nginxT)], "discover:health": [StepResult(exitStatus: 0, output: nginxT)],
        ]
        let found = InputFinder(runbook: runbook, runner: FakeRunner(results: results)).find(given: [:])
        let health = try #require(found.first { $0.name == "health" })
        #expect(health.value == "http://127.0.0.1:9000/health" && health.refusal == nil)
        #expect(
            health.notes.contains { $0.hasPrefix("passed over 'http://localhost:8080/health': nginx itself listens on 8443,0.0.0.0:8080") },
            "\(health.notes)")

        let given = InputFinder(runbook: runbook, runner: FakeRunner(results: results)).find(given: [
            "health": ("http://127.0.0.7:8443/health", .option)
        ])
        #expect(
            given.first { $0.name == "health" }?.refusal == "nginx itself listens on 8443,0.0.0.0:8080, so http://127.0.0.7:8443/health asks nginx")
    }
}
