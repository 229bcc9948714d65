import Foundation
import MedicCore
import MedicLoader
import MedicRender
import MedicTestSupport
import Testing

/// `read_only: {reason: …}`: a check on its author's word validates where the allow-list cannot
/// prove it, only with a reason; HTTP methods other than GET and HEAD need it.
@Suite("Vouching for a check")
struct VouchValidationTests {
    static func diagnostics(check body: String) -> [Diagnostic] {
        let yaml = """
            medic: 1
            id: v
            title: V
            steps:
              probe:
                kind: check
                title: Probe
                why: w
            \(body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let loaded = RunbookLoader().parse(yaml, path: "v.yaml")
        guard let runbook = loaded.runbook else { return loaded.diagnostics }
        return loaded.diagnostics + Validator().validate(RunbookBundle(root: runbook, runbooks: [:]))
    }

    @Test(
        "an HTTP check with a method other than GET or HEAD is refused, naming the method and the way out",
        arguments: ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    func unsafeMethods(_ method: String) {
        let found = Self.diagnostics(check: "http: {url: 'http://127.0.0.1/x', method: \(method)}")
        #expect(
            found.contains {
                $0.severity == .error && $0.message.contains("an HTTP \(method) may change state on the server")
                    && ($0.hint ?? "").contains("read_only")
            }, "\(found)")
    }

    @Test("GET and HEAD need no vouching", arguments: ["GET", "HEAD"])
    func safeMethods(_ method: String) {
        #expect(Self.diagnostics(check: "http: {url: 'http://127.0.0.1/x', method: \(method)}").isEmpty)
    }

    @Test("with a reason, a POST and an unprovable script validate; the reason is kept")
    func vouched() throws {
        for body in [
            "read_only: {reason: the login only checks a password}\nhttp: {url: 'http://127.0.0.1/x', method: POST}",
            "read_only:\n  reason: psql in a read-only transaction\nscript: psql -c 'select 1'",
        ] {
            let found = Self.diagnostics(check: body)
            #expect(found.isEmpty, "\(body): \(found)")
        }
    }

    @Test("a vouch needs a non-empty reason, as a mapping, and only a check takes one")
    func malformed() {
        let empty = Self.diagnostics(check: "read_only: {reason: '  '}\nscript: psql -c 'select 1'")
        #expect(empty.contains { $0.message.contains("must say why the check cannot change anything") }, "\(empty)")
        let bare = Self.diagnostics(check: "read_only: true\nscript: psql -c 'select 1'")
        #expect(bare.contains { $0.message.contains("must be a mapping with the author's 'reason'") }, "\(bare)")
        let unknown = Self.diagnostics(check: "read_only: {reason: x, why: y}\nscript: psql -c 'select 1'")
        #expect(unknown.contains { $0.severity == .error && $0.message.contains("why") }, "\(unknown)")
        let yaml = """
            medic: 1
            id: v
            title: V
            steps:
              fix:
                kind: action
                title: Fix
                why: w
                read_only: {reason: x}
                command: [reboot]
                branches:
                  - when: {succeeded: true}
                    next: done
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let loaded = RunbookLoader().parse(yaml, path: "v.yaml")
        #expect(loaded.diagnostics.contains { $0.severity == .error && $0.message.contains("read_only") }, "\(loaded.diagnostics)")
    }

    @Test("vouching for a check Medic proves read-only is warned about")
    func needless() {
        let found = Self.diagnostics(check: "read_only: {reason: it only reads}\ncommand: [uptime]")
        #expect(found.count == 1 && found.first?.severity == .warning && found.first?.message.contains("is provably read-only") == true, "\(found)")
    }

    @Test("show marks the check UNVERIFIED with the author's reason")
    func shown() throws {
        let yaml = """
            medic: 1
            id: v
            title: V
            steps:
              probe:
                kind: check
                title: Probe
                why: w
                read_only: {reason: the login only checks a password}
                http: {url: 'http://127.0.0.1/x', method: POST}
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let runbook = try #require(RunbookLoader().parse(yaml, path: "v.yaml").runbook)
        let text = RunbookDocument(runbook).render()
        #expect(text.contains("UNVERIFIED: read-only on the author's word, not proven by Medic"), "\(text)")
        #expect(text.contains("the login only checks a password"))
    }
}

@Suite("Asking for the writable file system")
struct WritableFileSystemTests {
    @Test("writable_fs takes a reason, reaches the invocation and is shown; only checks take it")
    func writable() throws {
        let yaml = """
            medic: 1
            id: v
            title: V
            steps:
              conf:
                kind: check
                title: Read nginx's configuration
                why: w
                writable_fs: {reason: nginx -T opens its pid and log files to test them}
                command: [nginx, -T]
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let runbook = try #require(RunbookLoader().parse(yaml, path: "v.yaml").runbook)
        #expect(runbook.step("conf")?.writableFileSystem == "nginx -T opens its pid and log files to test them")
        let walk = Walk(bundle: RunbookBundle(root: runbook, runbooks: [:]), inputs: [:])
        #expect(walk.invocation(for: try #require(runbook.step("conf")))?.writableFileSystem == true)
        #expect(RunbookDocument(runbook).render().contains("runs on the writable file system, outside Medic's read-only mount namespace"))
        let empty = VouchValidationTests.diagnostics(check: "writable_fs: {reason: ''}\ncommand: [nginx, -T]")
        #expect(empty.contains { $0.message.contains("must say what the check writes outside its scratch folder") }, "\(empty)")
        let action = RunbookLoader().parse(yaml.replacingOccurrences(of: "kind: check", with: "kind: action"), path: "v.yaml")
        #expect(action.diagnostics.contains { $0.severity == .error && $0.message.contains("writable_fs") }, "\(action.diagnostics)")
    }

    /// The warnings about the read-only check sandbox among `found`.
    static func sandboxWarnings(_ found: [Diagnostic]) -> [Diagnostic] {
        found.filter { $0.message.contains("read-only check sandbox") }
    }

    @Test(
        "a check that tests nginx's configuration without writable_fs is a located warning that names the fix",
        arguments: [
            ("command: [nginx, -t]", "-t", 9, 15),
            ("command: [/usr/sbin/nginx, -q, -c, /etc/nginx/nginx.conf, -T]", "-T", 9, 15),
            ("command: [sudo, -n, timeout, 5, nginx, -qt]", "-t", 9, 15),
            ("script: |\n  echo start\n  conf=$(nginx -T -c \"$NGINX_CONF\" 2>&1) || exit 2", "-T", 11, 14),
            // In a function, at the command in its body (`env`, column 20, past the opening
            // quote), proven at the call.
            ("script: 'f() { env A=b nginx -T; }; f'", "-T", 9, 20),
        ])
    func nginxTest(_ body: String, _ option: String, _ line: Int, _ column: Int) throws {
        let warnings = Self.sandboxWarnings(VouchValidationTests.diagnostics(check: body))
        #expect(warnings.count == 1, "\(body): \(warnings)")
        let warning = try #require(warnings.first)
        #expect(warning.severity == .warning)
        #expect(
            warning.message
                == "check 'probe' will fail in Medic's read-only check sandbox: nginx \(option) opens the pid and log files its configuration names, to test them"
        )
        #expect((warning.hint ?? "").contains("writable_fs: {reason:"))
        #expect((warning.location.line, warning.location.column) == (line, column), "\(warning.location)")
        // With the writable file system asked for, nothing is said.
        let asked = VouchValidationTests.diagnostics(check: "writable_fs: {reason: nginx opens its pid file}\n" + body)
        #expect(asked.isEmpty, "\(asked)")
    }

    @Test(
        "nginx -V, nginx named as text, and a test of nginx's configuration on another host need no writable_fs",
        arguments: [
            "command: [nginx, -V]", "command: [echo, nginx, -t]", "script: 'grep -c nginx -- /etc/hosts; echo nginx -T'",
            "where: {host: web1}\ncommand: [nginx, -T]",
        ])
    func noSandboxWrite(_ body: String) {
        let found = VouchValidationTests.diagnostics(check: body)
        #expect(Self.sandboxWarnings(found).isEmpty, "\(body): \(found)")
    }

    /// A runbook whose one input is discovered by `nginx -T`, with `extra` (`, writable_fs: …`)
    /// written at the end of its `discover:` mapping, on line 7.
    static func discovering(_ extra: String) -> String {
        """
        medic: 1
        id: v
        title: V
        inputs:
          upstream:
            type: string
            discover: {command: [nginx, -T], capture: 'proxy_pass http://(?<value>[^;]+)'\(extra)}
        steps:
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }

    @Test("a discovery that tests nginx's configuration without writable_fs is warned about the same way")
    func discovery() throws {
        func found(_ writable: String) -> [Diagnostic] {
            let loaded = RunbookLoader().parse(Self.discovering(writable), path: "v.yaml")
            guard let runbook = loaded.runbook else { return loaded.diagnostics }
            return loaded.diagnostics + Validator().validate(RunbookBundle(root: runbook, runbooks: [:]))
        }
        let warning = try #require(Self.sandboxWarnings(found("")).first)
        #expect(warning.message.hasPrefix("the discovery of 'upstream' will fail in Medic's read-only check sandbox: nginx -T"))
        #expect((warning.location.line, warning.location.column) == (7, 26))
        #expect(found(", writable_fs: {reason: nginx opens its pid file}").isEmpty)
    }

    @Test(
        "a discovery's writable_fs is read as a step's and a snippet's are: each refusal located, the reason trimmed",
        arguments: [
            ("yes", "'writable_fs' of the discovery of 'upstream' must be a mapping with the author's 'reason'"),
            ("{reason: ' '}", "'writable_fs' of the discovery of 'upstream' must say what the discovery writes outside its scratch folder"),
            ("{}", "needs 'reason'"),
            ("{reason: x, why: y}", "unknown key 'why'"),
        ])
    func discoveryReason(written: String, says: String) throws {
        func yaml(_ writable: String) -> String { Self.discovering(", writable_fs: \(writable)") }
        let errors = TestSupport.errors(yaml(written), path: "v.yaml")
        #expect(errors.count == 1 && errors.first?.hasPrefix("v.yaml:7:") == true, "\(errors)")
        #expect(errors.first?.contains(says) == true, "\(errors)")
        let runbook = try TestSupport.runbook(yaml("{reason: '  nginx opens its pid file '}"))
        #expect(runbook.inputs.first?.discovery?.writableFileSystem == "nginx opens its pid file")
    }
}
