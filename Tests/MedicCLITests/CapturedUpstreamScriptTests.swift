import Foundation
import Glibc
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// The shipped nginx-502.yaml's tls-scheme, header-buffers and upstream-targets scripts, run for
/// real by /bin/sh with what the error-log step's log probe captured in their environment (as a
/// run gives it) and a stand-in `nginx -T`: they try and list what the window's lines named,
/// read no log, and treat a hostile value as data.
@Suite("nginx-502.yaml: the steps after the error log use what the log probe captured")
struct CapturedUpstreamScriptTests {
    @Test(
        "upstream-targets tries nginx's own addresses; captured ones nginx no longer names are said apart, untried; a value that is no address is dropped"
    )
    func upstreamTargets() throws {
        let configured = try TestSupport.closedLoopbackPort()
        let failed = try TestSupport.closedLoopbackPort()
        let output = try run(
            "upstream-targets", config: "proxy_pass http://127.0.0.1:\(configured);",
            values: [
                "FAILED_UPSTREAMS": "127.0.0.1:\(configured)\n127.0.0.2:\(failed)\n[::1]:\(failed)\n$(touch /tmp/medic-pwned) x;y",
                "APP_HEALTH_URL": "http://127.0.0.1:\(configured)/health",
            ])
        #expect(output.contains("target 127.0.0.1:\(configured) not-listening\n"), "\(output)")
        // The app's own address is app_health_url's host and port, as Medic's URL reader gives them.
        #expect(output.contains("app 127.0.0.1:\(configured) not-listening, targeted by nginx\n"), "\(output)")
        #expect(!output.contains("logged 127.0.0.1:\(configured) "), "\(output)")
        #expect(output.contains("logged 127.0.0.2:\(failed) not-configured "), "\(output)")
        #expect(output.contains("logged [::1]:\(failed) not-configured "), "\(output)")
        #expect(!output.contains("target 127.0.0.2") && !output.contains("target [::1]"), "\(output)")
        #expect(!output.contains("pwned") && !FileManager.default.fileExists(atPath: "/tmp/medic-pwned"), "\(output)")
    }

    @Test("upstream-targets with nginx_site tries the site's server block's addresses only, not another site's")
    func siteTargetsOnly() throws {
        let site = try TestSupport.closedLoopbackPort()
        let other = try TestSupport.closedLoopbackPort()
        let output = try run(
            "upstream-targets", config: "proxy_pass http://127.0.0.1:\(site); } location /shop { proxy_pass http://127.0.0.1:\(other);",
            values: ["NGINX_SITE": "block=1 upstream=127.0.0.1:\(site)", "APP_HEALTH_URL": "http://127.0.0.1:\(site)/health"])
        #expect(output.contains("the site's server block sends requests to (nginx -T, nginx_site):\n  127.0.0.1:\(site)\n"), "\(output)")
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("target ") } == ["target 127.0.0.1:\(site) not-listening"], "\(output)")
    }

    @Test("upstream-targets with nothing captured tries nginx's own addresses only")
    func upstreamTargetsNothingCaptured() throws {
        let configured = try TestSupport.closedLoopbackPort()
        let output = try run(
            "upstream-targets", config: "proxy_pass http://127.0.0.1:\(configured);",
            values: ["FAILED_UPSTREAMS": "", "APP_HEALTH_URL": "http://127.0.0.1:\(configured)/health"])
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("target ") } == ["target 127.0.0.1:\(configured) not-listening"], "\(output)")
    }

    @Test("tls-scheme asks each captured upstream both ways, with the scheme nginx used")
    func tlsScheme() throws {
        let port = try TestSupport.closedLoopbackPort()
        let output = try run(
            "tls-scheme", config: "proxy_pass https://127.0.0.1:\(port);", values: ["TLS_UPSTREAMS": "https://127.0.0.1:\(port)\nnot a url"])
        #expect(output.contains("upstream 127.0.0.1:\(port): nginx uses https; plain HTTP answers 000; TLS handshake curl exit 7\n"), "\(output)")
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("upstream ") }.count == 1, "\(output)")
    }

    @Test("header-buffers lists the captured requests, newest first, as data")
    func headerBuffers() throws {
        let output = try run(
            "header-buffers", config: "proxy_buffer_size 4k;", values: ["TOO_BIG_REQUESTS": "GET /account HTTP/1.1\nPOST /a\"b $(id) HTTP/1.1"])
        #expect(output.hasSuffix("requests whose response headers did not fit:\n  GET /account HTTP/1.1\n  POST /a\"b $(id) HTTP/1.1\n"), "\(output)")
    }

    // MARK: - Running the shipped scripts

    /// Runs step `stepID` of the shipped nginx-502.yaml (its script with its snippets, as Medic
    /// runs it) with a stand-in `nginx` whose `-T` prints `config` in a location block.
    func run(_ stepID: String, config: String, values: [String: String]) throws -> String {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(TestSupport.repositoryRoot + "/runbooks/nginx-502.yaml")
        let runbook = try #require(bundle?.root, "\(diagnostics)")
        let step = try #require(runbook.step(stepID))
        guard case .script(let script, _)? = step.execution else { throw TestFailure("\(stepID) runs no script") }
        #expect(!script.contains("awk -v since") && !script.contains("window_lines"), "\(stepID) still reads the log itself")
        let dir = try TestSupport.temporaryDirectory()
        // The stand-in is a shell function, not a file on PATH: a file written and executed while
        // other tests fork can fail with "text file busy".
        let nginx = "nginx() {\ncat <<'EOF'\nhttp {\n  server {\n    listen 80;\n    location / {\n      \(config)\n    }\n  }\n}\nEOF\n}\n"
        var environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "NGINX_CONF": dir + "/nginx.conf"].merging(values) { $1 }
        // A URL input's parts, as a run exports them beside it (APP_HEALTH_URL_PORT, …).
        for input in runbook.inputs {
            if let value = values[input.environmentName] { environment.merge(input.derivedEnvironment(for: value)) { $1 } }
        }
        let ended = try Spawn.run(["/bin/sh", "-c", nginx + script], environment: environment, timeout: 60)
        #expect(ended.status == 0, "\(ended.output)")
        return ended.output
    }
}
