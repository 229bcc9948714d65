import Foundation
import Glibc
import MedicTestSupport
import Testing

/// The real binary and the real nginx: a check that gives nginx a configuration file named by an
/// input runs unconfirmed only when no other user could have written that file.
@Suite("A check's configuration file is judged before it runs unconfirmed")
struct ConfigurationTrustTests {
    let cli = CommandLineTests()

    static let runbook = """
        medic: 1
        id: conf-check
        title: Does nginx read the configuration it was started with?
        inputs:
          nginx_conf: {type: path}
        steps:
          test-config:
            kind: check
            title: Test the configuration
            why: w
            script: nginx -T -c "$NGINX_CONF"
            writable_fs: {reason: nginx -T opens the pid and error log files it names}
            branches:
              - when: {succeeded: true}
                next: fine
                because: nginx reads it
              - otherwise: broken
                because: nginx cannot read it
          fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
          broken: {kind: conclusion, title: Broken, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    /// A folder (0755 or `mode`) holding a harmless nginx configuration; nginx.conf's path.
    static func configuration(in dir: String, mode: mode_t) throws -> String {
        let folder = dir + "/conf"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, mode)
        let file = folder + "/nginx.conf"
        try "pid \(dir)/nginx.pid;\nerror_log \(dir)/error.log;\nevents {}\nhttp {}\n".write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o644)
        return file
    }

    static func folder() throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        chmod(dir, 0o755)
        try runbook.write(toFile: dir + "/conf-check.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a file in a folder others can write: without a terminal nothing runs and the screen says why; --yes runs it and the transcript says so")
    func untrusted() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else { return }
        let dir = try Self.folder()
        let conf = try Self.configuration(in: dir, mode: 0o777)
        let refused = try cli.medic(
            ["run", dir + "/conf-check.yaml", "--var", "nginx_conf=\(conf)", "--transcript", dir + "/s1"], environment: ["XDG_STATE_HOME": dir])
        #expect(refused.status == 7, "\(refused.output)\(refused.error)")
        #expect(
            refused.output.contains(
                "not read-only for sure: nginx -c \(conf): \(dir)/conf is writable by its group and others (mode 0777, and not sticky)"),
            "\(refused.output)")
        #expect(refused.output.contains("runs only after a person confirms it (or with --yes)"))
        #expect(!refused.output.contains("syntax is ok"), "nginx did not run")
        let journal = try String(contentsOfFile: dir + "/s1/transcript.jsonl", encoding: .utf8)
        #expect(!journal.contains("\"event\":\"run\""), "nothing ran")
        #expect(journal.contains("configuration not trusted: nginx -c \(conf)"))

        let approved = try cli.medic(
            ["run", dir + "/conf-check.yaml", "--var", "nginx_conf=\(conf)", "--yes", "--transcript", dir + "/s2"],
            environment: ["XDG_STATE_HOME": dir])
        #expect(approved.status == 5, "\(approved.output)\(approved.error)")
        #expect(approved.output.contains("approved by --yes"))
        #expect(approved.output.contains("syntax is ok"), "nginx ran: \(approved.output)")
        let transcript = try String(contentsOfFile: dir + "/s2/transcript.md", encoding: .utf8)
        #expect(transcript.contains("configuration not trusted: nginx -c \(conf): \(dir)/conf is writable by its group and others"))
        #expect(transcript.contains("**Approved by --yes**"))
    }

    @Test("root's file in root's 0755 folders runs without confirmation, as before")
    func trusted() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else { return }
        let dir = try Self.folder()
        let conf = try Self.configuration(in: dir, mode: 0o755)
        let run = try cli.medic(
            ["run", dir + "/conf-check.yaml", "--var", "nginx_conf=\(conf)", "--transcript", dir + "/s"], environment: ["XDG_STATE_HOME": dir])
        #expect(run.status == 5, "\(run.output)\(run.error)")  // the no-fault conclusion
        #expect(run.output.contains("syntax is ok"), "\(run.output)")
        #expect(!run.output.contains("not read-only for sure"))
        #expect(!run.output.contains("approved"))
    }
}
