import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// A secret never reaches argv, a child's inherited environment, a core file or another process
/// of the same user, whatever way it came in: the real binary, watched from outside.
@Suite("Secrets kept out of argv, children's environments and Medic's memory")
struct SecretLeakTests {
    let cli = CommandLineTests()

    static let header = """
        medic: 1
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """

    static func caller(_ with: String) -> String {
        header + """
            id: caller
            title: Caller
            inputs:
              token: {type: secret, description: the API token}
            steps:
              call:
                kind: runbook
                title: Call
                why: w
                runbook: callee.yaml
                with:
                  word: \(with)
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none, summary: done}
            """
    }

    static func callee(wordType: String, look: String) -> String {
        header + """
            id: callee
            title: Callee
            inputs:
              word: {type: \(wordType), required: false}
            steps:
              look:
                kind: check
                title: Look with the word
                why: w
                \(look)
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none, summary: done}
            """
    }

    /// `ps auxww` every 50 ms for about two seconds, into `file`, started now.
    func watchProcesses(into file: String) throws -> Process {
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        watcher.arguments = ["-c", "for i in $(seq 1 40); do ps auxww; sleep 0.05; done > \(file)"]
        try watcher.run()
        return watcher
    }

    @Test("a secret passed with 'with:' to an input that is not secret is refused before anything runs, so it never reaches argv")
    func secretToPlainInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        let secret = "3.141592653"
        try Self.caller("\"${token}\"").write(toFile: dir + "/caller.yaml", atomically: true, encoding: .utf8)
        try Self.callee(wordType: "string", look: "command: [\"sleep\", \"${word}\"]").write(
            toFile: dir + "/callee.yaml", atomically: true, encoding: .utf8)
        let watcher = try watchProcesses(into: dir + "/ps.txt")
        let run = try cli.medic(
            ["run", dir + "/caller.yaml", "--transcript", dir + "/s"], environment: ["MEDIC_VAR_token": secret, "XDG_STATE_HOME": dir])
        watcher.waitUntilExit()
        #expect(run.status == 2, "\(run.output)\(run.error)")
        #expect(
            run.error.contains(
                "caller.yaml:15:13: error: 'call' passes the secret 'token' to 'word' of callee.yaml, which is not a secret input"),
            "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "nothing ran")
        let ps = try String(contentsOfFile: dir + "/ps.txt", encoding: .utf8)
        #expect(!ps.contains(secret))
        #expect(!run.output.contains(secret) && !run.error.contains(secret))
    }

    @Test("a secret passed with 'with:' to a secret input reaches the called runbook's script only by its environment, masked everywhere")
    func secretToSecretInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        let secret = "zz-handed-over-zz"
        try Self.caller("\"${token}\"").write(toFile: dir + "/caller.yaml", atomically: true, encoding: .utf8)
        try Self.callee(wordType: "secret", look: "script: 'sleep 1; echo \"word=$WORD\"'").write(
            toFile: dir + "/callee.yaml", atomically: true, encoding: .utf8)
        let watcher = try watchProcesses(into: dir + "/ps.txt")
        let run = try cli.medic(
            ["run", dir + "/caller.yaml", "--transcript", dir + "/s"], environment: ["MEDIC_VAR_token": secret, "XDG_STATE_HOME": dir])
        watcher.waitUntilExit()
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("word=••••"), "\(run.output)")
        let ps = try String(contentsOfFile: dir + "/ps.txt", encoding: .utf8)
        #expect(ps.contains("sleep 1"), "ps ran while the script did")
        #expect(!ps.contains(secret))
        for file in try FileManager.default.subpathsOfDirectory(atPath: dir + "/s") {
            guard let data = FileManager.default.contents(atPath: dir + "/s/" + file) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "\(file) holds the secret")
        }
    }

    static let environmentRunbook =
        header + """
            id: env
            title: What a step's environment holds
            inputs:
              token: {type: secret, description: the API token}
            steps:
              program:
                kind: check
                title: A program's environment
                why: w
                command: ["cat", "/proc/self/environ"]
                branches:
                  - otherwise: script
              script:
                kind: check
                title: A script's environment and core limit
                why: w
                script: |
                  tr '\\0' '\\n' < /proc/self/environ
                  grep "Max core" /proc/self/limits
                  sleep 2
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none, summary: done}
            """

    @Test(
        "no MEDIC_VAR_<name> reaches a step's environment; Medic runs with core dumps off and non-dumpable, a script with a core limit of 0",
        .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv"))
    func inheritedEnvironmentAndCoreDumps() throws {
        let dir = try TestSupport.temporaryDirectory()
        // Medic runs as nobody, so /proc/PID shows whether it is dumpable: a dumpable process's
        // files belong to its user, a non-dumpable one's to root.
        #expect(chown(dir, 65534, 65534) == 0)
        try Self.environmentRunbook.write(toFile: dir + "/env.yaml", atomically: true, encoding: .utf8)
        let secret = "zzTOPSECRETzz"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", #"ulimit -S -c unlimited; exec "$0" "$@""#,
            CommandLineTests.binary, "run", dir + "/env.yaml", "--transcript", dir + "/s",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "NO_COLOR": "1", "XDG_STATE_HOME": dir, "HOME": dir, "MEDIC_VAR_token": secret,
            "MEDIC_VAR_unused": "not-an-input",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let medic = try #require(StopDuringDiscoveryTests.medicPid(transcript: dir + "/s"))
        // Its journal exists once it has read its inputs: well past start-up (the script sleeps 2 s).
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: dir + "/s/transcript.jsonl"), Date() < deadline { usleep(20_000) }
        let limits = try String(contentsOfFile: "/proc/\(medic)/limits", encoding: .utf8)
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }?.split(separator: " ", omittingEmptySubsequences: true)
        #expect(core.map { Array($0.dropFirst(4).prefix(2)) } == ["0", "unlimited"], "\(limits)")
        var info = stat()
        #expect(stat("/proc/\(medic)/environ", &info) == 0)
        #expect(info.st_uid == 0, "Medic's /proc files belong to root: it is not dumpable")
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains(/Max core file size +0 +unlimited/), "a script inherits the core limit 0: \(output)")
        #expect(output.contains("TOKEN=••••"), "a script gets the secret by the environment the runbook gives it")
        var stored = ""
        for file in try FileManager.default.subpathsOfDirectory(atPath: dir + "/s/output") {
            stored += String(decoding: FileManager.default.contents(atPath: dir + "/s/output/" + file) ?? Data(), as: UTF8.self)
        }
        #expect(stored.contains("XDG_STATE_HOME="), "the outputs hold the steps' environments")
        #expect(!stored.contains("MEDIC_VAR_"), "\(stored)")
        #expect(!output.contains("MEDIC_VAR_token=") && !output.contains("MEDIC_VAR_unused"), "\(output)")
        #expect(!stored.contains(secret) && !stored.contains("not-an-input"))
    }
}

/// A secret changed with `set` at a prompt: both values stay masked everywhere.
@Suite("A secret changed at a prompt", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct SecretSetTerminalTests {
    /// An action that uses the secret, then a check whose output holds its values.
    static func runbook(reading file: String) -> String {
        SecretLeakTests.header + """
            id: sec
            title: A secret changed before an action
            inputs:
              token: {type: secret, description: the password}
            steps:
              act:
                kind: action
                title: Use the token
                why: w
                script: test -n "$TOKEN"
                branches:
                  - when: {succeeded: true}
                    next: look
                  - otherwise: look
                skip: look
              look:
                kind: check
                title: Read the file
                why: w
                command: ["cat", "\(file)"]
                capture: ['password=(?<pw>\\S+)']
                branches:
                  - otherwise: done
                    because: the file says ${pw}
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none, summary: "the file says ${pw}"}
            """
    }

    @Test("after 'set token', the value it held before and the new one are masked on the screen, in the outputs, the journal and the report")
    func setKeepsMasking() throws {
        let dir = try TestSupport.temporaryDirectory()
        try "password=OLDSECRETVALUE\nnew=NEWSECRETVALUE\n".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        try "token=OLDSECRETVALUE\n".write(toFile: dir + "/vars", atomically: true, encoding: .utf8)
        #expect(chmod(dir + "/vars", 0o600) == 0)
        try Self.runbook(reading: dir + "/file").write(toFile: dir + "/sec.yaml", atomically: true, encoding: .utf8)
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(dir)/sec.yaml --var-file \(dir)/vars --transcript \(dir)/s",
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.type("set token")
        try terminal.send("Enter")
        try terminal.waitFor("token (input hidden): ")
        try terminal.type("NEWSECRETVALUE")
        try terminal.send("Enter")
        try terminal.waitFor("token = ••••")
        // The action is shown again before its prompt; what is typed before the prompt is
        // discarded, so "yes" waits for the prompt.
        try terminal.waitForPrompt("Run it? › ")
        try terminal.type("yes")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 0]")
        #expect(screen.contains("password=••••") && screen.contains("new=••••"), "\(screen)")
        #expect(!screen.contains("OLDSECRETVALUE") && !screen.contains("NEWSECRETVALUE"), "\(screen)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir + "/s")
        #expect(files.contains("transcript.jsonl") && files.contains("transcript.md") && files.contains("session.cast"))
        for file in files {
            guard let data = FileManager.default.contents(atPath: dir + "/s/" + file) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("OLDSECRETVALUE") && !text.contains("NEWSECRETVALUE"), "\(file) holds a value of the secret")
        }
    }
}
