import Foundation
import MedicTestSupport
import Testing

/// The adversarial corpus of issue 11 through the real `medic` binary: every state-changing
/// script written as a check is refused by `medic validate` with a located error naming the
/// command, and `medic run --dry-run` runs none of them. Each script would create a marker file if
/// it ran (the ones a plain `/bin/sh` can run are run that way first, to show the marker does
/// appear when the script runs), and the marker must never appear through Medic.
@Suite("medic refuses smuggled state-changing checks end to end")
struct SmuggledCheckTests {
    /// One hostile check: its script (`{M}` the marker's path, `{E}` a folder of fake programs,
    /// `{P}` a file holding `{E}`'s path, `{D}` a file holding outside data that bash's arithmetic
    /// runs: `a[$(touch {M})]`), a part of the reason `validate` must give, and whether `shell`
    /// alone (`/bin/sh` unless said), given `environment`, shows the script creating the marker.
    struct Smuggled: Sendable, CustomTestStringConvertible {
        var script: String
        var reason: String
        var shows: Bool
        var shell = "/bin/sh"
        var environment: [String: String] = [:]
        var testDescription: String { script }
    }

    /// The arithmetic cases: bash evaluates a variable's value in `$((…))` as an expression, and
    /// runs the command substitution in an array subscript there.
    static let arithmetic = "do the arithmetic in awk"

    static let corpus: [Smuggled] = [
        // The issue's examples.
        Smuggled(script: #"sh -c "touch {M}""#, reason: "'sh' is not on Medic's list", shows: true),
        Smuggled(script: "echo touch {M} | sh", reason: "'sh' is not on Medic's list", shows: true),
        Smuggled(script: "if true; then touch {M}; fi", reason: "'touch' is not on Medic's list", shows: true),
        Smuggled(script: "eval touch {M}", reason: "'eval' runs or changes code", shows: true),
        Smuggled(script: "$(echo touch) {M}", reason: "computed at run time", shows: true),
        Smuggled(script: #"awk 'BEGIN { system("touch {M}") }'"#, reason: "the awk program calls system()", shows: true),
        Smuggled(script: "echo x > {M}", reason: "it writes to '{M}'", shows: true),
        Smuggled(script: "sort -o {M} /etc/hostname", reason: "sort -o is not a read-only use", shows: true),
        Smuggled(script: "find {E} -maxdepth 0 -fprint {M}", reason: "find -fprint is not a read-only use", shows: true),
        // (a) awk output inside if/for/while without braces, or after another statement.
        Smuggled(script: #"awk 'BEGIN { if (1) print "x" > "{M}" }'"#, reason: "the awk program may redirect output", shows: true),
        Smuggled(script: #"awk 'BEGIN { for (i = 0; i < 1; i++) printf "x" > "{M}" }'"#, reason: "the awk program may redirect output", shows: true),
        Smuggled(script: #"awk 'BEGIN { while (!d) { d = 1; print "x" >> "{M}" } }'"#, reason: "the awk program may redirect output", shows: true),
        Smuggled(script: #"awk 'BEGIN { x = 1; print "x" > "{M}" }'"#, reason: "the awk program may redirect output", shows: true),
        Smuggled(script: #"awk 'BEGIN { if (1) print "x" | "cat > {M}" }'"#, reason: "the awk program pipes", shows: true),
        // (b) PATH and the like set by local, read, export, ${:=}, arithmetic, printf -v, getopts.
        Smuggled(script: "f() { local PATH={E}; cat /etc/hostname; }; f", reason: "setting PATH", shows: true),
        Smuggled(script: "echo {E} | { read PATH; cat /etc/hostname; }", reason: "setting PATH", shows: true),
        Smuggled(script: "read -r PATH < {P}; cat /etc/hostname", reason: "setting PATH", shows: true),
        Smuggled(script: "export PATH={E}; cat /etc/hostname", reason: "setting PATH", shows: true),
        Smuggled(script: "env PATH={E} cat /etc/hostname", reason: "setting PATH", shows: true),
        Smuggled(script: "unset PATH; : ${PATH:={E}}; cat /etc/hostname", reason: "setting PATH", shows: true),
        Smuggled(script: ": $((PATH=0)); cat /etc/hostname", reason: "an arithmetic expansion may assign a variable", shows: false),
        Smuggled(script: "printf -v PATH %s {E}; cat /etc/hostname", reason: "printf -v", shows: false),
        Smuggled(script: "getopts a PATH; cat /etc/hostname", reason: "setting PATH", shows: false),
        Smuggled(script: "HOME={E} curl -s http://127.0.0.1:9/", reason: "setting HOME", shows: false),
        // The names a runbook variable may not take are the ones a script may not set (one list).
        Smuggled(script: "OPENSSL_CONF={E}/o.cnf curl -s -o /dev/null http://127.0.0.1:9/", reason: "setting OPENSSL_CONF", shows: false),
        Smuggled(script: "export PYTHONUSERBASE={E}; supervisorctl version", reason: "setting PYTHONUSERBASE", shows: false),
        Smuggled(script: "env PYTHONHOME={E} supervisorctl version", reason: "setting PYTHONHOME", shows: false),
        Smuggled(script: "f() { local SSLKEYLOGFILE={M}; curl -s https://127.0.0.1:9/; }; f", reason: "setting SSLKEYLOGFILE", shows: false),
        Smuggled(script: "readonly HTTPS_PROXY=http://127.0.0.1:9; curl -s https://127.0.0.1:9/", reason: "setting HTTPS_PROXY", shows: false),
        Smuggled(script: "cd {E} && cat /etc/hostname", reason: "'cd' is not on Medic's list", shows: false),
        // (c) hash rebinds a command (in bash).
        Smuggled(script: "hash -p {E}/cat cat; cat /etc/hostname", reason: "'hash -p' changes which program a name runs", shows: false),
        // (e) options that name a configuration, a module or a helper program.
        Smuggled(script: "nginx -t -c {E}/n.conf", reason: "nginx -c '{E}/n.conf' names a configuration", shows: false),
        Smuggled(script: "nginx -T -e {M}", reason: "nginx -e is not a read-only use", shows: false),
        Smuggled(script: "docker --config {E} ps", reason: "docker --config is not a read-only use", shows: false),
        Smuggled(script: "kubectl --kubeconfig {E}/k get pods", reason: "kubectl --kubeconfig '{E}/k' names a configuration", shows: false),
        Smuggled(script: "curl -K {E}/cfg http://127.0.0.1:9/", reason: "curl -K is not a read-only use", shows: false),
        Smuggled(script: "supervisorctl -c {E}/s.conf status", reason: "supervisorctl -c '{E}/s.conf' names a configuration", shows: false),
        // (f) Outside data evaluated by bash's arithmetic: a command's output, a positional
        // parameter, a capture or an input, and bash's other arithmetic contexts.
        Smuggled(script: "x=$(cat {D}); echo $((x))", reason: arithmetic, shows: true, shell: "/bin/bash"),
        Smuggled(script: "x=$(cat {D}); echo $(($x))", reason: arithmetic, shows: true, shell: "/bin/bash"),
        Smuggled(script: "echo $(( $(cat {D}) ))", reason: arithmetic, shows: true, shell: "/bin/bash"),
        Smuggled(script: #"f() { echo $(( $1 - 5 )); }; f "$(cat {D})""#, reason: arithmetic, shows: true, shell: "/bin/bash"),
        Smuggled(
            script: "echo $(( ${CAPTURE} + 1 ))", reason: arithmetic, shows: true, shell: "/bin/bash", environment: ["CAPTURE": "a[$(touch {M})]"]),
        Smuggled(script: "echo $(( APP_PORT ))", reason: arithmetic, shows: true, shell: "/bin/bash", environment: ["APP_PORT": "a[$(touch {M})]"]),
        Smuggled(
            script: "if [ -r {M} ]; then n=0; fi; echo $((n))", reason: arithmetic, shows: true, shell: "/bin/bash",
            environment: ["n": "a[$(touch {M})]"]),
        Smuggled(script: "x=$(cat {D}); echo $[x]", reason: "'$[' starts an arithmetic expansion in bash", shows: true, shell: "/bin/bash"),
        Smuggled(script: "cat=$(cat {D}); ((cat))", reason: "'((' is an arithmetic command in bash", shows: true, shell: "/bin/bash"),
        Smuggled(script: #"x=$(cat {D}); [ -v "$x" ]"#, reason: "[ -v '\"$x\"' may name an array element", shows: true, shell: "/bin/bash"),
        Smuggled(script: "read -r 'a[$(touch {M})]' < /etc/hostname", reason: "assigns an array element", shows: true, shell: "/bin/bash"),
        Smuggled(
            script: #"read -r -a a < /etc/hostname; x=$(cat {D}); unset "$x""#, reason: "whose subscript bash evaluates as arithmetic", shows: true,
            shell: "/bin/bash"),
    ]

    /// A fresh folder with `evil/` (a fake `cat` that creates the marker), `path` (the file
    /// holding evil's path) and the marker's path, not created.
    func playground() throws -> (folder: String, evil: String, pathFile: String, marker: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medic-smuggled-\(UUID().uuidString)").path
        let evil = folder + "/evil"
        let marker = folder + "/marker"
        try FileManager.default.createDirectory(atPath: evil, withIntermediateDirectories: true)
        try "#!/bin/sh\n: > '\(marker)'\n".write(toFile: evil + "/cat", atomically: true, encoding: .utf8)
        #expect(chmod(evil + "/cat", 0o755) == 0)
        try (evil + "\n").write(toFile: folder + "/path", atomically: true, encoding: .utf8)
        try "a[$(touch \(marker))]\n".write(toFile: folder + "/data", atomically: true, encoding: .utf8)
        return (folder, evil, folder + "/path", marker)
    }

    static func fill(_ text: String, evil: String, pathFile: String, marker: String) -> String {
        text.replacing("{E}", with: evil).replacing("{P}", with: pathFile).replacing("{M}", with: marker)
            .replacing("{D}", with: pathFile.dropLast("path".count) + "data")
    }

    static func runbook(_ script: String) -> String {
        """
        medic: 1
        id: smuggled
        title: A smuggled check
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: |
              \(script.replacing("\n", with: "\n      "))
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """
    }

    func medic(_ arguments: [String], in folder: String) throws -> Spawn.Ended {
        try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", folder, CommandLineTests.binary] + arguments,
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": folder + "/state"], timeout: 30)
    }

    @Test("validate refuses each with a located error naming the command; a dry run runs none", arguments: corpus)
    func refusedEndToEnd(_ smuggled: Smuggled) throws {
        let (folder, evil, pathFile, marker) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = Self.fill(smuggled.script, evil: evil, pathFile: pathFile, marker: marker)
        let reason = Self.fill(smuggled.reason, evil: evil, pathFile: pathFile, marker: marker)
        if smuggled.shows {
            // Without Medic the script does create the marker: its absence below means something.
            // A fake program just written may be "busy" while another test's fork still holds it
            // open for writing: try again then.
            let environment = smuggled.environment.mapValues { Self.fill($0, evil: evil, pathFile: pathFile, marker: marker) }
            var shown = try Spawn.run([smuggled.shell, "-c", script], environment: environment, timeout: 20)
            for _ in 0..<10 where shown.output.contains("Text file busy") {
                usleep(100_000)
                shown = try Spawn.run([smuggled.shell, "-c", script], environment: environment, timeout: 20)
            }
            #expect(FileManager.default.fileExists(atPath: marker), "\(script) did not create the marker by itself: \(shown.output)")
            try? FileManager.default.removeItem(atPath: marker)
        }
        try Self.runbook(script).write(toFile: folder + "/smuggled.yaml", atomically: true, encoding: .utf8)

        let validate = try medic(["validate", "smuggled.yaml"], in: folder)
        #expect(validate.status == 2, "\(script): \(validate.output)")
        // On the script's first line (line 10 of the file), at a column past the block's six
        // spaces of indentation (where in the line depends on the script).
        let located = #/^smuggled\.yaml:10:(?<column>\d+): error: check 'look' must be provably read-only, but /#
        func isLocated(_ line: Substring) -> Bool {
            guard let match = line.prefixMatch(of: located), let column = Int(match.column) else { return false }
            return column > 6
        }
        #expect(
            validate.output.split(separator: "\n").contains { isLocated($0) && $0.contains(reason) },
            "\(script): \(validate.output)")

        let run = try medic(["run", "smuggled.yaml", "--dry-run", "--transcript", folder + "/session"], in: folder)
        #expect(run.status == 2, "\(script): \(run.output)")
        #expect(run.output.split(separator: "\n").contains(where: isLocated), "\(script): \(run.output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "\(script) ran through medic run --dry-run")
    }

    /// (f) A discovery's script, a snippet and a check on another host go through the same proof
    /// as a step's script: each is refused where it is written.
    @Test("arithmetic on outside data is refused in a discovery, a snippet and a check on another host alike")
    func arithmeticEverywhere() throws {
        let (folder, _, _, _) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runbook = """
            medic: 1
            id: everywhere
            title: Everywhere
            inputs:
              port:
                type: string
                description: d
                default: "80"
                discover:
                  why: w
                  script: |
                    x=$(cat /etc/hostname); echo $((x))
                  capture: '^(?<value>\\S+)$'
            hosts:
              listed: [127.0.0.12]
            snippets:
              arith: |
                f() { echo $(( $1 + 1 )); }
            steps:
              look:
                kind: check
                title: Look
                why: w
                uses: [arith]
                script: |
                  f 1
                branches:
                  - otherwise: remote
              remote:
                kind: check
                title: Remote
                why: w
                where: {hosts: listed}
                script: |
                  echo $(( APP_PORT ))
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        try runbook.write(toFile: folder + "/everywhere.yaml", atomically: true, encoding: .utf8)
        let validate = try medic(["validate", "everywhere.yaml"], in: folder)
        #expect(validate.status == 2, "\(validate.output)")
        let lines = validate.output.split(separator: "\n")
        for (located, reason) in [
            ("everywhere.yaml:12:38: error: the discovery of 'port' must be provably read-only, but ", "in '$((x))', 'x' is a variable"),
            ("everywhere.yaml:18:16: error: check 'look' must be provably read-only, but ", "in '$(( $1 + 1 ))', '$1' is a positional"),
            ("everywhere.yaml:35:12: error: check 'remote' must be provably read-only, but ", "in '$(( APP_PORT ))', 'APP_PORT' is a variable"),
        ] {
            #expect(lines.contains { $0.hasPrefix(located + reason) && $0.contains(Self.arithmetic) }, "\(validate.output)")
        }
    }

    /// (d) An input whose pattern admits a leading `-`, as a default or given by --var, never
    /// reaches `find` as an option.
    @Test("an input value starting with '-' is refused as a default and as a given value; find never deletes")
    func dashedInput() throws {
        let (folder, _, _, marker) = try playground()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "/victim"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        try "keep\n".write(toFile: victim + "/file", atomically: true, encoding: .utf8)
        func runbook(default value: String?) -> String {
            """
            medic: 1
            id: dash
            title: Dash
            inputs:
              flag: {type: string, pattern: '^-[a-z]+$', \(value.map { "default: '\($0)', " } ?? "")description: d}
            steps:
              look:
                kind: check
                title: Look
                why: w
                command: [find, \(victim), "${flag}"]
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        }
        try runbook(default: "-delete").write(toFile: folder + "/defaulted.yaml", atomically: true, encoding: .utf8)
        let validate = try medic(["validate", "defaulted.yaml"], in: folder)
        #expect(validate.status == 2, "\(validate.output)")
        #expect(
            validate.output.contains("defaulted.yaml:5:")
                && validate.output.contains("the default of 'flag' is not a valid value: '-delete' starts with '-'"),
            "\(validate.output)")
        let defaulted = try medic(["run", "defaulted.yaml", "--dry-run", "--transcript", folder + "/s1"], in: folder)
        #expect(defaulted.status == 2, "\(defaulted.output)")

        try runbook(default: nil).write(toFile: folder + "/given.yaml", atomically: true, encoding: .utf8)
        #expect(try medic(["validate", "given.yaml"], in: folder).status == 0)
        let given = try medic(["run", "given.yaml", "--dry-run", "--var", "flag=-delete", "--transcript", folder + "/s2"], in: folder)
        #expect(given.status == 1, "\(given.output)")
        #expect(given.output.contains("'-delete' starts with '-'"), "\(given.output)")
        #expect(FileManager.default.fileExists(atPath: victim + "/file"), "find -delete ran: \(given.output)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
