import Foundation
import MedicCore
import MedicRuntime
import Testing

/// The run-time guard of issue 11: whatever built an invocation (a runbook the validator
/// refused, a replayed journal, a test), a variable whose upper-case name the shell, the loader
/// or a program reads is never exported, here or in the wrapper sent to another host.
@Suite("A step's environment never sets PATH, LD_PRELOAD or the like")
struct EnvironmentNameTests {
    @Test("refused names, exact and by family, and names that stay")
    func names() {
        for name in [
            "path", "ld_preload", "ld_library_path", "home", "kubeconfig", "bash_env", "ifs", "env", "openssl_conf", "lc_all", "tmpdir", "ps4",
        ] {
            #expect(EnvironmentName.problem(name) != nil, "\(name)")
        }
        #expect(EnvironmentName.problem("path")?.contains("environment variable PATH") == true)
        for name in ["host", "kube_context", "kube_namespace", "docker_state", "ssl_failed", "error_window", "app_url", "psql_port"] {
            #expect(EnvironmentName.problem(name) == nil, "\(name)")
        }
    }

    /// One list: every name refused as a runbook variable is refused as a script's own
    /// assignment (`X=… cmd`, `export`, `env X=…`, `local`), and the reverse; a display-only
    /// name (LC_ALL) only with a value such as a path (below).
    @Test(
        "a script may set no name a runbook variable may not take, and the reverse",
        arguments: [
            "PATH", "LD_PRELOAD", "HOME", "OPENSSL_CONF", "PYTHONUSERBASE", "PYTHONHOME", "SSLKEYLOGFILE", "LC_ALL", "TMPDIR", "PS4", "PS0",
            "HTTPS_PROXY", "NO_PROXY", "CURL_CA_BUNDLE", "GIT_SSH", "KUBECTL_EXTERNAL_DIFF", "BASH_XTRACEFD", "HISTFILE", "LESSKEY", "APP_URL",
            "HOST", "KUBE_CONTEXT",
        ])
    func oneList(_ name: String) throws {
        let refusedHere = EnvironmentName.problem(name.lowercased()) != nil
        #expect((ReadOnlyCommands.assignmentProblem(name) != nil) == refusedHere, "\(name)")
        for script in ["\(name)=/tmp/x ps", "export \(name)=/tmp/x; ps", "env \(name)=/tmp/x ps", "f() { local \(name)=/tmp/x; ps; }; f"] {
            #expect((ReadOnlyScript.problem(script) != nil) == refusedHere, "\(script)")
        }
    }

    /// TZ, LANG and LC_* change only how text and times are written and read: a runbook variable
    /// may not take them (every step would get them), a script may set them, a locale by name.
    @Test("display-only names: refused as a runbook variable's name, allowed in a script", arguments: ["TZ", "LANG", "LC_ALL", "LC_TIME"])
    func displayOnly(_ name: String) {
        #expect(EnvironmentName.problem(name.lowercased()) != nil, "\(name)")
        #expect(ReadOnlyCommands.assignmentProblem(name) != nil, "\(name)")
        for script in ["\(name)=C sort log", "export \(name)=C; sort log", "env \(name)=C sort log", "f() { local \(name)=C; sort log; }; f"] {
            #expect(ReadOnlyScript.problem(script) == nil, "\(script): \(ReadOnlyScript.problem(script)?.reason ?? "")")
        }
    }

    /// The names that load files from a folder of the caller's choosing, and a locale named by a
    /// path, are refused for that reason, in front of any program.
    @Test(
        "names that load files stay refused in a script",
        arguments: [
            ("LOCPATH=/tmp/l sort log", "LOCPATH"), ("GCONV_PATH=/tmp/g sort log", "GCONV_PATH"), ("NLSPATH=/tmp/n sort log", "NLSPATH"),
            ("export TZDIR=/tmp/z; date", "TZDIR"), ("LC_ALL=/tmp/l sort log", "LC_ALL"), ("env LANG=\"$X\" sort log", "LANG"),
            ("LC_EVIL=x sort log", "LC_EVIL"), ("LANGUAGE=de sort log", "LANGUAGE"),
        ])
    func loadingNames(_ script: String, _ name: String) {
        let reason = ReadOnlyScript.problem(script)?.reason ?? ""
        #expect(reason.contains("setting \(name)"), "\(script): \(reason)")
    }

    @Test("a script run here gets no PATH from the invocation: the real cat runs, not the planted one")
    func localScript() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medic-env-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let marker = folder + "/marker"
        try "#!/bin/sh\n: > '\(marker)'\n".write(toFile: folder + "/cat", atomically: true, encoding: .utf8)
        #expect(chmod(folder + "/cat", 0o755) == 0)
        let planted = ["PATH": folder + ":/usr/bin:/bin", "LD_PRELOAD": folder + "/none.so", "HOST": "web1"]
        let script = run(.script("cat /dev/null; echo \"$HOST ${LD_PRELOAD-unset}\""), environment: planted)
        #expect(script.text == "web1 unset\n")
        let command = run(.command(argv: ["cat", "/dev/null"]), environment: planted)
        #expect(command.result.exitStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: marker), "the planted cat ran")
    }

    @Test("the wrapper sent to another host exports no such name, before its own commands either")
    func remoteWrapper() throws {
        let text = try RemoteScript.text(
            for: .script("cat /etc/hostname"), environment: ["PATH": "/tmp/evil:/bin", "LD_PRELOAD": "/tmp/x.so", "HOST": "web1"], marker: "m"
        ).get()
        #expect(!text.contains("PATH="))
        #expect(!text.contains("LD_PRELOAD"))
        #expect(text.contains("HOST='web1'; export HOST"))
    }
}
