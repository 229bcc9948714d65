import MedicCore
import MedicSession

/// A runbook whose walk reaches `resolved` whether or not its two fixes run: declining the
/// first goes on to the second, declining the second goes on to the verification. It is the
/// case where a conclusion's summary could claim an action that never ran; the tests of the
/// ending, the report and the drill all use it.
public enum TwoFixes {
    public static let yaml = """
        medic: 1
        id: two-fixes
        title: Two fixes, and the app may come back either way
        escalation: the app's owners in the app-oncall channel
        inputs:
          dir: {type: path, pattern: '^/[A-Za-z0-9._/-]+$'}
          restart_status: {type: int, default: "0", pattern: '^[0-9]$'}
          unused: {type: string, default: nothing}
        steps:
          stop-jobs:
            kind: action
            title: Stop the build jobs
            why: They take the memory the app needs.
            command: [touch, "${dir}/jobs-stopped"]
            skip: restart
            branches:
              - when: {succeeded: true}
                next: restart
                because: the jobs are stopped
              - otherwise: restart
                because: the jobs could not be stopped; restart anyway
          restart:
            kind: action
            title: Restart the app
            why: A fresh process.
            script: touch "$DIR/restarted"; exit "$RESTART_STATUS"
            skip: verify
            branches:
              - when: {succeeded: true}
                next: verify
                because: the restart worked
              - otherwise: restart-failed
                because: the restart failed
          verify:
            kind: check
            title: Does the app answer?
            why: Close the loop.
            command: [test, -d, "${dir}"]
            branches:
              - when: {succeeded: true}
                next: recovered
                because: it answers
              - otherwise: restart-failed
                because: it does not answer
          recovered:
            kind: conclusion
            title: Recovered
            why: The app is back.
            outcome: resolved
            cause: oom-killed
            summary: The app in ${dir} answers again.
          restart-failed:
            kind: conclusion
            title: The restart failed
            why: Hand over.
            outcome: escalate
            cause: oom-killed
            summary: The app in ${dir} does not answer.
        causes:
          oom-killed: {title: "The kernel's OOM killer killed the upstream", description: "In this test, the kernel's OOM killer killed the upstream."}
        """

    /// A scenario of the runbook: both fixes approved (the default), the app answers.
    public static let scenario = """
        medic-scenario: 1
        name: recovered
        description: Build jobs pushed the app out of memory; stopping them and restarting brings it back.
        inputs: {dir: /tmp/two-fixes}
        results:
          verify: {exit: 0}
        expect: {outcome: resolved, cause: oom-killed, path: [stop-jobs, restart, verify, recovered]}
        """

    /// A session over the runbook with `dir` = `/srv/app`, driven by a scripted console and a
    /// fake runner (the fixes and the verification succeed unless `results` says otherwise).
    public static func session(
        _ replies: [ConsoleReply], results: [String: [StepResult]] = [:], interactive: Bool = true, dryRun: Bool = false, yes: Bool = false,
        recorder: any Recorder
    ) throws -> (session: RunSession, console: ScriptedConsole) {
        let runbook = try TestSupport.runbook(yaml, path: "two-fixes.yaml")
        let walk = Walk(bundle: TestSupport.bundle(runbook), inputs: ["dir": "/srv/app", "restart_status": "0", "unused": "nothing"])
        let console = ScriptedConsole(interactive: interactive, replies: replies)
        let defaults: [String: [StepResult]] = [
            "stop-jobs": [StepResult(exitStatus: 0)], "restart": [StepResult(exitStatus: 0)], "verify": [StepResult(exitStatus: 0)],
        ]
        let runner = FakeRunner(results: defaults.merging(results) { $1 })
        let options = RunOptions(dryRun: dryRun, autoApprove: yes, operatorName: "alice@box", sessionPath: "/srv/sessions/s")
        return (RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options), console)
    }

    /// The start record of such a session.
    public static func start(flags: [String] = [], interactive: Bool = true) -> SessionStart {
        SessionStart(
            runbookID: "two-fixes", runbookVersion: "1", files: [], medicVersion: "test", operatorName: "alice@box",
            inputs: [
                InputValue(name: "dir", value: "/srv/app", secret: false), InputValue(name: "restart_status", value: "0", secret: false),
                InputValue(name: "unused", value: "nothing", secret: false),
            ], flags: flags, interactive: interactive)
    }
}
