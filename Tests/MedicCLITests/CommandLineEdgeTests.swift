import Foundation
import MedicTestSupport
import Testing

/// The real `medic` binary at the rough edges a new user meets first: typos, `version`, a runbook
/// named rather than pathed (or not there at all), a secret without a terminal, `list`'s columns
/// and shell completion.
@Suite("medic's command line, at its edges")
struct CommandLineEdgeTests {
    static let repository = TestSupport.repositoryRoot

    /// Runs `medic arguments` in `directory` with stdin from /dev/null; output and errors together.
    func medic(_ arguments: [String], in directory: String = repository, environment: [String: String] = [:]) throws -> Spawn.Ended {
        let binary = CommandLineTests.binary
        return try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", directory, binary] + arguments,
            environment: ["NO_COLOR": "1"].merging(environment) { $1 }, timeout: 60)
    }

    @Test("a mistyped command is a usage error that names the closest command")
    func typo() throws {
        let run = try medic(["rn", "runbooks/starter.yaml"])
        #expect(run.status == 64)
        #expect(run.output.contains("medic: error: unknown command 'rn'; did you mean 'run'?"), "\(run.output)")
        let far = try medic(["frobnicate"])
        #expect(far.status == 64)
        #expect(far.output.contains("unknown command 'frobnicate'") && !far.output.contains("did you mean"))
        let valid = try medic(["valdiate", "runbooks/starter.yaml"])
        #expect(valid.output.contains("did you mean 'validate'?"))
    }

    @Test("`medic version` and `medic --version` print the version and the commit the binary was built from")
    func version() throws {
        let word = try medic(["version"])
        let flag = try medic(["--version"])
        #expect(word.status == 0 && flag.status == 0)
        #expect(word.output == flag.output)
        let line = word.output.trimmingCharacters(in: .newlines)
        let match = try #require(line.wholeMatch(of: /medic (\d+\.\d+\.\d+) \(commit ([0-9a-f]{12})(-dirty)?\)/), "\(line)")
        // The commit is a real one of this repository (HEAD may have moved on since the build).
        let known = try Spawn.run(["git", "-C", Self.repository, "cat-file", "-e", "\(match.2)^{commit}"], timeout: 30)
        #expect(known.status == 0, "\(match.2) is not a commit of \(Self.repository)")
    }

    @Test("a runbook that is not there is a usage error (64) naming where Medic looked, for every command that takes one")
    func missingRunbook() throws {
        for arguments in [
            ["run", "nginx-520"], ["drill", "nginx-520"], ["show", "nginx-520"], ["graph", "nginx-520"], ["validate", "nginx-520"],
        ] {
            let run = try medic(arguments)
            #expect(run.status == 64, "\(arguments): \(run.output)")
            #expect(
                run.output.contains(
                    "medic: error: no runbook 'nginx-520': no such file here, and no nginx-520.yaml in the runbook search path (runbooks, "))
            #expect(!run.output.contains("invalid"))
        }
        let path = try medic(["run", "runbooks/nginx-520.yaml"])
        #expect(path.status == 64)
        #expect(path.output.contains("medic: error: no runbook file 'runbooks/nginx-520.yaml': no such file"))
        // A runbook that is there but broken is still an invalid runbook.
        let broken = try medic(["run", "Tests/MedicLoaderTests/Fixtures/invalid/loop.yaml"])
        #expect(broken.status == 2)
    }

    @Test("a runbook is found by name from any directory; an explicit path wins; MEDIC_RUNBOOK_PATH comes first")
    func searchPath() throws {
        let elsewhere = try TestSupport.temporaryDirectory()
        let shipped = Self.repository + "/runbooks"
        // Named, through MEDIC_RUNBOOK_PATH, from a directory with no runbooks of its own.
        let named = try medic(["show", "nginx-502"], in: elsewhere, environment: ["MEDIC_RUNBOOK_PATH": shipped])
        #expect(named.status == 0, "\(named.output)")
        #expect(named.output.contains("nginx answers 502 Bad Gateway"))
        let drill = try medic(["drill", "nginx-502"], in: elsewhere, environment: ["MEDIC_RUNBOOK_PATH": shipped])
        #expect(drill.status == 0 && drill.output.contains("oom-supervisor-build-jobs"), "\(drill.output)")
        #expect(drill.output.contains("start one with: medic drill nginx-502 --scenario NAME"))
        // A file of that name in the working directory wins over the search path.
        try FileManager.default.copyItem(atPath: Self.repository + "/runbooks/starter-verify.yaml", toPath: elsewhere + "/nginx-502")
        let explicit = try medic(["show", "nginx-502"], in: elsewhere, environment: ["MEDIC_RUNBOOK_PATH": shipped])
        #expect(explicit.output.contains("Verify a health endpoint answers 200") && !explicit.output.contains("502 Bad Gateway"))
        // ./runbooks is searched after MEDIC_RUNBOOK_PATH.
        try FileManager.default.createDirectory(atPath: elsewhere + "/runbooks", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.repository + "/runbooks/starter-verify.yaml", toPath: elsewhere + "/runbooks/starter.yaml")
        let first = try medic(["show", "starter"], in: elsewhere, environment: ["MEDIC_RUNBOOK_PATH": shipped])
        #expect(first.output.contains("Is the local web service answering?"))
        let local = try medic(["show", "starter"], in: elsewhere, environment: ["MEDIC_RUNBOOK_PATH": ""])
        #expect(local.output.contains("Verify a health endpoint answers 200"))
    }

    @Test("an installed medic finds the runbooks installed beside it (PREFIX/share/medic/runbooks), from any directory")
    func installedLayout() throws {
        let prefix = try TestSupport.temporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: prefix + "/share/medic", withIntermediateDirectories: true)
        // Copied by cp, not in this process: a descriptor open for writing here could leak into a
        // child another test forks meanwhile, and exec would then fail with "text file busy".
        let copied = try Spawn.run(["cp", CommandLineTests.binary, prefix + "/bin/medic"], timeout: 60)
        #expect(copied.status == 0, "\(copied.output)")
        try manager.copyItem(atPath: Self.repository + "/runbooks", toPath: prefix + "/share/medic/runbooks")
        let elsewhere = try TestSupport.temporaryDirectory()
        let environment = ["MEDIC_RUNBOOK_PATH": "", "HOME": elsewhere, "XDG_DATA_HOME": "", "XDG_DATA_DIRS": elsewhere, "NO_COLOR": "1"]
        let show = try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", elsewhere, prefix + "/bin/medic", "validate", "nginx-502"],
            environment: environment, timeout: 60)
        #expect(show.status == 0, "\(show.output)")
        #expect(show.output.contains("nginx-502: valid"))
        let list = try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", elsewhere, prefix + "/bin/medic", "list"], environment: environment,
            timeout: 60)
        #expect(list.status == 0 && list.output.contains("\(prefix)/share/medic/runbooks/verify-site.yaml"), "\(list.output)")
    }

    @Test("without a terminal, a missing secret is never told to use --var (which refuses secrets); other inputs are")
    func secretWithoutTerminal() throws {
        let dir = try TestSupport.temporaryDirectory()
        try """
        medic: 1
        id: needs-secret
        title: Needs a token and a host
        inputs:
          host:
            type: string
          token:
            type: secret
        steps:
          use:
            kind: check
            title: Use the token
            why: The secret is asked when this step is reached.
            script: test -n "$TOKEN"
            branches:
              - otherwise: done
          done:
            kind: conclusion
            title: Nothing is wrong
            why: A runbook that only asks for its inputs.
            outcome: no-fault
            cause: none
            summary: Nothing to do.
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """.write(toFile: dir + "/needs-secret.yaml", atomically: true, encoding: .utf8)
        // The secret is asked late: without a terminal the run stops for a person at the step that reads it.
        let secret = try medic(["run", dir + "/needs-secret.yaml", "--var", "host=web1", "--transcript", dir + "/s1"])
        #expect(secret.status == 7)
        #expect(secret.output.contains("this step needs the secret 'token', and standard input is not a terminal to ask for it"), "\(secret.output)")
        #expect(secret.output.contains("set MEDIC_VAR_token or put it in a --var-file only you can read"))
        #expect(!secret.output.contains("--var token") && !secret.output.contains("--var NAME"))
        let plain = try medic(["run", dir + "/needs-secret.yaml", "--transcript", dir + "/s2"], environment: ["MEDIC_VAR_token": "t0ken"])
        #expect(plain.output.contains("pass --var host=VALUE, MEDIC_VAR_host or a --var-file"), "\(plain.output)")
    }

    @Test("list's columns start at the same place on every line, whatever the lengths")
    func listColumns() throws {
        for folder in ["runbooks", "Tests/MedicLoaderTests/Fixtures/invalid"] {
            let run = try medic(["list", folder])
            let lines = run.output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("medic:") && !$0.contains(": error:") }
            let header = try #require(lines.first { $0.hasPrefix("ID ") }, "\(run.output)")
            let starts = ["TITLE", "FILE", "STATUS"].compactMap {
                header.range(of: $0).map { header.distance(from: header.startIndex, to: $0.lowerBound) }
            }
            #expect(starts.count == 3)
            let rows = lines.filter { $0.contains(folder + "/") }
            #expect(rows.count >= 2)
            for row in rows {
                let characters = Array(row)
                for start in starts {
                    #expect(
                        characters.count > start && characters[start] != " " && characters[start - 1] == " " && characters[start - 2] == " ", "\(row)"
                    )
                }
                #expect(String(characters[starts[1]...]).hasPrefix(folder + "/"), "\(row)")
                let status = String(characters[starts[2]...])
                #expect(status.hasPrefix("valid") || status.hasPrefix("invalid"), "\(row)")
            }
        }
    }

    @Test("bash completion completes subcommands, runbook names on the search path, and a runbook's scenarios after --scenario")
    func bashCompletion() throws {
        let script = try medic(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let dir = try TestSupport.temporaryDirectory()
        try script.output.write(toFile: dir + "/medic.bash", atomically: true, encoding: .utf8)
        let bin = URL(fileURLWithPath: CommandLineTests.binary).deletingLastPathComponent().path
        func complete(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = """
                source "$1"
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
                COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
                _medic medic "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let run = try Spawn.run(
                ["/bin/bash", "-c", "cd \"$2\" && " + program, "bash", dir + "/medic.bash", Self.repository],
                environment: ["PATH": bin + ":/usr/bin:/bin", "MEDIC_RUNBOOK_PATH": ""], timeout: 60)
            return run.output.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["medic", "ru"]) == ["run"])
        #expect(try complete(["medic", "dr"]) == ["drill"])
        let runbooks = try complete(["medic", "run", "ngi"])
        #expect(runbooks.contains("nginx-502"), "\(runbooks)")
        let files = try complete(["medic", "show", "runbooks/sta"])
        #expect(files.contains("runbooks/starter.yaml"), "\(files)")
        let scenarios = try complete(["medic", "drill", "nginx-502", "--scenario", "oom-sup"])
        #expect(scenarios.contains("oom-supervisor-build-jobs"), "\(scenarios)")
        #expect(scenarios.allSatisfy { $0.hasPrefix("oom-sup") })
    }
}
