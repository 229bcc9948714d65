import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// The probe fields that take a value from the inputs: a log window's `since` and an HTTP probe's
/// `unix_socket`, read by the loader, checked by the validator and filled in by the walk.
@Suite("Templated probe fields: since and unix_socket")
struct ProbeTemplateTests {
    func loaded(_ inputs: String, _ execution: String) -> (runbook: Runbook?, errors: [Diagnostic]) {
        let text = """
            medic: 1
            id: t
            title: T
            inputs:
            \(inputs)
            steps:
              a:
                kind: check
                title: A
                why: w
            \(execution)
                branches:
                  - otherwise: end
            \(TestSupport.runbookEnding())
            """
        let parsed = RunbookLoader().parse(text, path: "t.yaml")
        var errors = parsed.diagnostics.filter { $0.severity == .error }
        if let runbook = parsed.runbook { errors += Validator().validate(runbook).filter { $0.severity == .error } }
        return (parsed.runbook, errors)
    }

    static let window = """
            window:
              type: duration
              description: d
              default: 15m
            socket:
              type: path
              description: s
              required: false
            name:
              type: string
              description: n
              default: x
        """

    func log(since: String) -> String { "    log: {file: /var/log/x.log, since: '\(since)'}" }

    @Test("since takes a duration input, and the walk fills it in")
    func sinceFromAnInput() throws {
        let (runbook, errors) = loaded(Self.window, log(since: "${window}"))
        #expect(errors.isEmpty)
        var walk = Walk(bundle: TestSupport.bundle(try #require(runbook)), inputs: ["window": "2h", "name": "x"])
        _ = walk.start()
        let step = try #require(runbook?.step("a"))
        guard case .log(let query) = walk.invocation(for: step)?.payload else {
            Issue.record("not a log window")
            return
        }
        #expect(query.since == .seconds(7200))
    }

    @Test(
        "since that may not render to a duration is a located error",
        arguments: [
            ("${name}", "the 'since' of 'a' uses '${name}', an input of type string, not duration"),
            ("${socket}", "the 'since' of 'a' uses '${socket}', an input of type path, not duration"),
            ("${window}s", "the 'since' of 'a' must be a duration or a single ${name}, not '${window}s'"),
            ("soon", "'since' 'soon' is not a duration"),
        ])
    func sinceRefused(since: String, message: String) {
        let (_, errors) = loaded(Self.window, log(since: since))
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.location.line == 22)
    }

    @Test("an optional duration input may be left empty, so since refuses it")
    func sinceOptionalInput() {
        let inputs = """
              window:
                type: duration
                description: d
                required: false
            """
        let (_, errors) = loaded(inputs, log(since: "${window}"))
        #expect(errors.map(\.message) == ["the 'since' of 'a' uses '${window}', an input that may be left empty"])
    }

    @Test("unix_socket: a literal must be an absolute path; an input is filled in, and empty means TCP")
    func unixSocket() throws {
        let relative = loaded(Self.window, "    http: {url: 'http://app/health', unix_socket: run/app.sock}")
        #expect(relative.errors.map(\.message) == ["'run/app.sock' is not a unix socket path"])

        let (runbook, errors) = loaded(Self.window, "    http: {url: 'http://app/health', unix_socket: '${socket}'}")
        #expect(errors.isEmpty)
        let step = try #require(runbook?.step("a"))
        for (value, expected) in [("/run/app/app.sock", "/run/app/app.sock"), ("", nil)] as [(String, String?)] {
            var walk = Walk(bundle: TestSupport.bundle(try #require(runbook)), inputs: ["window": "15m", "name": "x", "socket": value])
            _ = walk.start()
            guard case .http(let request) = walk.invocation(for: step)?.payload else {
                Issue.record("not an http probe")
                return
            }
            #expect(request.unixSocket == expected)
        }
    }

    @Test("a log probe's zone takes an input, filled in by the walk (empty for the host's zone); an unknown name or a secret is refused")
    func zoneFromAnInput() throws {
        let inputs = Self.window + "\n    token: {type: secret, description: t, required: false}"
        let probe = "    log: {file: /var/log/x.log, since: 15m, zone: '${name}'}"
        let (runbook, errors) = loaded(inputs, probe)
        #expect(errors.isEmpty, "\(errors)")
        let step = try #require(runbook?.step("a"))
        for (value, expected) in [("Asia/Tokyo", "Asia/Tokyo"), ("", nil)] as [(String, String?)] {
            var walk = Walk(bundle: TestSupport.bundle(try #require(runbook)), inputs: ["window": "2h", "name": value])
            _ = walk.start()
            guard case .log(let query) = walk.invocation(for: step)?.payload else {
                Issue.record("not a log window")
                return
            }
            #expect(query.zone == expected)
            #expect(walk.invocation(for: step)?.display.hasSuffix(expected.map { ", times in TZ \($0)" } ?? "since 15m") == true)
        }
        let unknown = loaded(inputs, "    log: {file: /var/log/x.log, since: 15m, zone: '${tz}'}").errors.map(\.message)
        #expect(unknown.count == 1 && unknown[0].contains("'${tz}'"), "\(unknown)")
        let secret = loaded(inputs, "    log: {file: /var/log/x.log, since: 15m, zone: '${token}'}").errors.map(\.message)
        #expect(secret == ["the log zone of 'a' uses the secret 'token'; it would be shown and recorded"], "\(secret)")
    }
}
