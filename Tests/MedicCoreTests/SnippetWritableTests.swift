import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A snippet that needs the real file system (`nginx -T` opens its pid and log files) says so
/// once, with its text: every check and discovery that uses it runs outside the read-only mount
/// namespace with the snippet's reason, unless it gives its own.
@Suite("A snippet's writable_fs")
struct SnippetWritableTests {
    static let yaml = """
        medic: 1
        id: w
        title: W
        inputs:
          runtime: {type: choice, choices: [docker, systemd], default: docker}
          conf_path:
            type: path
            required: false
            discover:
              uses: [wrapped]
              script: echo "$conf" | head -n 1
              capture: '^(?<value>/\\S+)$'
        snippets:
          config:
            writable_fs: {reason: nginx -T opens the pid and log files it names}
            script: |
              conf=$(nginx -T 2>/dev/null)
          wrapped:
            uses: [config]
            script: |
              lines() { printf '%s\\n' "$conf"; }
          plain: |
            p() { :; }
        steps:
          own:
            kind: check
            title: Own
            why: w
            uses: [config]
            writable_fs: {reason: it writes a marker}
            script: echo "$conf"
            branches:
              - otherwise: inherited
          inherited:
            kind: check
            title: Inherited
            why: w
            uses: [wrapped]
            script: lines
            branches:
              - otherwise: variant
          variant:
            kind: check
            title: Variant
            why: w
            by: runtime
            variants:
              docker: {uses: [config], script: echo "$conf"}
              systemd: {script: 'true'}
            branches:
              - otherwise: unconfined
          unconfined:
            kind: check
            title: Plain
            why: w
            uses: [plain]
            script: p
            branches:
              - otherwise: fix
          fix:
            kind: action
            title: Fix
            why: w
            uses: [config]
            script: echo "$conf" >/dev/null
            branches:
              - when: {succeeded: true}
                next: end
              - otherwise: stuck
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
          stuck: {kind: conclusion, title: Stuck, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a check or discovery using the snippet, even through another snippet, takes its reason; its own reason wins; an action needs none")
    func inherited() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let reason = "nginx -T opens the pid and log files it names"
        #expect(runbook.step("own")?.writableFileSystem == "it writes a marker")
        #expect(runbook.step("inherited")?.writableFileSystem == reason)
        #expect(runbook.step("variant")?.writableFileSystem == reason, "the mount namespace is the step's, whichever variant runs")
        #expect(runbook.step("unconfined")?.writableFileSystem == nil)
        #expect(runbook.step("fix")?.writableFileSystem == nil)
        #expect(runbook.input("conf_path")?.discovery?.writableFileSystem == reason)
    }

    @Test("the walk hands the reason on: the check runs with the real file system, a plain one confined")
    func invocation() throws {
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.yaml)), inputs: ["runtime": "docker"])
        var driver = ScriptedDriver(
            results: [
                "own": [StepResult(exitStatus: 0)], "inherited": [StepResult(exitStatus: 0)], "variant": [StepResult(exitStatus: 0)],
                "unconfined": [StepResult(exitStatus: 0)],
            ],
            replies: ["fix": [.declined]])
        driver.drive(&walk, from: walk.start())
        let ran = Dictionary(driver.ran.map { ($0.stepID, $0.writableFileSystem) }) { first, _ in first }
        #expect(ran == ["own": true, "inherited": true, "variant": true, "unconfined": false])
    }

    @Test(
        "a snippet's writable_fs must give a reason, where it is written",
        arguments: [
            ("writable_fs: yes", "'writable_fs' of snippet 'config' must be a mapping with the author's 'reason'"),
            ("writable_fs: {reason: ' '}", "'writable_fs' of snippet 'config' must say what its text writes"),
            ("writable_fs: {}", "'reason'"),
            ("writable_fs: {reason: x, why: y}", "'why'"),
        ])
    func refused(line: String, says: String) {
        let yaml = Self.yaml.replacing("    writable_fs: {reason: nginx -T opens the pid and log files it names}", with: "    " + line)
        let diagnostics = RunbookLoader().parse(yaml, path: "w.yaml").diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(diagnostics.count == 1 && diagnostics.first?.hasPrefix("w.yaml:15:") == true, "\(diagnostics)")
        #expect(diagnostics.first?.contains(says) == true, "\(diagnostics)")
    }
}
