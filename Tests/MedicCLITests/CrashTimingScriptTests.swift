import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// The shipped app-down.yaml's crash-when step (its docker variant, with the `crash-timing`
/// snippet it uses, as Medic runs it), run for real by /bin/sh on a log written for the test:
/// a stand-in `docker` prints it as `docker logs --tail 300` would. A verdict about the app's
/// last start is given only when a start line is among the lines read; otherwise the verdict
/// says the lines read do not reach back to it, and what they hold.
@Suite("app-down.yaml: crash-when judges the app's last start only when the lines read hold it")
struct CrashTimingScriptTests {
    static let start = "INFO:     Started server process [1]"
    static let trace = [
        "ERROR:    Traceback (most recent call last):",
        "  File \"/srv/app/settings.py\", line 12, in load",
        "KeyError: 'DATABASE_URL'",
    ]
    static func request(_ n: Int) -> String { "INFO:     172.18.0.1:4\(n) - \"GET /orders/\(n) HTTP/1.1\" 200 OK" }

    @Test("no start line, a crash report and nothing answered: the last start is not in what was read")
    func crashWithoutStart() throws {
        let verdict = try run(Self.trace)
        #expect(
            verdict == [
                "lines read: 3; starts: 0; crash reports: 1; requests answered: 0",
                "verdict: start-not-read, 1 crash reports (the 3 lines read hold no start line, so the last start of the app is not among them: 0 requests answered in them before the last crash report; how many since the last start is not known)",
            ])
    }

    @Test("no start line, requests then a crash report: the requests are those read, not those since the last start")
    func requestsThenCrashWithoutStart() throws {
        let verdict = try run([Self.request(1), Self.request(2)] + Self.trace)
        #expect(
            verdict == [
                "lines read: 5; starts: 0; crash reports: 1; requests answered: 2",
                "verdict: start-not-read, 1 crash reports (the 5 lines read hold no start line, so the last start of the app is not among them: 2 requests answered in them before the last crash report; how many since the last start is not known)",
            ])
    }

    @Test("no start line and no crash report: said as such, never 'none since the last start'")
    func nothingWithoutStart() throws {
        let verdict = try run([Self.request(1), Self.request(2)])
        #expect(
            verdict == [
                "lines read: 2; starts: 0; crash reports: 0; requests answered: 2",
                "verdict: start-not-read, no crash report (the 2 lines read hold no start line and no crash report, so the last start of the app is not among them)",
            ])
    }

    @Test("start, requests, crash report: a crash while serving, as before")
    func whileServing() throws {
        let verdict = try run([Self.start, Self.request(1), Self.request(2)] + Self.trace)
        #expect(
            verdict == [
                "starts: 1; crash reports: 1, 1 of them since the last start; requests answered: 2",
                "verdict: while-serving (2 requests answered after the last start before its crash report)",
            ])
    }

    @Test("start, then a crash report: a crash on start-up, as before")
    func onStart() throws {
        let verdict = try run([Self.start] + Self.trace)
        #expect(
            verdict == [
                "starts: 1; crash reports: 1, 1 of them since the last start; requests answered: 0",
                "verdict: on-start (no request answered after the last start before its crash report)",
            ])
    }

    @Test("a crash report, then a later start: the crash is an earlier life's and judges nothing, as before")
    func crashThenLaterStart() throws {
        let verdict = try run([Self.request(1)] + Self.trace + [Self.start, Self.request(2)])
        #expect(
            verdict == [
                "starts: 1; crash reports: 1, 0 of them since the last start; requests answered: 2",
                "verdict: none since the last start (the crash reports, if any, are of earlier lives)",
            ])
    }

    /// One start of the lab's `crashed` app as `docker logs` showed it (lab/up crashed, runtime
    /// docker; the checkout's path replaced by /srv/app): main.py raises KeyError while uvicorn
    /// imports it, before uvicorn logs any start line.
    static func importFailure() throws -> [String] {
        let text = try String(
            contentsOfFile: TestSupport.repositoryRoot + "/Tests/MedicCLITests/Fixtures/uvicorn-import-failure.log", encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// A request's traceback as uvicorn's h11 protocol logs it ("Exception in ASGI application"):
    /// the app was up and serving when it was written.
    static let requestFailure = [
        "ERROR:    Exception in ASGI application",
        "",
        "Traceback (most recent call last):",
        "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/protocols/http/h11_impl.py\", line 403, in run_asgi",
        "    result = await app(  # type: ignore[func-returns-value]",
        "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/middleware/proxy_headers.py\", line 60, in __call__",
        "    return await self.app(scope, receive, send)",
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  File \"/srv/app/main.py\", line 88, in order",
        "    return ORDERS[order_id]",
        "           ~~~~~~^^^^^^^^^^",
        "KeyError: 17",
    ]

    @Test("the lab's real import failure (a traceback through uvicorn's importer), no start line: a crash on start-up, said from the report itself")
    func importFailureWithoutStart() throws {
        let failure = try Self.importFailure()
        #expect(failure.first == "Traceback (most recent call last):" && failure.last == "KeyError: 'DATABASE_URL'", "\(failure)")
        let verdict = try run(failure + failure)
        #expect(
            verdict == [
                "lines read: \(2 * failure.count); starts: 0; crash reports: 2; requests answered: 0",
                "verdict: on-start, the last crash report read is a failure to import the app (its traceback runs through the importer of uvicorn, import_from_string), before it could answer anything",
            ])
    }

    @Test("requests, then an import failure after the last start line read: the failing life answered nothing, so on start-up, not while serving")
    func importFailureAfterServing() throws {
        let verdict = try run([Self.start, Self.request(1), Self.request(2)] + (try Self.importFailure()))
        #expect(
            verdict.last
                == "verdict: on-start, the last crash report read is a failure to import the app (its traceback runs through the importer of uvicorn, import_from_string), before it could answer anything",
            "\(verdict)")
    }

    @Test("uvicorn's 'Error loading ASGI app' and 'address already in use', no start line: start-up failures by what they say")
    func loadAndBindFailuresWithoutStart() throws {
        let load = try run(["ERROR:    Error loading ASGI app. Could not import module \"main\"."])
        #expect(
            load.last
                == "verdict: on-start, the last crash report read is a failure to load the app (\"Error loading ASGI app\"), before it could answer anything",
            "\(load)")
        let bind = try run([
            "INFO:     Waiting for application startup.", "INFO:     Application startup complete.",
            "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use",
        ])
        #expect(
            bind.last
                == "verdict: on-start, the last crash report read is a failure to bind the app to its address (\"address already in use\"), before it could answer anything",
            "\(bind)")
    }

    @Test("a request's traceback ('Exception in ASGI application'), no start line: the timing is not told")
    func requestFailureWithoutStart() throws {
        let verdict = try run([Self.request(1)] + Self.requestFailure)
        #expect(
            verdict == [
                "lines read: \(1 + Self.requestFailure.count); starts: 0; crash reports: 1; requests answered: 1",
                "verdict: start-not-read, 1 crash reports (the \(1 + Self.requestFailure.count) lines read hold no start line, so the last start of the app is not among them: 1 requests answered in them before the last crash report; how many since the last start is not known)",
            ])
    }

    @Test("an import failure, then a request's traceback: the last report judges, and it is no start-up failure")
    func requestFailureAfterImportFailure() throws {
        let verdict = try run((try Self.importFailure()) + Self.requestFailure)
        #expect(verdict.last?.hasPrefix("verdict: start-not-read, 2 crash reports") == true, "\(verdict)")
    }

    @Test("a traceback ending in ModuleNotFoundError, and a chained one, are one crash report each")
    func oneReportPerTraceback() throws {
        let missing = [
            "Traceback (most recent call last):", "  File \"/srv/app/main.py\", line 3, in <module>", "    import redis",
            "ModuleNotFoundError: No module named 'redis'",
        ]
        let chained = Self.trace + ["", "During handling of the above exception, another exception occurred:", ""] + Self.trace
        let verdict = try run(missing + chained)
        #expect(verdict.first == "lines read: \(missing.count + chained.count); starts: 0; crash reports: 2; requests answered: 0", "\(verdict)")
    }

    @Test("compose's logs, each line behind the container's name and '|' (v1 and v2): the import failure is read through the prefix")
    func composePrefix() throws {
        let failure = try Self.importFailure()
        let v1 = try run(failure.map { "app_1               | " + $0 }, runtime: "compose")
        #expect(v1.last?.hasPrefix("verdict: on-start, the last crash report read is a failure to import the app") == true, "\(v1)")
        let v2 = try run(failure.map { "app-1  | " + $0 }, runtime: "compose")
        #expect(v2.last?.hasPrefix("verdict: on-start, the last crash report read is a failure to import the app") == true, "\(v2)")
    }

    @Test("start-not-read's reasons name the lines read (a capture that did not match once emptied the count)")
    func startNotReadReasonsNameTheLines() throws {
        let cli = CommandLineTests()
        let crash = try cli.medic(["drill", "runbooks/nginx-502.yaml", "--scenario", "docker-crash-start-not-read"], stdin: "")
        #expect(crash.output.contains("the last 300 lines read of the app's log hold 1 crash reports but no start line"), "\(crash.output)")
        let scrolled = try cli.medic(["drill", "runbooks/nginx-502.yaml", "--scenario", "docker-crash-scrolled-off"], stdin: "")
        #expect(scrolled.output.contains("the 300 lines read to time the crash"), "\(scrolled.output)")
    }

    @Test("an app that ended with a crash report in the window, of an earlier life: the unexplained ending counts it, never 'no crash report'")
    func unexplainedEndingCountsTheCrashRead() throws {
        let cli = CommandLineTests()
        let drill = try cli.medic(["drill", "runbooks/nginx-502.yaml", "--scenario", "docker-crash-before-last-start"], stdin: "")
        #expect(drill.output.contains("held 1 crash reports, none of them placed in its last life"), "\(drill.output)")
        #expect(!drill.output.contains("left no crash report"), "\(drill.output)")
    }

    /// Runs the crash-when step's docker variant with a stand-in `docker` (a shell function,
    /// not a file on PATH, which could fail with "text file busy" while other tests fork) that
    /// prints `lines`; returns the output's lines.
    /// `runtime` compose runs the compose variant: the stand-in `docker` answers `docker compose
    /// version` and prints `lines` for `docker compose ... logs`.
    func run(_ lines: [String], runtime: String = "docker") throws -> [String] {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(TestSupport.repositoryRoot + "/runbooks/app-down.yaml")
        let runbook = try #require(bundle?.root, "\(diagnostics)")
        let step = try #require(runbook.step("crash-when"))
        let variant = try #require(step.variants?.variant(for: runtime))
        guard case .script(let script, _)? = variant.execution else { throw TestFailure("crash-when's \(runtime) variant runs no script") }
        #expect(script.contains("crash_timing() {"), "the crash-timing snippet is not in the script:\n\(script)")
        let dir = try TestSupport.temporaryDirectory()
        let log = dir + "/app.log"
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let docker = "docker() { [ \"$1 $2\" = 'compose version' ] && return 0; cat \"$APP_LOG\"; }\n"
        let ended = try Spawn.run(
            ["/bin/sh", "-c", docker + script],
            environment: ["PATH": "/usr/bin:/bin", "APP_SERVICE": "app", "APP_LOG": log], timeout: 30)
        #expect(ended.status == 0, "\(ended.output)")
        return ended.output.split(separator: "\n").map(String.init)
    }
}
