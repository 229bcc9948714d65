import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// Two sites behind one nginx, and an nginx configuration fixed before Medic ran: what the log
/// and nginx's other server blocks say must not be taken for the site's.
extension LabTests {
    /// Reloads the lab's nginx after its configuration was edited.
    func reloadNginx(_ lab: Lab) throws {
        let reload = try Spawn.run(["nginx", "-p", lab["NGINX_PREFIX"], "-c", lab["NGINX_CONF"], "-s", "reload"], timeout: 30)
        try #require(reload.status == 0, "\(reload.output)")
        Thread.sleep(forTimeInterval: 1)
    }

    /// Adds `block` to the lab's http block.
    func addServer(_ lab: Lab, _ block: String) throws {
        let path = lab["NGINX_CONF"]
        let conf = try String(contentsOfFile: path, encoding: .utf8)
        let end = try #require(conf.range(of: "}", options: .backwards))
        try (conf[..<end.lowerBound] + block + "\n}\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("healthy, with a second site whose upstream is down: its errors are left out and its proxy_pass is not the site's")
    func otherServerBlockLeftOut() throws {
        let lab = try Lab("healthy")
        defer { lab.down() }
        let port = lab["NGINX_PORT"]
        let wrong = "127.0.0.1:" + (Lab.environment["MEDIC_LAB_WRONG_PORT"] ?? "")
        try addServer(lab, "    server { listen 127.0.0.1:\(port); server_name shop.example; location / { proxy_pass http://\(wrong); } }")
        try reloadNginx(lab)
        for _ in 0..<5 {
            let curl = try Spawn.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: shop.example", "http://127.0.0.1:\(port)/"], timeout: 30)
            try #require(curl.output == "502", "the other site should fail: \(curl.output)")
        }
        // The other site keeps failing while Medic runs, so its refusals land in the
        // verification's watch of the error log too: they are not the site's either.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sh")
        other.arguments = [
            "-c",
            "end=$(($(date +%s) + 240)); while [ \"$(date +%s)\" -lt \"$end\" ]; do "
                + "curl -s -o /dev/null --max-time 5 -H 'Host: shop.example' http://127.0.0.1:\(port)/; sleep 0.5; done",
        ]
        other.standardOutput = FileHandle.nullDevice
        other.standardError = FileHandle.nullDevice
        try other.run()
        defer {
            kill(other.processIdentifier, SIGTERM)
            other.waitUntilExit()
        }
        let (_, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        let errorLog = evidence.output(of: "error-log") ?? ""
        #expect(
            errorLog.contains("lines of other server blocks (server: shop.example); kept: lines naming server: medic-lab or none"),
            "\(errorLog)")
        #expect(evidence.captured("refused") == "0", "\(errorLog)")
        let watch = evidence.output(of: "verify-site/watch-log") ?? ""
        #expect(
            watch.contains("new error-log lines: 0") && watch.contains("(server: shop.example); kept: lines naming server: medic-lab or none"),
            "the other site's errors during the watch were counted as the site's:\n\(watch)")
        #expect(!evidence.path.contains("upstream-targets") && evidence.end?.stepID == "no-fault-now", "\(evidence.path)\n\(screen)")
        #expect(!screen.contains(wrong), "the other site's address was named:\n\(screen)")
    }

    @Test("wrong-port fixed and reloaded before Medic runs: the log's address is said apart, not counted as one nginx lists")
    func fixedBeforeMedicRan() throws {
        let lab = try Lab("wrong-port")
        defer { lab.down() }
        let wrong = "127.0.0.1:" + (Lab.environment["MEDIC_LAB_WRONG_PORT"] ?? "")
        let app = "127.0.0.1:" + lab["APP_PORT"]
        let path = lab["NGINX_CONF"]
        let conf = try String(contentsOfFile: path, encoding: .utf8)
        try #require(conf.contains("proxy_pass http://\(wrong)"))
        try conf.replacingOccurrences(of: "proxy_pass http://\(wrong)", with: "proxy_pass http://\(app)").write(
            toFile: path, atomically: true, encoding: .utf8)
        try reloadNginx(lab)
        let (_, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        let targets = evidence.output(of: "upstream-targets") ?? ""
        #expect(targets.contains("logged \(wrong) not-configured"), "\(targets)")
        #expect(!targets.contains("target \(wrong)"), "an address only the log names was counted as nginx's:\n\(targets)")
        #expect(!evidence.path.contains("stale-upstream") && evidence.end?.stepID == "config-changed-since", "\(evidence.path)\n\(screen)")
        #expect(evidence.end?.outcome == "no-fault")
    }
}
