import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// The ssh runner against real sshd hosts on loopback addresses (lab/sshd through `SSHHosts`):
/// the system's ssh, multiplexed, with the rig's own ssh_config and known_hosts.
@Suite("The ssh runner over real sshd", .serialized, .enabled(if: SSHHosts.available, "needs root, /usr/sbin/sshd (openssh-server) and ssh"))
struct SSHRealTests {
    static func runner(_ hosts: SSHHosts, control: String, extra: [String] = [], interrupt: Int32? = nil) -> SystemRunner {
        SystemRunner(
            interruptDescriptor: interrupt, graceSeconds: 1, ssh: SSHSettings(extraOptions: hosts.sshOptions + extra, controlDirectory: control))
    }

    static func privateDirectory() throws -> String {
        // Short: ssh's socket paths must fit in 107 bytes.
        let directory = "/tmp/mssh-\(UInt32.random(in: 0 ... .max))"
        guard mkdir(directory, 0o700) == 0 else { throw TestFailure("mkdir \(directory): \(errno)") }
        return directory
    }

    static func invocation(
        _ payload: Invocation.Payload, hosts: [String], set: String? = "pool", timeout: TimeSpan = .seconds(20), environment: [String: String] = [:]
    ) -> Invocation {
        var invocation = Invocation(
            stepID: "t", kind: .check, placement: .local, timeout: timeout, payload: payload, environment: environment, secrets: [])
        invocation.remote = RemoteTarget(hosts: hosts, setName: set, forks: 5)
        return invocation
    }

    @Test("hostile values reach each host as data, in argv and in a script's environment")
    func hostileValues() throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let control = try Self.privateDirectory()
        let runner = Self.runner(hosts, control: control)
        for template in SSHRunnerTests.hostile {
            let marker = hosts.directory + "/marker"
            let value = template.replacingOccurrences(of: "MARKER", with: marker)
            let argv = runner.run(Self.invocation(.command(argv: ["printf", "[%s]\\n", value]), hosts: hosts.addresses)) { _ in }
            #expect(argv.hosts?.map(\.result.output) == ["[\(value)]\n", "[\(value)]\n"], "argv: \(template)")
            let script = runner.run(Self.invocation(.script(#"printf '[%s]\n' "$VALUE""#), hosts: hosts.addresses, environment: ["VALUE": value])) {
                _ in
            }
            #expect(script.hosts?.map(\.result.output) == ["[\(value)]\n", "[\(value)]\n"], "environment: \(template)")
            #expect(!FileManager.default.fileExists(atPath: marker), "\(template) ran as code")
        }
    }

    @Test("a tcp probe from the target hosts: each host connects itself, and says open or refused as the local probe does")
    func tcpFromTarget() throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let runner = Self.runner(hosts, control: try Self.privateDirectory())
        let listener = try LoopbackSocket(listening: 8)
        defer { listener.close() }
        let open = runner.run(Self.invocation(.tcp(host: "127.0.0.1", port: listener.port), hosts: hosts.addresses)) { _ in }
        #expect(open.hosts?.map(\.host) == hosts.addresses)
        #expect(open.hosts?.map(\.result.output) == Array(repeating: "open 127.0.0.1:\(listener.port)\n", count: 2))
        #expect(open.hosts?.allSatisfy { $0.result.exitStatus == 0 && !$0.result.unreachable } == true)
        let closed = try LoopbackSocket.closedPort()
        let refused = runner.run(Self.invocation(.tcp(host: "127.0.0.1", port: closed), hosts: hosts.addresses)) { _ in }
        #expect(refused.hosts?.map(\.result.output) == Array(repeating: "refused 127.0.0.1:\(closed)\n", count: 2))
        #expect(refused.hosts?.allSatisfy { $0.result.exitStatus == 1 } == true)
        // A hostile host stays data on the remote side too.
        let marker = hosts.directory + "/tcp-marker"
        let hostile = runner.run(Self.invocation(.tcp(host: "$(touch \(marker))", port: 80), hosts: hosts.addresses)) { _ in }
        #expect(hostile.hosts?.allSatisfy { !$0.result.output.hasPrefix("open") } == true)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("an http probe from the target hosts: each host's curl asks, the secrets only on its standard input, never in ps or a file")
    func httpFromTarget() throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let control = try Self.privateDirectory()
        let runner = Self.runner(hosts, control: control)
        let server = try FixtureServer()
        defer { server.stop() }
        let secret = "s3cr3t-\(UInt32.random(in: 0 ... .max))"
        let password = "pw-\(UInt32.random(in: 0 ... .max))"
        let seen = LockedText()
        let watching = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // The hosts are this machine, so one ps sees both sides.
            for _ in 0..<30 {
                seen.append(run(.command(argv: ["ps", "-eo", "args"])).text)
                usleep(100_000)
            }
            watching.signal()
        }
        func request(_ path: String) -> Invocation.Payload {
            .http(
                HTTPRequest(
                    method: "GET", url: "http://medic:\(password)@127.0.0.1:\(server.port)\(path)",
                    headers: [HTTPHeader(name: "X-Token", value: secret)],
                    body: nil, followRedirects: false))
        }
        var invocation = Self.invocation(request("/echo?reflect=1"), hosts: hosts.addresses)
        invocation.secrets = [secret, password]
        let echoed = runner.run(invocation) { _ in }
        #expect(echoed.hosts?.map(\.host) == hosts.addresses)
        for host in echoed.hosts ?? [] {
            #expect(host.result.httpStatus == 200, "\(host.host): \(host.result)")
            #expect(host.result.header("X-Reflected") == secret)
            #expect(host.result.output.contains("Authorization: Basic \(Data("medic:\(password)".utf8).base64EncodedString())"))
        }
        var slow = Self.invocation(request("/slow?seconds=2"), hosts: [hosts.addresses[0]], set: nil)
        slow.secrets = [secret, password]
        var shown: [UInt8] = []
        let one = runner.run(slow) { shown += $0 }
        #expect(one.httpStatus == 200)
        #expect(one.output == "slow done\n")
        #expect(String(decoding: shown, as: UTF8.self) == "slow done\n", "one host: the body is shown, never curl's headers")
        let missing = runner.run(Self.invocation(request("/status/404"), hosts: hosts.addresses)) { _ in }
        #expect(missing.hosts?.map(\.result.httpStatus) == [404, 404])
        watching.wait()
        #expect(seen.text.contains("curl -q -K -"), "ps saw the hosts' curl")
        #expect(!seen.text.contains(secret))
        #expect(!seen.text.contains(password))
        // Nothing written here or by the hosts' sshd holds them.
        for directory in [control, hosts.directory] {
            for file in FileManager.default.subpaths(atPath: directory) ?? [] {
                guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { continue }
                let text = String(decoding: data, as: UTF8.self)
                #expect(!text.contains(secret) && !text.contains(password), "\(directory)/\(file)")
            }
        }
    }

    @Test("a secret is in no process's argv, here or on the host, while the step runs")
    func secretNotInProcessList() throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let secret = "s3cr3t-\(UInt32.random(in: 0 ... .max))"
        let runner = Self.runner(hosts, control: try Self.privateDirectory())
        let seen = LockedText()
        DispatchQueue.global().async {
            // The "host" is this machine, so one ps sees both sides.
            for _ in 0..<20 {
                let ps = run(.command(argv: ["ps", "-eo", "args"]))
                seen.append(ps.text)
                usleep(100_000)
            }
        }
        let result = runner.run(
            Self.invocation(
                .script(#"sleep 2; [ "$TOKEN" = "$EXPECTED" ] && echo same"#), hosts: hosts.addresses, set: nil,
                environment: ["TOKEN": secret, "EXPECTED": secret])
        ) { _ in }
        #expect(result.exitStatus == 0)
        #expect(seen.text.contains("sleep 2"), "ps saw the step running")
        #expect(!seen.text.contains(secret))
    }

    @Test("at the timeout the step's whole process group on the host ends")
    func timeoutEndsRemoteGroup() throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let runner = Self.runner(hosts, control: try Self.privateDirectory())
        let result = runner.run(
            Self.invocation(
                .script(#"sleep 300 & echo $! > "$MEDIC_HOST_DIR/pid"; wait"#), hosts: hosts.addresses, timeout: TimeSpan(milliseconds: 2000))
        ) { _ in }
        #expect(result.hosts?.first?.result.timedOut == true)
        let pidText = try String(contentsOfFile: hosts.hostDirectory(hosts.addresses[0]) + "/pid", encoding: .utf8)
        let pid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        let deadline = ContinuousClock.now + .seconds(5)
        // The test's sshd runs under this process, which a LocalRunner made a child subreaper:
        // the ended sleep may be left to it as a zombie, which is ended all the same.
        while !Processes.isGone(pid), ContinuousClock.now < deadline { usleep(50_000) }
        #expect(Processes.isGone(pid), "the remote sleep \(pid) outlived the step")
    }

    @Test("an address without sshd and a host whose key is not known are results, not crashes")
    func unreachable() throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let control = try Self.privateDirectory()
        let result = Self.runner(hosts, control: control).run(Self.invocation(.script("true"), hosts: ["127.0.0.59", hosts.addresses[0]])) { _ in }
        #expect(result.hosts?[0].result.unreachable == true)
        #expect(result.hosts?[0].result.failureReason?.contains("Connection refused") == true)
        #expect(result.hosts?[1].result.exitStatus == 0)
        let empty = hosts.directory + "/empty_known_hosts"
        try #require(FileManager.default.createFile(atPath: empty, contents: Data()))
        let strict = Self.runner(hosts, control: try Self.privateDirectory(), extra: ["-o", "UserKnownHostsFile=" + empty])
            .run(Self.invocation(.script("true"), hosts: hosts.addresses)) { _ in }
        #expect(strict.hosts?.first?.result.unreachable == true)
        #expect(strict.hosts?.first?.result.failureReason?.contains("Host key verification failed") == true)
    }
}

/// Text appended from another thread.
final class LockedText: @unchecked Sendable {
    private var value = ""
    private let lock = NSLock()
    func append(_ text: String) { lock.withLock { value += text } }
    var text: String { lock.withLock { value } }
}
