import Foundation
import MedicTestSupport
import Testing

/// The holes a read-only review found in the proof of issue 11 (awk's `/` after `getline`, sed
/// labels, function redefinitions, bash array subscripts, variable names that set PATH), held to
/// the corpus's rules: the script creates the marker when its shell runs it (bash for bash's
/// features, gawk where awks differ), `medic validate` refuses it with a located error, and
/// `medic run --dry-run` never creates the marker.
extension SmuggledCheckTests {
    /// One hostile check: its script (`{M}` the marker), a part of the reason, and the shell (and
    /// the program it needs) that shows the script creating the marker.
    struct Hole: Sendable, CustomTestStringConvertible {
        var script: String
        var reason: String
        var shell = "/bin/sh"
        var needs = "/bin/sh"
        var testDescription: String { script }
    }

    static let holes: [Hole] = [
        // awk: where awks disagree whether '/' divides or starts a regex, Medic may not guess.
        Hole(script: #"awk 'BEGIN { x = getline / 1; system("touch {M}"); y = 1 / 1 }' </dev/null"#, reason: "a '/' after 'getline'"),
        Hole(script: #"mawk 'BEGIN { x = length / "/ ; system("touch {M}") ; y = "" }'"#, reason: "a '/' after 'length'", needs: "/usr/bin/mawk"),
        Hole(script: #"mawk 'BEGIN { x = $ / "/ ; system("touch {M}") ; y = "" }'"#, reason: "a '/' after '$'", needs: "/usr/bin/mawk"),
        Hole(script: #"gawk 'BEGIN { if (1) / "/ ; system("touch {M}") ; y = "" }'"#, reason: "a '/' after ')'", needs: "/usr/bin/gawk"),
        // A quote followed by a combining mark is one Swift character, but a quote to sh and awk.
        Hole(script: "echo \"\u{301}\"; touch {M}; echo \"\" # \"", reason: "'touch' is not on Medic's list"),
        Hole(script: #"awk 'BEGIN { x = "\#u{301}"; system("touch {M}"); y = "" } # "'"#, reason: "calls system()"),
        // sed: a label ends at a blank, and another command follows it.
        Hole(script: "sed ':x e touch {M}' /etc/hostname", reason: "runs a command ('e')"),
        Hole(script: "sed -n ':x w {M}' /etc/hostname", reason: "writes a file ('w')"),
        Hole(script: "sed -n 'bx w {M}' /etc/hostname", reason: "writes a file ('w')"),
        // Functions: every body a name ever has, and a name that may not be a function yet.
        Hole(script: "f() { echo first; }; for i in 1 2; do f; f() { touch {M}; }; done", reason: "'touch' is not on Medic's list"),
        Hole(script: "if false; then touch() { :; }; fi; touch {M}", reason: "'touch' is not on Medic's list"),
        Hole(script: "touch() { :; }; unset -f touch; touch {M}", reason: "'unset -f' may remove a function"),
        // bash evaluates an array element's subscript as code wherever a builtin reads or assigns it.
        Hole(script: "test -v 'a[$(touch {M})]'", reason: "an array element", shell: "/bin/bash"),
        Hole(script: "[ -v 'a[$(touch {M})]' ]", reason: "an array element", shell: "/bin/bash"),
        Hole(script: #"x=-v; y='a[$(touch {M})]'; [ $x "$y" ]"#, reason: "an array element", shell: "/bin/bash"),
        Hole(script: "read 'a[$(touch {M})]' < /etc/hostname", reason: "array", shell: "/bin/bash"),
        Hole(script: "f() { local 'a[$(touch {M})]=1'; }; f", reason: "array", shell: "/bin/bash"),
        Hole(script: "sleep 0 & wait -n -p 'b[$(touch {M})]'", reason: "'wait -p' assigns", shell: "/bin/bash"),
        // awk: a comment runs to the end of its line, a '"' in it no string.
        Hole(script: "awk -v c='touch {M}' 'BEGIN { # \"\nsystem(c) # \"\n}'", reason: "calls system()"),
        // awk joins a backslash-newline's lines: the '/' after it divides.
        Hole(script: "awk -v c='touch {M}' 'BEGIN { a = 1 \\\n/ 2; system(c); b = 2 / 1 }'", reason: "calls system()"),
        // The shell compares bytes: U+1FEF is no backquote, and a precomposed 'é' does not end a
        // here-document whose delimiter has 'e' and U+0301.
        Hole(script: "echo \u{1FEF}:`touch {M}`:\u{1FEF}", reason: "'touch' is not on Medic's list"),
        Hole(script: "cat <<Xe\u{301}\nX\u{E9}\necho '\nXe\u{301}\ntouch {M}\n# '", reason: "'touch' is not on Medic's list"),
    ]

    @Test("each hole is refused with a located error naming the command; a dry run runs none", arguments: holes)
    func holeRefused(_ hole: Hole) throws {
        let (folder, evil, pathFile, marker) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = Self.fill(hole.script, evil: evil, pathFile: pathFile, marker: marker)
        if FileManager.default.isExecutableFile(atPath: hole.needs), FileManager.default.isExecutableFile(atPath: hole.shell) {
            let shown = try Spawn.run([hole.shell, "-c", script], timeout: 20)
            #expect(FileManager.default.fileExists(atPath: marker), "\(script) did not create the marker under \(hole.shell): \(shown.output)")
            try? FileManager.default.removeItem(atPath: marker)
        }
        try Self.runbook(script).write(toFile: folder + "/smuggled.yaml", atomically: true, encoding: .utf8)
        let validate = try medic(["validate", "smuggled.yaml"], in: folder)
        #expect(validate.status == 2, "\(script): \(validate.output)")
        // At the script's line 1 (line 10 of the file), or at the line of a later command, past
        // the block's six spaces of indentation.
        let located = #/^smuggled\.yaml:\d+:(?<column>\d+): error: check 'look' must be provably read-only, but /#
        func isLocated(_ line: Substring) -> Bool {
            guard let match = line.prefixMatch(of: located), let column = Int(match.column) else { return false }
            return column > 6
        }
        #expect(
            validate.output.split(separator: "\n").contains { isLocated($0) && $0.contains(hole.reason) },
            "\(script): \(validate.output)")
        let run = try medic(["run", "smuggled.yaml", "--dry-run", "--transcript", folder + "/session"], in: folder)
        #expect(run.status == 2, "\(script): \(run.output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "\(script) ran through medic run --dry-run")
    }

    /// A runbook variable named so that scripts would see it as PATH: an input with a default,
    /// a capture of a check's output, each before a check that runs `cat` (as a script and as a
    /// command, which runs with no shell).
    @Test(
        "a variable that would set PATH is refused where it is named; the planted cat never runs",
        arguments: [
            (name: "input", line: "5:3", what: "the input 'path'"),
            (name: "capture", line: "11:14", what: "the capture 'path' of 'first'"),
        ])
    func pathVariable(_ kind: (name: String, line: String, what: String)) throws {
        let (folder, evil, _, marker) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let value = evil + ":/usr/bin:/bin"
        let runbook = """
            medic: 1
            id: smuggled
            title: A variable named path
            \(kind.name == "input" ? "inputs:\n  path: {type: string, default: '\(value)', description: d}" : "inputs: {}")
            steps:
              first:
                kind: check
                title: First
                why: w
                script: echo '\(value)'
                capture: '(?<\(kind.name == "capture" ? "path" : "seen")>\\S+)'
                branches:
                  - otherwise: look
              look:
                kind: check
                title: Look
                why: w
                script: cat /etc/hostname
                branches:
                  - otherwise: again
              again:
                kind: check
                title: Again
                why: w
                command: [cat, /etc/hostname]
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        try runbook.write(toFile: folder + "/named.yaml", atomically: true, encoding: .utf8)
        let validate = try medic(["validate", "named.yaml"], in: folder)
        #expect(validate.status == 2, "\(validate.output)")
        #expect(
            validate.output.contains("named.yaml:\(kind.line): error: \(kind.what) reaches every step as the environment variable PATH"),
            "\(validate.output)")
        let run = try medic(["run", "named.yaml", "--dry-run", "--transcript", folder + "/session"], in: folder)
        #expect(run.status == 2, "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the planted cat ran: \(run.output)")
    }

    /// A wrapper that runs its operand as a command (`xargs` here, `timeout` beside it) is seen
    /// through by every rule about what runs: the configuration an input names is judged before
    /// the check runs, and nginx -T's writes are found, as for the direct call.
    @Test("xargs is looked through like the direct call: the configuration is judged, the sandbox write found")
    func xargsLookedThrough() throws {
        let (folder, _, _, _) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let open = folder + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        #expect(chmod(open, 0o777) == 0)
        try "load_module \(open)/evil.so;\nevents {}\n".write(toFile: open + "/evil.conf", atomically: true, encoding: .utf8)
        for script in [
            #"nginx -T -c "$NGINX_CONF""#, #"printf 'x\n' | xargs -I{} nginx -T -c "$NGINX_CONF""#,
            #"echo x | xargs -I{} timeout 5 nginx -T -c "$NGINX_CONF""#,
        ] {
            let runbook = Self.runbook(script).replacing(
                "title: A smuggled check\n",
                with: "title: A smuggled check\ninputs:\n  nginx_conf: {type: path, description: d, default: \(open)/evil.conf}\n")
            try runbook.write(toFile: folder + "/wrapped.yaml", atomically: true, encoding: .utf8)
            let validate = try medic(["validate", "wrapped.yaml"], in: folder)
            #expect(
                validate.output.contains("will fail in Medic's read-only check sandbox: nginx -T opens the pid and log files"),
                "\(script): \(validate.output)")
            try runbook.replacing("    branches:", with: "    writable_fs: {reason: test}\n    branches:")
                .write(toFile: folder + "/wrapped.yaml", atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: folder + "/session")
            let run = try medic(["run", "wrapped.yaml", "--dry-run", "--transcript", folder + "/session"], in: folder)
            #expect(
                run.output.contains("not read-only for sure: nginx -c \(open)/evil.conf: \(open) is writable by its group and others"),
                "\(script): \(run.output)")
            #expect(run.output.contains("STOPPED before"), "\(script): \(run.output)")
        }
    }

    /// `${…}` and `$((…))` nested 1000 deep: a located error, as for `$(…)`, not a stack overflow.
    @Test("deeply nested ${…} and $((…)) get a located error, not a crash", arguments: ["${a:-", "$((1+"])
    func deepNesting(_ opening: String) throws {
        let (folder, _, _, _) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let closing = opening == "${a:-" ? "}" : "))"
        let script = "echo \"" + String(repeating: opening, count: 1000) + "1" + String(repeating: closing, count: 1000) + "\""
        try Self.runbook(script).write(toFile: folder + "/deep.yaml", atomically: true, encoding: .utf8)
        let validate = try medic(["validate", "deep.yaml"], in: folder)
        #expect(validate.status == 2, "\(validate.status): \(validate.output.prefix(500))")
        #expect(
            validate.output.contains(
                "deep.yaml:10:\(opening == "${a:-" ? 1005 : 1006): error: check 'look' must be provably read-only, but Medic cannot read the script: "
                    + "the script nests too deeply"), "\(validate.output.prefix(500))")
    }

    /// Each call proves the function's bodies again: `f() { f; f; f; }; f` would take 3^16
    /// proofs within the depth bound. The total is bounded, with a located error.
    @Test("functions calling each other many times are refused quickly with a located error")
    func manyCalls() throws {
        let (folder, _, _, _) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fanOut =
            "g() { echo; }; f() { " + String(repeating: "g; ", count: 10) + "}; h() { " + String(repeating: "f; ", count: 25) + "}; "
            + String(repeating: "h; ", count: 10)
        // At the call that goes too deep or too far, past the block's six spaces: `f` in the
        // body at offset 6, the first `g;` of `f`'s body at offset 21.
        for (script, reason, column) in [
            ("f() { f; f; f; }; f", "the function 'f' calls itself too deeply to follow", 13),
            ("f() { f; f; f; f; f; f; f; f; }; f", "the function 'f' calls itself too deeply to follow", 13),
            (fanOut, "there are too many function calls to prove", 28),
        ] {
            try Self.runbook(script).write(toFile: folder + "/calls.yaml", atomically: true, encoding: .utf8)
            let started = Date()
            let validate = try medic(["validate", "calls.yaml"], in: folder)
            let elapsed = Date().timeIntervalSince(started)
            #expect(validate.status == 2, "\(script): \(validate.output)")
            #expect(
                validate.output.contains("calls.yaml:10:\(column): error: check 'look' must be provably read-only, but \(reason)"),
                "\(script): \(validate.output)")
            // Within a second on a quiet machine; generous under the load of parallel tests.
            #expect(elapsed < 10, "\(script): \(elapsed) s")
        }
    }
}
