import Foundation
import Glibc
import MedicTestSupport
import Testing

/// The real binary, a real nginx: nginx keeps `TZ` when it clears its environment and writes its
/// error log in that zone's local time, with no zone in the line, while the host's zone may be
/// another. The log probe must read the window in nginx's zone, or a refusal a minute old reads
/// as nine hours ahead (or behind) and the window's counts are another window's.
@Suite(
    "A real nginx started with a TZ of its own: the log probe reads its error log in nginx's zone",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "needs nginx (apt-get install nginx-light)"))
struct NginxZoneTests {
    let cli = CommandLineTests()

    static let runbook = """
        medic: 1
        id: nginx-zone
        title: What nginx logged about its upstream in the last 15 minutes
        inputs:
          error_log: {type: path, description: nginx's error log}
        steps:
          read:
            kind: check
            title: Read the error log's window
            why: w
            log:
              file: "${error_log}"
              since: 15m
              classes:
                refused: 'connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream'
            capture: ['^refused: (?<refused>\\d+)']
            branches:
              - when: {var: refused, above: 0}
                next: end
                because: nginx could not connect to its upstream
              - otherwise: end
                because: no refusal in the window
        \(TestSupport.runbookEnding())
        """

    /// nginx, started by this test with `tz` (or without TZ), proxying to a port nothing listens
    /// on; ended by its pid.
    final class Nginx {
        let directory: String
        let port: Int
        let process = Process()
        let earlierRefusals: Int

        /// `earlier`: lines already in the error log when nginx starts (it appends to them).
        init(tz: String?, earlier: String = "") throws {
            directory = try TestSupport.temporaryDirectory()
            port = try TestSupport.closedLoopbackPort()
            let upstream = try TestSupport.closedLoopbackPort()
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
            try earlier.write(toFile: directory + "/logs/error.log", atomically: true, encoding: .utf8)
            earlierRefusals = earlier.components(separatedBy: "(111: Connection refused)").count - 1
            let configuration = """
                daemon off;
                master_process on;
                worker_processes 1;
                pid \(directory)/nginx.pid;
                error_log \(directory)/logs/error.log;
                events { worker_connections 16; }
                http {
                  access_log off;
                  server {
                    listen 127.0.0.1:\(port);
                    location / { proxy_pass http://127.0.0.1:\(upstream); }
                  }
                }
                """
            try configuration.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            process.arguments = ["-p", directory + "/", "-c", directory + "/nginx.conf", "-e", directory + "/logs/error.log"]
            process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"].merging(tz.map { ["TZ": $0] } ?? [:]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        var errorLog: String { directory + "/logs/error.log" }

        /// Asks nginx for `/` until it answers (a 502: its upstream refuses), then waits for the
        /// refusal in its error log.
        func provokeRefusal() throws {
            for _ in 0..<50 {
                let asked = try Spawn.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"], timeout: 10)
                if asked.output == "502" { break }
                usleep(100_000)
            }
            func refusals() -> Int {
                ((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").components(separatedBy: "(111: Connection refused)").count - 1
            }
            for _ in 0..<50 {
                if refusals() > earlierRefusals { return }
                usleep(100_000)
            }
            throw TestFailure("nginx logged no refusal in \(errorLog)")
        }

        func stop() {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    /// `medic run` of the runbook over `nginx`'s error log, without a terminal; its screen.
    func run(over nginx: Nginx) throws -> String {
        let folder = try TestSupport.temporaryDirectory()
        try Self.runbook.write(toFile: folder + "/zone.yaml", atomically: true, encoding: .utf8)
        let run = try cli.medic(
            ["run", folder + "/zone.yaml", "--var", "error_log=\(nginx.errorLog)", "--transcript", folder + "/session"],
            environment: ["XDG_STATE_HOME": folder])
        #expect(run.status == 5, "\(run.output)\(run.error)")
        return run.output
    }

    @Test("nginx with TZ=Asia/Tokyo on a host in another zone: the refusal just logged is in the window, read at +09:00, and the screen says why")
    func tokyo() throws {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime")) ?? "zoneinfo/UTC"
        let host = TimeZone(identifier: link.firstRange(of: "zoneinfo/").map { String(link[$0.upperBound...]) } ?? link)
        try #require(host?.secondsFromGMT() != 9 * 3600, "the host's own zone is +09:00: nothing to tell apart")
        // A refusal nginx logged eight hours ago, in its zone's local time: read as UTC it would be
        // an hour ahead, and counted in the last 15 minutes.
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
        formatter.dateFormat = "yyyy/MM/dd HH:mm:ss"
        let old = formatter.string(from: Date(timeIntervalSinceNow: -8 * 3600))
        let refusal = "connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, request: \"GET / HTTP/1.1\""
        let nginx = try Nginx(tz: "Asia/Tokyo", earlier: "\(old) [error] 7#7: *1 \(refusal)\n")
        defer { nginx.stop() }
        try nginx.provokeRefusal()
        let log = try String(contentsOfFile: nginx.errorLog, encoding: .utf8)
        let screen = try run(over: nginx)
        #expect(screen.contains("refused: 1 "), "only the refusal nginx just logged is in the window: \(screen)\n\(log)")
        let zoneLine = "times without a zone read in UTC+09:00, the offset its writer stamps lines in: its last line, stamped "
        #expect(screen.contains(zoneLine), "\(screen)")
        #expect(screen.contains("nginx could not connect to its upstream"), "\(screen)")
    }

    @Test("nginx without TZ writes in the host's zone: the window is read in it and nothing more is said")
    func hostZone() throws {
        let nginx = try Nginx(tz: nil)
        defer { nginx.stop() }
        try nginx.provokeRefusal()
        let screen = try run(over: nginx)
        #expect(screen.contains("refused: 1 "), "\(screen)")
        #expect(screen.contains("the host's zone ("), "\(screen)")
        #expect(!screen.contains("last line"), "\(screen)")
    }
}
