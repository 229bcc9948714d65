import MedicCore
import Testing

@Suite("The list of state-changing commands")
struct StateChangingCommandsTests {
    @Test(
        "commands that change state are caught",
        arguments: [
            ["docker", "restart", "app"], ["docker", "container", "stop", "app"], ["docker", "compose", "-f", "x.yml", "up", "-d"],
            ["docker-compose", "down"], ["systemctl", "restart", "nginx"], ["sudo", "systemctl", "stop", "app"],
            ["supervisorctl", "-c", "/etc/s.conf", "stop", "jobs:*"], ["kill", "-9", "1"], ["pkill", "uvicorn"], ["rm", "-rf", "/tmp/x"],
            ["mv", "a", "b"], ["kubectl", "delete", "pod", "x"], ["kubectl", "-n", "prod", "scale", "deploy/x", "--replicas=0"],
            ["kubectl", "rollout", "restart", "deploy/x"], ["kubectl", "apply", "-f", "x"], ["nginx", "-s", "reload"], ["/usr/sbin/reboot"],
            ["timeout", "5", "systemctl", "restart", "x"], ["sed", "-i", "s/a/b/", "f"], ["env", "A=1", "rm", "x"],
        ])
    func caught(_ argv: [String]) {
        #expect(StateChangingCommands.reason(argv: argv) != nil, "\(argv)")
    }

    @Test(
        "read-only commands pass",
        arguments: [
            ["docker", "ps", "-a"], ["docker", "inspect", "--format", "{{.State.OOMKilled}}", "app"], ["docker", "logs", "--tail", "200", "app"],
            ["docker", "compose", "ps"], ["systemctl", "status", "app"], ["journalctl", "-u", "app", "--since", "-15m"],
            ["supervisorctl", "-c", "/etc/s.conf", "status"], ["kubectl", "get", "pods", "-n", "prod"], ["kubectl", "describe", "pod", "x"],
            ["kubectl", "rollout", "status", "deploy/x"], ["nginx", "-T"], ["ss", "-tlnp"], ["dmesg", "-T"], ["free", "-m"], ["uptime"],
            ["tail", "-n", "50", "/var/log/nginx/error.log"], ["curl", "-sS", "http://127.0.0.1/"],
        ])
    func passes(_ argv: [String]) {
        #expect(StateChangingCommands.reason(argv: argv) == nil, "\(argv)")
    }

    @Test func scripts() {
        #expect(StateChangingCommands.reason(script: "systemctl status app || systemctl restart app") != nil)
        #expect(StateChangingCommands.reason(script: "x=$(docker stop app)") != nil)
        #expect(StateChangingCommands.reason(script: "echo \"$(pkill -f build)\"") != nil)
        #expect(StateChangingCommands.reason(script: "tail -n 5 log > /tmp/copy") != nil)
        #expect(StateChangingCommands.reason(script: "grep -c x log 2>/dev/null || echo 0") == nil)
        #expect(StateChangingCommands.reason(script: "dmesg -T 2>&1 | grep -i 'killed process' >&2") == nil)
        #expect(StateChangingCommands.reason(script: "# rm -rf / is only a comment\nuptime") == nil)
        #expect(StateChangingCommands.reason(script: "awk '{print $1}' /proc/loadavg") == nil)
    }
}

@Suite("Templates, inputs, masking and JSON")
struct PieceTests {
    let here = SourceLocation(file: "t.yaml", line: 1, column: 1)

    @Test func templates() {
        let t = Template("docker inspect ${app} $${literal} {{.State}} ${not valid}", at: here)
        #expect(t.variables == ["app"])
        #expect(t.render { $0 == "app" ? "a b" : "?" } == "docker inspect a b ${literal} {{.State}} ${not valid}")
        #expect(Template("${open", at: here).hasUnclosedPlaceholder)
    }

    @Test func inputValues() {
        let port = InputDefinition(name: "port", type: .int, location: here)
        #expect(port.problem(with: "80") == nil)
        #expect(port.problem(with: "eighty") != nil)
        let name = InputDefinition(name: "name", type: .string, location: here)
        #expect(name.problem(with: "--help") != nil)
        #expect(name.problem(with: "a\nb") != nil)
        #expect(name.problem(with: "ok\u{1B}[31m") != nil)
        let dashed = InputDefinition(name: "flag", type: .string, pattern: RegexPattern("^-[a-z]$", at: here), location: here)
        #expect(dashed.problem(with: "-v") == nil)
        let url = InputDefinition(name: "u", type: .url, location: here)
        #expect(url.problem(with: "http://127.0.0.1:8080/x") == nil)
        #expect(url.problem(with: "ftp://x") != nil && url.problem(with: "http://") != nil)
        let choice = InputDefinition(name: "c", type: .choice, choices: ["docker", "systemd"], location: here)
        #expect(choice.problem(with: "systemd") == nil && choice.problem(with: "podman") != nil)
        let optional = InputDefinition(name: "o", type: .string, isRequired: false, location: here)
        #expect(optional.problem(with: "") == nil && name.problem(with: "") != nil)
    }

    @Test func masking() {
        let secret = "p\"a$s%\nw"
        let masking = Masking(secrets: [secret])
        let json = #"{"password":"p\"a$s%\nw"}"#
        #expect(!masking.apply(json).contains("a$s"))
        #expect(masking.apply("q=p%22a%24s%25%0Aw&x=1") == "q=••••&x=1")
        #expect(masking.apply("raw: \(secret)") == "raw: ••••")
        #expect(Masking(secrets: ["hunter22"]).apply("aHVudGVyMjI=") == "••••=")
    }

    @Test func durations() {
        #expect(TimeSpan(parsing: "15m")?.wholeSeconds == 900)
        #expect(TimeSpan(parsing: "250ms")?.milliseconds == 250)
        #expect(TimeSpan(parsing: "5 minutes") == nil && TimeSpan(parsing: "m") == nil && TimeSpan(parsing: "-5s") == nil)
    }
}
