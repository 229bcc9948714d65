import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A `url` input reaches scripts in parts (`NAME_SCHEME`, `NAME_HOST`, `NAME_PORT`, `NAME_ORIGIN`,
/// `NAME_PATH`), read by the probe's own URL reader, so a runbook never takes a URL apart in shell.
@Suite("A URL input's parts")
struct URLPartsTests {
    static let here = SourceLocation.start(of: "u.yaml")

    static func parts(_ value: String?) -> [String] {
        let input = InputDefinition(name: "site_url", type: .url, location: here)
        let environment = input.derivedEnvironment(for: value)
        return ["SCHEME", "HOST", "PORT", "ORIGIN", "PATH"].map { environment["SITE_URL_" + $0] ?? "(unset)" }
    }

    @Test(
        "each part is what the HTTP probe would use",
        arguments: [
            ("http://127.0.0.1/", ["http", "127.0.0.1", "80", "http://127.0.0.1", "/"]),
            ("https://example.test", ["https", "example.test", "443", "https://example.test", "/"]),
            ("HTTP://Example.test:8080/a/b?x=1&y=2#top", ["http", "Example.test", "8080", "http://Example.test:8080", "/a/b"]),
            ("http://[::1]:8000/health", ["http", "::1", "8000", "http://[::1]:8000", "/health"]),
            ("http://[fe80::1%25eth0]/", ["http", "fe80::1%eth0", "80", "http://[fe80::1%25eth0]", "/"]),
            ("http://user:p%40ss@127.0.0.1:81?q", ["http", "127.0.0.1", "81", "http://127.0.0.1:81", "/"]),
            ("http://127.0.0.1/caf\u{E9}", ["http", "127.0.0.1", "80", "http://127.0.0.1", "/caf%C3%A9"]),
        ])
    func parts(url: String, expected: [String]) {
        #expect(Self.parts(url) == expected)
    }

    @Test(
        "a value that is empty, missing or not a URL the probe could ask leaves every part empty, never unset",
        arguments: [nil, "", "ftp://x/", "http://", "http://h:99999/"])
    func emptyParts(value: String?) {
        #expect(Self.parts(value) == ["", "", "", "", ""])
    }

    @Test("only url and duration inputs have derived variables")
    func derivedNames() {
        #expect(InputDefinition(name: "u", type: .url, location: Self.here).derivedNames == ["u_scheme", "u_host", "u_port", "u_origin", "u_path"])
        #expect(InputDefinition(name: "w", type: .duration, location: Self.here).derivedNames == ["w_seconds"])
        #expect(InputDefinition(name: "w", type: .duration, location: Self.here).derivedEnvironment(for: "2m") == ["W_SECONDS": "120"])
        #expect(InputDefinition(name: "s", type: .string, location: Self.here).derivedNames == [])
        #expect(InputDefinition(name: "s", type: .string, location: Self.here).derivedEnvironment(for: "http://x/") == [:])
    }

    static let yaml = """
        medic: 1
        id: u
        title: U
        inputs:
          site_url: {type: url, default: 'http://[::1]:8080/app?x=1'}
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: 'echo "$SITE_URL_ORIGIN$SITE_URL_PATH"'
            branches:
              - otherwise: end
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a step's script gets the parts of the value the run uses, and the operator sees them beside the script")
    func walkEnvironment() throws {
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.parsed(Self.yaml, path: "u.yaml")), inputs: ["site_url": "https://a.test/x/y"])
        var driver = ScriptedDriver(results: ["look": [StepResult(exitStatus: 0, output: "")]])
        driver.drive(&walk, from: walk.start())
        let look = try #require(driver.ran.first { $0.stepID == "look" })
        #expect(look.environment["SITE_URL"] == "https://a.test/x/y")
        #expect(look.environment["SITE_URL_ORIGIN"] == "https://a.test" && look.environment["SITE_URL_PATH"] == "/x/y")
        #expect(look.environment["SITE_URL_PORT"] == "443" && look.environment["SITE_URL_HOST"] == "a.test")
        #expect(look.scriptValues.map(\.name) == ["SITE_URL_ORIGIN", "SITE_URL_PATH"])
        #expect(look.scriptValues.map(\.value) == ["https://a.test", "/x/y"])
    }

    @Test("a discovery gets the parts of the inputs found before it")
    func discoveryEnvironment() throws {
        let yaml = Self.yaml.replacing(
            "steps:",
            with: """
                  login_url:
                    type: url
                    discover:
                      script: 'echo "login=$SITE_URL_ORIGIN/auth/login"'
                      capture: '^login=(?<value>\\S+)$'
                steps:
                """)
        let (findings, runner) = TestSupport.findInputs(
            of: try TestSupport.runbook(yaml),
            results: ["discover:login_url": [StepResult(exitStatus: 0, output: "login=http://[::1]:8080/auth/login\n")]],
            given: [:])
        let discovery = try #require(runner.ran.first { $0.stepID == "discover:login_url" })
        #expect(discovery.environment["SITE_URL_ORIGIN"] == "http://[::1]:8080")
        #expect(discovery.environment["SITE_URL_HOST"] == "::1" && discovery.environment["SITE_URL_PATH"] == "/app")
        #expect(discovery.environment["LOGIN_URL_HOST"] == "", "its own parts are empty until it has a value")
        #expect(findings["login_url"]?.value == "http://[::1]:8080/auth/login")
    }

    static func errors(_ yaml: String) -> [String] { TestSupport.errors(yaml, path: "u.yaml") }

    @Test("the shipped-style runbook validates")
    func validates() {
        #expect(Self.errors(Self.yaml) == [])
    }

    @Test("a variable named as a URL input's part is an error where it is written: the part would overwrite it")
    func collision() {
        let capture = Self.yaml.replacing("    branches:\n", with: "    capture: ['(?<site_url_host>\\S+)']\n    branches:\n")
        #expect(
            Self.errors(capture) == [
                "u.yaml:12:15: error: the capture 'site_url_host' of 'look' has the name of a part of the url input 'site_url': scripts read SITE_URL_HOST as that part\nu.yaml:12:15: note: rename it"
            ])
        let input = Self.yaml.replacing("steps:", with: "  site_url_port: {type: int, default: '1'}\nsteps:")
        #expect(Self.errors(input).count == 1)
        #expect(Self.errors(input).first?.contains("the input 'site_url_port' has the name of a part of the url input 'site_url'") == true)
        let duration = Self.yaml.replacing(
            "steps:", with: "  window: {type: duration, default: 5m}\n  window_seconds: {type: int, default: '1'}\nsteps:")
        #expect(Self.errors(duration).first?.contains("the input 'window_seconds' has the name of a part of the duration input 'window'") == true)
    }

    /// A bundle of `Self.yaml`, whose step then calls callee.yaml (with `with`, when given), and
    /// `callee`.
    static func calling(_ callee: String, with: String? = nil) throws -> RunbookBundle {
        let caller = Self.yaml.replacing(
            "    script: 'echo \"$SITE_URL_ORIGIN$SITE_URL_PATH\"'\n    branches:\n      - otherwise: end\n",
            with: "    script: 'true'\n    branches:\n      - otherwise: call\n  call:\n    kind: runbook\n    title: Call\n    why: w\n"
                + "    runbook: callee.yaml\n" + (with.map { "    with: \($0)\n" } ?? "") + "    branches:\n      - otherwise: end\n")
        return TestSupport.bundle(
            try TestSupport.parsed(caller, path: "/rb/caller.yaml"), calling: [try TestSupport.parsed(callee, path: "/rb/callee.yaml")])
    }

    @Test("a value passed with 'with:' under a part's name is the callee's input, in the callee's frame: no clash")
    func passedUnderPartName() throws {
        let callee = """
            medic: 1
            id: callee
            title: Callee
            inputs:
              site_url_host: {type: string}
            steps:
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let bundle = try Self.calling(callee, with: "{site_url_host: '${site_url}'}")
        #expect(Validator().validate(bundle).filter { $0.severity == .error }.map(\.description) == [])
    }

    @Test(
        "a called runbook's output named as a part of the caller's url input, in either case, is an error: scripts export both under one name",
        arguments: ["site_url_host", "SITE_URL_HOST"])
    func handedBackUnderPartName(output: String) throws {
        let callee = """
            medic: 1
            id: callee
            title: Callee
            outputs:
              \(output): {description: an address}
            steps:
              read: {kind: check, title: Read, why: w, script: echo h, capture: '(?<\(output)>h)', branches: [{otherwise: done}]}
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let errors = Validator().validate(try Self.calling(callee)).filter { $0.severity == .error }.map(\.message)
        #expect(
            errors == [
                "callee.yaml hands back '\(output)', which has the name of a part of the url input 'site_url' of 'u': scripts read SITE_URL_HOST as that part"
            ])
    }

    @Test("a template that names a part is told the parts reach scripts only")
    func templateNamesPart() {
        let yaml = Self.yaml.replacing("      - otherwise: end\n", with: "      - otherwise: end\n        because: 'port ${site_url_port}'\n")
        let errors = Self.errors(yaml)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("error: a 'because' of 'look' uses '${site_url_port}', which no input defines and no step captures") == true)
        #expect(errors.first?.hasSuffix("note: the parts of the url input 'site_url' reach scripts only, as $SITE_URL_PORT") == true, "\(errors)")
    }

    @Test("a url input named docker would set DOCKER_HOST, which points every later docker command at another daemon: an error")
    func dockerHost() {
        let errors = Self.errors(Self.yaml.replacing("steps:", with: "  docker: {type: url, required: false}\nsteps:"))
        #expect(errors.count == 1, "\(errors)")
        #expect(
            errors.first?.contains("error: the url input 'docker', as DOCKER_HOST, reaches every step as the environment variable DOCKER_HOST")
                == true,
            "\(errors)")
    }

    @Test("a URL or duration input whose part would set a variable the loader reads is one error", arguments: ["url", "duration"])
    func dangerousPart(type: String) {
        let yaml = Self.yaml.replacing("steps:", with: "  ld: {type: \(type), required: false}\nsteps:")
        let errors = Self.errors(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("error: the \(type) input 'ld', as LD_") == true)
        #expect(errors.first?.contains("reaches every step as the environment variable LD_") == true)
    }
}
