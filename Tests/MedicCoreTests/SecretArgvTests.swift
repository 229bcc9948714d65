import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// A secret reaches a script as an environment variable; handing it to a program as an argument
/// puts it in that program's argv, where any user reads it with ps. Validation refuses that, and
/// only that: a builtin of dash, an assignment or a here-document keeps it out of argv.
@Suite("Secrets kept out of the argv of a script's programs")
struct SecretArgvTests {
    static func runbook(_ script: String, kind: String = "check") -> String {
        let indented = script.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
        return """
            medic: 1
            id: argv
            title: Argv
            inputs:
              tok: {type: secret}
              host: {type: string, required: false}
            steps:
              look:
                kind: \(kind)
                title: Look
                why: w
                script: |
            \(indented)
                branches:
                  - otherwise: done
              done:
                kind: conclusion
                title: Done
                why: w
                outcome: resolved
                cause: none
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
    }

    static func leaks(_ script: String, kind: String = "check") throws -> [Diagnostic] {
        let runbook = try TestSupport.parsed(Self.runbook(script, kind: kind), path: "/rb/argv.yaml")
        return Validator().validate(TestSupport.bundle(runbook)).filter { $0.message.contains(" passes the secret ") }
    }

    @Test(
        "a secret in a program's argv is refused",
        arguments: [
            (#"timeout 3 tail -f /dev/null "$TOK" 2>/dev/null; echo done"#, "timeout"),
            (#"prog "$TOK""#, "prog"),
            (#"prog --pass="$TOK""#, "prog"),
            (#"X=$TOK; prog "$X""#, "prog"),
            (#"X="a${TOK}b"; Y=$X; prog "$Y""#, "prog"),
            (#"env TOK2="$TOK" prog"#, "env"),
            (#"read -r X <<EOF"# + "\n$TOK\nEOF\nprog \"$X\"", "prog"),
            (#"X=$(printf '%s' "$TOK" | base64); prog "$X""#, "prog"),
            (#"printf '%s' "$TOK" | { read -r X; prog "$X"; }"#, "prog"),
            (#"for x in "$TOK"; do prog "$x"; done"#, "prog"),
            (#"set -- "$TOK"; prog "$1""#, "prog"),
            (#"f() { prog "$1"; }; f "$TOK""#, "prog"),
            (#"export X="$TOK"; prog "$X""#, "prog"),
            (#"echo "$(prog "$TOK")""#, "prog"),
            (#"exec prog "$TOK""#, "prog"),
            (#"command prog "$TOK""#, "prog"),
            (#"eval "prog $TOK""#, "eval"),
            (#"$CMD "$TOK""#, "$CMD"),
            (#"if true; then prog "${TOK:-x}"; fi"#, "prog"),
            // dash joins a line continuation before it reads a parameter's name.
            ("curl -u \"$TO\\\nK\" http://127.0.0.1/", "curl"),
            ("prog ${TO\\\nK}", "prog"),
            ("prog \"$\\\nTOK\"", "prog"),
            ("read -r X <<EOF\n$TO\\\nK\nEOF\nprog \"$X\"", "prog"),
            // xargs makes what it reads the arguments of the program it runs (echo when none).
            (#"printf '%s' "$TOK" | xargs prog"#, "prog"),
            (#"printf '%s' "$TOK" | xargs -I{} prog {}"#, "prog"),
            (#"printf '%s' "$TOK" | xargs -n 1 -0 prog --user"#, "prog"),
            (#"printf '%s' "$TOK" | timeout 5 xargs -r prog"#, "prog"),
            (#"printf '%s' "$TOK" | xargs"#, "echo"),
            ("xargs prog <<EOF\n$TOK\nEOF", "prog"),
            (#"X=$TOK; echo "$X" | { cat | xargs prog; }"#, "prog"),
            // So does GNU parallel, and with no command it runs each line it reads.
            (#"printf '%s' "$TOK" | parallel prog"#, "prog"),
            (#"printf '%s' "$TOK" | parallel -j 4 --timeout 10 prog --user {}"#, "prog"),
            (#"printf '%s' "$TOK" | parallel -j4 -- prog"#, "prog"),
            (#"printf '%s' "$TOK" | timeout 5 /usr/bin/parallel prog"#, "prog"),
            (#"printf '%s' "$TOK" | parallel"#, "parallel"),
            ("parallel prog <<EOF\n$TOK\nEOF", "prog"),
            // An alias's value is code, run where the alias is used.
            ("alias p=\"prog $TOK\"\np", "alias"),
            // A command named by an alias runs the alias's value, even when named like a builtin.
            ("alias echo=prog\necho \"$TOK\"", "echo"),
            // dash has no builtin `source`: it runs a program of that name.
            (#"source "$TOK""#, "source"),
        ])
    func refused(script: String, program: String) throws {
        let found = try Self.leaks(script)
        #expect(found.count == 1, "\(found)")
        let leak = try #require(found.first)
        #expect(leak.severity == .error)
        #expect(leak.message.contains("passes the secret 'tok' to '\(program)' as an argument"))
        #expect(leak.location.file == "/rb/argv.yaml")
    }

    @Test(
        "a secret on standard input, in a builtin or in an assignment is allowed",
        arguments: [
            #"printf '%s' "$TOK" | prog --password-stdin"#,
            "prog <<EOF\n$TOK\nEOF",
            #"echo "$TOK" | prog"#,
            #"test -n "$TOK" && [ "$TOK" != x ] && prog"#,
            #"X=$TOK; printf '%s\n' "$X" | prog"#,
            #"TOK2="$TOK" prog"#,
            #"export TOKEN="$TOK"; prog"#,
            #"prog "$HOST" "$OTHER""#,
            #": "${TOK:?}"; prog"#,
            // What xargs reads is not the secret.
            #"printf '%s' "$TOK" | xargs prog < /dev/null"#,
            #"printf '%s' "$TOK" | xargs -a /etc/hosts prog"#,
            #"echo x | xargs prog; printf '%s' "$TOK" | prog2"#,
            #"printf '%s' "$TOK" | prog2 --password-stdin; xargs prog < /etc/hosts"#,
            // parallel takes its arguments from the command line or a file, or hands its input to the jobs' standard input.
            #"printf '%s' "$TOK" | parallel prog ::: a b"#,
            #"printf '%s' "$TOK" | parallel -a /etc/hosts prog"#,
            #"printf '%s' "$TOK" | parallel --pipe prog --password-stdin"#,
            // A shell given its code with -c, or a script file, reads the secret as data.
            #"printf '%s' "$TOK" | sh -c 'prog --password-stdin'"#,
            #"printf '%s' "$TOK" | bash -ec 'read -r x; printf %s "$x" | prog'"#,
            #"printf '%s' "$TOK" | sh ./reader.sh"#,
            #"echo x | sh; printf '%s' "$TOK" | prog --password-stdin"#,
            // `.` opens the file its operand names and runs it in the shell: no program's argv.
            #". "$TOK""#,
            #"alias ll='ls -l'; echo "$TOK""#,
        ])
    func allowed(script: String) throws {
        #expect(try Self.leaks(script).isEmpty)
    }

    @Test(
        "a secret fed to a shell given no script is refused: the shell runs it as commands, so its words reach a program's argv",
        arguments: [
            (#"printf '%s' "$TOK" | sh"#, "sh"),
            (#"echo "$TOK" | /bin/sh -e"#, "sh"),
            (#"printf '%s\n' "$TOK" | bash -s -- arg"#, "bash"),
            (#"printf '%s' "$TOK" | sudo -n dash"#, "dash"),
            (#"X=$TOK; echo "$X" | sh -o errexit"#, "sh"),
            ("sh <<EOF\n$TOK\nEOF", "sh"),
        ])
    func codeRefused(script: String, shell: String) throws {
        let found = try Self.leaks(script)
        #expect(found.count == 1, "\(found)")
        let leak = try #require(found.first)
        #expect(leak.severity == .error)
        #expect(leak.message.contains("passes the secret 'tok' to '\(shell)' as code: \(shell) runs what it reads as commands"), "\(leak.message)")
    }

    @Test("actions are read the same as checks, and the error points at the word")
    func actionLocated() throws {
        let found = try Self.leaks("echo start\nprog --pass=\"$TOK\"", kind: "action")
        let leak = try #require(found.first)
        #expect(found.count == 1)
        // The block scalar's indicator is on line 12: the script's second line is line 14 (a block
        // scalar's lines are pointed at from column 1).
        #expect(leak.location.line == 14)
    }

    @Test("a discovery's script is read the same")
    func discovery() throws {
        var yaml = Self.runbook("echo ok")
        yaml = yaml.replacingOccurrences(
            of: "  host: {type: string, required: false}\n",
            with: """
                  host:
                    type: string
                    description: d
                    discover:
                      why: w
                      script: lookup --token "$TOK"
                      capture: '^(?<value>\\S+)$'

                """)
        let runbook = try TestSupport.parsed(yaml, path: "/rb/argv.yaml")
        let found = Validator().validate(TestSupport.bundle(runbook)).filter { $0.message.contains("as an argument, where any user") }
        let expected = "the discovery script of 'host' passes the secret 'tok' to 'lookup' as an argument, where any user can read it with ps"
        #expect(found.map(\.message) == [expected])
    }
    /// The verdicts read a check's script for secrets on its read-only proof's parse, and every
    /// other script of a runbook with a secret beside it: each variant of a step, an action and a
    /// discovery is read, and each leak is told once, where its word is.
    @Test("a secret handed to a program is found in each variant, an action and a discovery, once each and where it is written")
    func everyPlaceAScriptIsWritten() throws {
        let text = """
            medic: 1
            id: places
            title: Places
            inputs:
              tok: {type: secret}
              runtime: {type: choice, choices: [a, b], default: a}
              found:
                type: string
                discover:
                  why: w
                  script: found-by "$TOK"
                  capture: '^(?<value>\\S+)$'
            steps:
              look:
                kind: check
                title: Look
                why: w
                by: runtime
                variants:
                  a:
                    script: look-a "$TOK"
                  b:
                    script: printf '%s' "$TOK" | look-b
                branches:
                  - otherwise: fix
              fix:
                kind: action
                title: Fix
                why: w
                script: |
                  echo fixing
                  fixer "$TOK"
                branches:
                  - otherwise: done
              done:
                kind: conclusion
                title: Done
                why: w
                outcome: resolved
                cause: none
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let runbook = try TestSupport.parsed(text, path: "/rb/places.yaml")
        let found = Validator().validate(TestSupport.bundle(runbook))
            .filter { $0.message.contains("as an argument, where any user can read it with ps") }
            .map { "\($0.location.line):\($0.location.column) \($0.message.prefix(while: { $0 != "," }))" }
        // The action is read in both forms of the runbook (one per choice of runtime); `medic
        // validate` lists a diagnostic once. In a block scalar the column is past its
        // indentation (six spaces, then `fixer `).
        let places = Set(found).sorted()
        #expect(
            places == [
                "11:24 the discovery script of 'found' passes the secret 'tok' to 'found-by' as an argument",
                "21:24 the script of 'look' passes the secret 'tok' to 'look-a' as an argument",
                "32:13 the script of 'fix' passes the secret 'tok' to 'fixer' as an argument",
            ], "\(found)")
    }
    @Test(
        "a secret fed to xargs or parallel is told as that program's doing, and the hint does not say to hand it on standard input, which the script does already",
        arguments: ["xargs", "parallel"])
    func runnerHint(runner: String) throws {
        let runbook = try TestSupport.parsed(Self.runbook(#"printf '%s' "$TOK" | "# + runner + " prog"), path: "/rb/argv.yaml")
        let found = Validator().validate(TestSupport.bundle(runbook))
            .filter { $0.message.contains("as an argument, where any user can read it with ps") }
        #expect(found.count == 1)
        #expect(found.first?.message.hasSuffix("\(runner) makes what it reads the arguments of the program it runs") == true, "\(found)")
        #expect(found.first?.hint?.contains("without \(runner)") == true, "\(found)")
        #expect(found.first?.hint?.contains("hand it on standard input") == false, "\(found)")
    }
}
