import MedicCore
import Testing

/// The read-only proof reports which inputs and captures stand as the configuration of nginx or
/// supervisorctl, so Medic can judge those files at run time; a configuration the script itself
/// computes is refused, since nothing outside the script can know it.
@Suite("Configuration operands of a check")
struct ConfigurationOperandTests {
    static func operands(_ script: String) -> [ConfigurationOperand] {
        ReadOnlyScript.examine(script).configurationOperands
    }

    @Test("nginx -c, nginx -p and supervisorctl -c given a variable are reported, through wrappers, with the word's parts")
    func reported() {
        #expect(
            Self.operands("nginx -T -c \"$NGINX_CONF\"")
                == [ConfigurationOperand(option: "nginx -c", isFolder: false, segments: [.variable("NGINX_CONF")], singleField: true)])
        #expect(
            Self.operands("timeout 5 nginx -t -p \"$PREFIX/\" -c \"${PREFIX}/nginx.conf\"")
                == [
                    ConfigurationOperand(option: "nginx -p", isFolder: true, segments: [.variable("PREFIX"), .literal("/")], singleField: true),
                    ConfigurationOperand(
                        option: "nginx -c", isFolder: false, segments: [.variable("PREFIX"), .literal("/nginx.conf")], singleField: true),
                ])
        let supervisor = Self.operands("out=$(supervisorctl -c \"$SUPERVISOR_CONF\" status 2>&1); echo \"$out\"")
        #expect(supervisor.map(\.option) == ["supervisorctl -c"])
        // A literal under /etc/ is trusted as before, and is not reported.
        #expect(Self.operands("nginx -T -c /etc/nginx/nginx.conf; supervisorctl status").isEmpty)
    }

    @Test("a command's template reports the placeholders, and the walk fills in the values")
    func command() throws {
        let location = SourceLocation(file: "t.yaml", line: 1, column: 1)
        let argv = ["supervisorctl", "-c", "${supervisor_conf}", "status"].map { Template($0, at: location) }
        let operands = ReadOnlyCheck.examine(.command(argv), at: location).configurationOperands
        #expect(
            operands == [
                ConfigurationOperand(option: "supervisorctl -c", isFolder: false, segments: [.variable("supervisor_conf")], singleField: true)
            ])
        let path = try operands[0].resolve { $0 == "supervisor_conf" ? "/tmp/s.conf" : nil }.get()
        #expect(path == ConfigurationPath(option: "supervisorctl -c", path: "/tmp/s.conf", isFolder: false))
    }

    @Test("a value Medic does not know, or one the shell would split, cannot be judged")
    func unresolvable() {
        let operand = ConfigurationOperand(
            option: "nginx -c", isFolder: false, segments: [.variable("HOME"), .literal("/n.conf")], singleField: true)
        #expect(throws: ConfigurationPath.Unknown.self) { try operand.resolve { _ in nil }.get() }
        let unquoted = Self.operands("nginx -T -c $NGINX_CONF")
        #expect(unquoted.first?.singleField == false)
        #expect(throws: ConfigurationPath.Unknown.self) { try unquoted[0].resolve { _ in "/etc/a b.conf" }.get() }
    }

    @Test(
        "a configuration the script computes, or one given with --configuration=, is refused at validation",
        arguments: [
            "conf=$(ps -o args= -p 1); supervisorctl -c \"$conf\" status", "supervisorctl --configuration=\"$SUPERVISOR_CONF\" status",
            "supervisorctl -c \"$(cat /proc/1/cmdline)\" status", "c=/tmp/x; nginx -T -c \"$c\"", "nginx -T -c \"${NGINX_CONF:-/tmp/x}\"",
        ])
    func computedRefused(_ script: String) {
        #expect(ReadOnlyScript.problem(script)?.reason.contains("names a configuration computed at run time") == true, "\(script)")
    }
}
