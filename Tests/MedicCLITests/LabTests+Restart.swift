import Foundation
import MedicCore
import MedicTestSupport
import Testing

extension LabTests {
    /// An operator's `supervisorctl restart app` on a healthy lab: supervisord logs "stopped: app
    /// (terminated by SIGTERM)" and one respawn, and nginx refuses requests while the app opens
    /// its port again. That is a stop on request, not a crash: no stack trace may be claimed, no
    /// upstream-crashed ending reached, nothing restarted.
    @Test("healthy, then supervisorctl restart app: the stop on request is not called a crash, and nothing is restarted")
    func restartOnRequestIsNoCrash() throws {
        let lab = try Lab("healthy")
        defer { lab.down() }
        let restart = try Spawn.run(["/usr/bin/supervisorctl", "-c", lab["SUPERVISOR_CONF"], "restart", lab["APP_SERVICE"]], timeout: 60)
        try #require(restart.status == 0, "supervisorctl restart: \(restart.output)")
        // Ask through nginx until the app answers again: the requests made while it opens its
        // port are refused, which is what sends nginx-502.yaml to the app's history.
        try #require(try lab.waitUntilSiteAnswers(attempts: 60), "the app did not come back after the restart")
        let errorLog = (try? String(contentsOfFile: lab["NGINX_ERROR_LOG"], encoding: .utf8)) ?? ""
        try #require(
            errorLog.contains("Connection refused"), "nginx refused nothing during the restart, so the walk would not read the app's history")

        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        let end = try #require(evidence.end, "the journal has no end record\n\(context)")
        #expect(end.outcome == "no-fault" && end.cause == "none" && end.stepID == "restarted-by-request", "ended \(end)\n\(context)")
        #expect(end.exitStatus == status, "\(context)")
        #expect(evidence.path.contains("app-down/restarted-on-request"), "\(context)")
        #expect(!evidence.path.contains { $0.contains("crash") || $0.contains("exits-unexplained") }, "\(context)")
        #expect(!screen.contains("stack trace"), "\(context)")
        #expect(evidence.actionRuns.isEmpty, "something was restarted or stopped: \(evidence.actionRuns.map(\.stepID))")
        // The counts come from supervisord's log inside the window: one stop on request, no end
        // it did not ask for, no kill.
        #expect(evidence.captured("sv_stops") == "1" && evidence.captured("sv_exits") == "0" && evidence.captured("sv_sigkills") == "0", "\(context)")
        #expect(evidence.captured("sv_last_end") == "stopped", "\(context)")
    }

    /// An operator's `supervisorctl stop app`, refusals while the app is down, then
    /// `supervisorctl start app`, walked with an error_window that opens 3 s after the stop: the
    /// stop falls before the window, the refusals and the start inside it. The trouble is over,
    /// and the walk must say why truly: supervisord started the app inside the window. Before, it
    /// said the app "has not restarted", which the start in the window makes false.
    @Test("healthy, stopped before the window and started inside it: the trouble is over, and the app is never said to have run all along")
    func startedInsideWindow() throws {
        let lab = try Lab("healthy")
        defer { lab.down() }
        let control = ["/usr/bin/supervisorctl", "-c", lab["SUPERVISOR_CONF"]]
        let evidence = try walkAfterDowntime(lab, stop: control + ["stop", lab["APP_SERVICE"]], start: control + ["start", lab["APP_SERVICE"]])
        #expect(evidence.captured("sv_spawns") == "1" && evidence.captured("sv_stops") == "0", "\(evidence.path)")
    }

    /// Stops the app with `stop`, waits 45 s, asks the site through nginx (refused), starts the
    /// app with `start`, waits until the site answers, then walks with an `error_window` that
    /// reaches back to 3 s after the stop (however long the start took) and checks what every
    /// runtime must show: the trouble is over (trouble-over-now) through app-down's
    /// started-in-window, the reasons say the app was started inside the window and never that it
    /// has not restarted, and nothing runs.
    func walkAfterDowntime(_ lab: Lab, stop: [String], start: [String]) throws -> SessionEvidence {
        let stopped = try Spawn.run(stop, environment: lab.medicEnvironment, timeout: 60)
        try #require(stopped.status == 0, "\(stop.joined(separator: " ")): \(stopped.output)")
        let stoppedAt = Date()
        Thread.sleep(forTimeInterval: 45)
        for _ in 0..<3 { _ = try lab.status(of: lab["SITE_URL"]) }
        let started = try Spawn.run(start, environment: lab.medicEnvironment, timeout: 60)
        try #require(started.status == 0, "\(start.joined(separator: " ")): \(started.output)")
        try #require(try lab.waitUntilSiteAnswers(attempts: 120), "the app did not come back after its start")
        let errorLog = (try? String(contentsOfFile: lab["NGINX_ERROR_LOG"], encoding: .utf8)) ?? ""
        try #require(errorLog.contains("Connection refused"), "nginx refused nothing while the app was down")

        // The window opens 3 s after the stop when the walk starts, and later as it goes on: the
        // stop stays outside it, and the start (45 s after the stop, and more) inside it while
        // the walk reaches the app's history within about 40 s.
        let window = "\(Int(Date().timeIntervalSince(stoppedAt)) - 3)s"
        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"], variables: ["error_window": window])
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        let end = try #require(evidence.end, "the journal has no end record\n\(context)")
        #expect(end.outcome == "no-fault" && end.cause == "none" && end.stepID == "trouble-over-now", "ended \(end)\n\(context)")
        #expect(end.exitStatus == status, "\(context)")
        #expect(evidence.path.contains("app-down/started-in-window") && !evidence.path.contains("app-down/app-stable"), "\(context)")
        #expect((Int(evidence.captured("refused") ?? "") ?? 0) >= 3, "\(context)")
        #expect(evidence.because(at: "app")?.contains("the app was started in the last \(window) and runs since") == true, "\(context)")
        let reasons = evidence.branches.compactMap(\.because)
        // app-stable's reasons, before and after this change: each says the app ran all along.
        let allAlong = [
            "since before the last", "has not started or ended", "runs and has not restarted", "has not restarted in the last", "start 0 times",
        ]
        #expect(!reasons.contains { reason in allAlong.contains { reason.contains($0) } }, "\(reasons)")
        #expect(evidence.actionRuns.isEmpty, "something was restarted or stopped: \(evidence.actionRuns.map(\.stepID))")
        return evidence
    }
}

extension LabTests.EngineLabTests {
    /// The same downtime on a real Docker engine: the app's container stopped with `docker stop`
    /// before the window and started with `docker start` inside it. Its restart count stays 0,
    /// so only its start time (State.StartedAt, inside the window) tells that it was down.
    @Test(
        "healthy on docker and compose, stopped before the window and started inside it: the start time, not the restart count, decides",
        arguments: ["docker", "compose"])
    func startedInsideWindow(runtime: String) throws {
        let lab = try Lab("healthy", runtime: runtime)
        defer { lab.down() }
        let app = try lab.appContainerID()
        let evidence = try LabTests().walkAfterDowntime(lab, stop: ["docker", "stop", "-t", "5", app], start: ["docker", "start", app])
        #expect(evidence.captured("last_start") == "inside the window" && evidence.captured("restart_count") == "0", "\(evidence.path)")
        let logs = evidence.output(of: "app-down/\(runtime)-logs") ?? ""
        #expect(logs.contains("last start: inside the window"), "\(logs)")
    }
}
