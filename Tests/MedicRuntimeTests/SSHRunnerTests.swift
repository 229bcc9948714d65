import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// The ssh runner with a stand-in for the ssh program: `fake-ssh` runs the remote command with
/// `/bin/sh -c` here, as sshd would have the remote login shell run it, and plays an unreachable
/// host for names starting `down`. So the wrapper, the quoting, the process groups, the timeouts
/// and the parallelism are tested with real processes; `SSHRealTests` does the same over sshd.
@Suite("The ssh runner (with a stand-in ssh)")
struct SSHRunnerTests {
    /// A directory holding the stand-in ssh and a log of its argv.
    struct Rig {
        let directory: String
        var fake: String { directory + "/fake-ssh" }
        /// Short, outside `directory`: ssh's socket paths must fit in 107 bytes.
        let control = "/tmp/mssh-\(UInt32.random(in: 0 ... .max))"

        init() throws {
            directory = try TestSupport.temporaryDirectory()
            let script = """
                #!/bin/sh
                # A stand-in for ssh: log the argv, play unreachable hosts, run the remote command here.
                printf '%s\\n' "$@" > "\(directory)/argv.$$"
                for word; do last=$host; host=$command; command=$word; done
                case $host in down*) echo "ssh: connect to host $host port 22: Connection refused" >&2; exit 255 ;; esac
                exec /bin/sh -c "$command"
                """
            // Written by a child process: an executable this process had open for writing could be
            // inherited by a parallel test's fork and then refuse to start ("text file busy").
            // An action, not a check: checks run on a read-only file system.
            var writing = MedicRuntimeTests.invocation(
                .command(argv: ["/bin/sh", "-c", #"printf '%s\n' "$1" > "$2" && chmod 755 "$2""#, "sh", script, fake]))
            writing.kind = Step.Kind.action
            var text: [UInt8] = []
            let result = LocalRunner().run(writing) { text += $0 }
            let written = Ran(result: result, bytes: text, chunkSizes: [])
            guard written.result.exitStatus == 0 else { throw TestFailure("could not write \(fake): \(written.text)") }
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: control)
        }

        func runner(interrupt: Int32? = nil, forks: Int? = nil) -> SystemRunner {
            SystemRunner(
                interruptDescriptor: interrupt, graceSeconds: 1,
                ssh: SSHSettings(program: fake, extraOptions: ["-F", "/dev/null"], forks: forks, controlDirectory: control))
        }

        /// Every argv the stand-in was started with.
        func argvs() throws -> [[String]] {
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("argv.") }.map {
                try String(contentsOfFile: directory + "/" + $0, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                    .map(String.init)
            }
        }
    }

    static func invocation(
        _ payload: Invocation.Payload, hosts: [String], set: String? = "pool", timeout: TimeSpan = .seconds(20), environment: [String: String] = [:],
        secrets: [String] = []
    ) -> Invocation {
        var invocation = Invocation(
            stepID: "test", kind: .check, placement: .local, timeout: timeout, payload: payload, environment: environment, secrets: secrets)
        invocation.remote = RemoteTarget(hosts: hosts, setName: set, forks: 5)
        return invocation
    }

    static let hostile = [
        "x; touch MARKER", "$(touch MARKER)", "`touch MARKER`", "| touch MARKER", "&& touch MARKER", "--help", "-n",
        "line one\nline two", "\u{1b}[31mred\u{1b}[0m\u{07}", "*", "'\"\\", "", "> MARKER", "it's", "'; touch MARKER; '",
    ]

    @Test("a hostile argument reaches the remote program as one argument, and nothing else runs", arguments: hostile)
    func hostileArgument(_ template: String) throws {
        let rig = try Rig()
        defer { rig.remove() }
        let marker = rig.directory + "/marker"
        let value = template.replacingOccurrences(of: "MARKER", with: marker)
        var output: [UInt8] = []
        let result = rig.runner().run(Self.invocation(.command(argv: ["printf", "[%s]\\n", value]), hosts: ["web1"], set: nil)) { output += $0 }
        #expect(result.exitStatus == 0)
        #expect(String(decoding: output, as: UTF8.self) == "[\(value)]\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a hostile value reaches a remote script as data in its environment, never in any argv", arguments: hostile)
    func hostileVariable(_ template: String) throws {
        let rig = try Rig()
        defer { rig.remove() }
        let marker = rig.directory + "/marker"
        let value = template.replacingOccurrences(of: "MARKER", with: marker)
        var output: [UInt8] = []
        let script = #"printf '[%s]\n' "$VALUE""#
        let result = rig.runner().run(Self.invocation(.script(script), hosts: ["web1"], set: nil, environment: ["VALUE": value, "OK_NAME": "1"])) {
            output += $0
        }
        #expect(result.exitStatus == 0)
        #expect(String(decoding: output, as: UTF8.self) == "[\(value)]\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
        let argv = try rig.argvs().first ?? []
        #expect(argv.last == "exec /bin/sh -s", "the only remote command is the fixed one")
        #expect(argv.contains("BatchMode=yes") && argv.contains("ControlMaster=auto") && argv.contains("ControlPath=\(rig.control)/%C"))
        #expect(argv.firstIndex(of: "--").map { argv[$0 + 1] } == "web1", "the host follows --, so it can never be an option")
        if !value.isEmpty { #expect(!argv.contains { $0.contains(value) }, "the value must not be in ssh's argv") }
    }

    @Test("each host of a set gets its own result; an unreachable host is a result with ssh's message")
    func hostSet() throws {
        let rig = try Rig()
        defer { rig.remove() }
        let result = rig.runner().run(Self.invocation(.script("echo on $0; exit 3"), hosts: ["a", "down1", "b"])) { _ in }
        let hosts = result.hosts ?? []
        #expect(hosts.map(\.host) == ["a", "down1", "b"])
        #expect(hosts[0].result.exitStatus == 3 && hosts[0].result.output == "on /bin/sh\n" && !hosts[0].result.unreachable)
        #expect(hosts[1].result.unreachable && hosts[1].result.exitStatus == 255)
        #expect(hosts[1].result.failureReason == "ssh: connect to host down1 port 22: Connection refused")
    }

    @Test("a step that itself exits 255 is not unreachable")
    func ownExit255() throws {
        let rig = try Rig()
        defer { rig.remove() }
        let result = rig.runner().run(Self.invocation(.script("exit 255"), hosts: ["a"])) { _ in }
        #expect(result.hosts?.first?.result.exitStatus == 255)
        #expect(result.hosts?.first?.result.unreachable == false)
    }

    @Test("at most `forks` hosts run at once")
    func forks() throws {
        let rig = try Rig()
        defer { rig.remove() }
        // Each host appends to a log when it starts and when it ends; at no time may more than 2 be in between.
        let log = rig.directory + "/log"
        let script = "echo start >> \(RemoteScript.quote(log)); sleep 0.3; echo end >> \(RemoteScript.quote(log))"
        let result = rig.runner(forks: 2).run(Self.invocation(.script(script), hosts: ["a", "b", "c", "d", "e"])) { _ in }
        #expect(result.hosts?.allSatisfy { $0.result.exitStatus == 0 } == true)
        var running = 0
        var most = 0
        for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") {
            running += line == "start" ? 1 : -1
            most = max(most, running)
        }
        #expect(most == 2)
    }

    @Test("at the timeout the remote step's whole process group ends, not only ssh")
    func timeoutEndsRemoteGroup() throws {
        let rig = try Rig()
        defer { rig.remove() }
        let pids = rig.directory + "/pids"
        // The step starts a background child and waits: both must be gone afterwards.
        let script = "sleep 300 & echo $! >> \(RemoteScript.quote(pids)); echo $$ >> \(RemoteScript.quote(pids)); wait"
        let started = ContinuousClock.now
        let result = rig.runner().run(Self.invocation(.script(script), hosts: ["a"], timeout: TimeSpan(milliseconds: 700))) { _ in }
        #expect(result.hosts?.first?.result.timedOut == true)
        #expect(ContinuousClock.now - started < .seconds(6))
        let listed = try String(contentsOfFile: pids, encoding: .utf8).split(separator: "\n").compactMap { pid_t(String($0)) }
        #expect(listed.count == 2)
        // The watcher sends SIGTERM as soon as the input closes; allow it a moment.
        let deadline = ContinuousClock.now + .seconds(5)
        // The stand-in ssh runs under this process, which a LocalRunner made a child subreaper:
        // an ended process may be left to it as a zombie, which is ended all the same.
        while listed.contains(where: { !Processes.isGone($0) }), ContinuousClock.now < deadline { usleep(50_000) }
        for pid in listed { #expect(Processes.isGone(pid), "process \(pid) of the remote step is still running") }
    }

    @Test("the operator's interrupt stops every host and starts no more")
    func interrupt() throws {
        let rig = try Rig()
        defer { rig.remove() }
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let writer = ends[1]
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { _ = write(writer, "x", 1) }
        let started = ContinuousClock.now
        let result = rig.runner(interrupt: ends[0], forks: 2).run(Self.invocation(.script("sleep 30"), hosts: ["a", "b", "c"])) { _ in }
        #expect(ContinuousClock.now - started < .seconds(6))
        #expect(result.cancelled)
        #expect(result.hosts?.map(\.result.cancelled) == [true, true, true])
        #expect(result.hosts?.last?.result.failureReason == "not started: cancelled by the operator")
    }

    @Test("Medic's own control directory is refused when others can enter it")
    func unsafeControlDirectory() throws {
        let rig = try Rig()
        defer { rig.remove() }
        #expect(mkdir(rig.control, 0o755) == 0)
        chmod(rig.control, 0o755)
        let result = rig.runner().run(Self.invocation(.script("true"), hosts: ["a"])) { _ in }
        #expect(result.hosts?.first?.result.failureReason?.contains("is open to other users") == true)
        #expect(try rig.argvs().isEmpty, "ssh must not be started")
    }
}

/// Quoting for the remote shell, round-tripped through a real `sh -c`.
@Suite("Quoting for the remote shell")
struct RemoteQuotingTests {
    @Test(
        "every value reads back exactly through sh", arguments: SSHRunnerTests.hostile + ["\t", "a\r\nb", "ünï ✓", "\\'", "''''", "$HOME", "~root"])
    func roundTrip(_ value: String) {
        let ran = run(.command(argv: ["/bin/sh", "-c", "printf '[%s]' " + RemoteScript.quote(value)]))
        #expect(ran.text == "[\(value)]")
    }
}
