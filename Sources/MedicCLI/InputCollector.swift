import MedicCore
import MedicLoader
import MedicTerminal

#if canImport(Glibc)
    import Glibc
#endif

/// Gathers the values the operator gives a runbook's inputs: `--var` over `--var-file` over
/// `MEDIC_VAR_<name>`, and asks at a terminal for a required input nothing else gave a value
/// (discovery and defaults come in between: `InputFinder`).
///
/// Secrets are refused on the command line (argv is visible to every user through `ps`) and
/// from a var file that others may read, and are never asked here: the session asks for them
/// when a step reads them. Every value is checked against its input's type and pattern; a bad
/// value is left out at a terminal (the inputs screen offers what else there is) and is an
/// error without one.
struct InputCollector {
    let runbook: Runbook
    let console: any Console
    /// What matches the inputs' patterns: the run's matching process, which stops a runaway one.
    var matcher: any PatternMatcher = InProcessMatcher()

    /// The values the operator gave, checked, with where each came from: `--var` over
    /// `--var-file` over `MEDIC_VAR_<name>`. A bad value is an error without a terminal; at one,
    /// it is reported and left out, so the inputs screen offers what else there is.
    func given(assignments: [String], varFile: String?, environment: [String: String]) throws -> [String: (value: String, origin: InputOrigin)] {
        var provided: [String: (value: String, origin: InputOrigin, source: String)] = [:]
        for (name, value) in InputAssignments.fromEnvironment(environment) where runbook.input(name) != nil {
            provided[name] = (value, .environment, "MEDIC_VAR_\(name)")
        }
        if let varFile {
            for (name, value, line) in try readVarFile(varFile) { provided[name] = (value, .varFile("\(varFile):\(line)"), "\(varFile):\(line)") }
        }
        for assignment in assignments {
            guard let (name, value) = InputAssignments.parse(assignment) else {
                throw MedicError("--var '\(assignment)' is not NAME=VALUE")
            }
            try known(name, from: "--var")
            if runbook.input(name)?.isSecret == true {
                throw MedicError(
                    "'\(name)' is secret and cannot be given with --var (the command line is visible to every user through ps); set MEDIC_VAR_\(name), put it in a --var-file only you can read, or let Medic ask"
                )
            }
            provided[name] = (value, .option, "--var")
        }
        var given: [String: (value: String, origin: InputOrigin)] = [:]
        for input in runbook.inputs {
            guard let (value, origin, source) = provided[input.name] else { continue }
            if let problem = input.problem(with: value, matcher: matcher) {
                guard console.isInteractive else { throw MedicError("\(source): input '\(input.name)': \(problem)") }
                console.show("input '\(input.name)' from \(source): \(problem); not used", .warning)
                continue
            }
            given[input.name] = (value, origin)
        }
        return given
    }

    /// `given`, with every required input that a discovery reads and that nothing else can give
    /// a value (not given, no default, not discovered itself) asked for first: a discovery that
    /// runs on `${nginx_host}` needs it before step 1's screen. Without a terminal that is an
    /// error, as it would be after discovery.
    func askBeforeDiscovery(_ given: [String: (value: String, origin: InputOrigin)]) throws -> [String: (value: String, origin: InputOrigin)] {
        var given = given
        let read = Set(runbook.inputs.flatMap { DiscoveryOrder.dependencies(of: $0, among: runbook.inputs) })
        for input in runbook.inputs where read.contains(input.name) && given[input.name] == nil {
            guard input.isRequired, !input.isSecret, input.defaultValue == nil, input.discovery == nil else { continue }
            given[input.name] = (try ask(input), .operatorTyped)
        }
        return given
    }

    /// Asks, at a terminal, for every required input that is still without a value (secrets
    /// excepted: they are asked when a step needs them); without one, that is an error.
    func askMissing(_ findings: [InputFinding]) throws -> [InputFinding] {
        var findings = findings
        for index in findings.indices where !findings[index].isSecret && findings[index].value.isEmpty {
            guard let input = runbook.input(findings[index].name), input.isRequired else { continue }
            for note in findings[index].notes { console.show("\(input.name): \(TerminalText.sanitize(note))", .dim) }
            findings[index].value = try ask(input)
            findings[index].origin = .operatorTyped
        }
        return findings
    }

    /// Every input's value for a resumed run: given, else the default, else asked; a secret
    /// nobody gave is left to be asked when a step that reads it is reached (`late`).
    func collect(assignments: [String], varFile: String?, environment: [String: String]) throws -> (values: [String: String], late: [String]) {
        let given = try given(assignments: assignments, varFile: varFile, environment: environment)
        var values: [String: String] = [:]
        var late: [String] = []
        for input in runbook.inputs {
            if let (value, _) = given[input.name] {
                values[input.name] = value
            } else if input.isSecret {
                values[input.name] = ""
                late.append(input.name)
            } else if let value = input.defaultValue, !(input.isRequired && value.isEmpty) {
                values[input.name] = value
            } else if input.isRequired {
                values[input.name] = try ask(input)
            } else {
                values[input.name] = ""
            }
        }
        return (values, late)
    }

    private func known(_ name: String, from source: String) throws {
        guard runbook.input(name) == nil else { return }
        let hint = Spelling.suggestion(for: name, among: runbook.inputs.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
        throw MedicError("\(source): \(runbook.id) has no input '\(name)'\(hint)")
    }

    /// Asks for a non-secret `input` until its value is acceptable (secrets are asked late, by
    /// the session, when a step reads them).
    private func ask(_ input: InputDefinition) throws -> String {
        guard console.isInteractive else {
            throw MedicError(
                "input '\(input.name)' has no value and standard input is not a terminal to ask; pass --var \(input.name)=VALUE, MEDIC_VAR_\(input.name) or a --var-file"
            )
        }
        if let description = input.description { console.show("\(input.name): \(description)", .dim) }
        if !input.choices.isEmpty { console.show("  one of: \(input.choices.joined(separator: ", "))", .dim) }
        while true {
            let value: String
            let suffix = input.defaultValue.map { " [\($0)]" } ?? ""
            switch console.readLine(prompt: "\(input.name)\(suffix): ", completions: input.choices, fresh: false) {
            case .line(let line): value = line.isEmpty ? input.defaultValue ?? "" : line
            case .interrupted, .endOfInput, .hangUp: throw MedicError("stopped while asking for '\(input.name)'; nothing was run")
            }
            if let problem = input.problem(with: value, matcher: matcher) {
                console.show("  \(problem)", .warning)
                continue
            }
            return value
        }
    }

    /// The assignments of a var file, refusing one that others can read when it holds a secret.
    private func readVarFile(_ path: String) throws -> [(name: String, value: String, line: Int)] {
        let text: String
        switch FileSystem.contents(of: path, upTo: 1 << 20) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(.cannotOpen): throw MedicError("cannot read --var-file '\(path)': \(String(cString: strerror(errno)))")
        case .failure(.cannotRead(let reason)): throw MedicError("cannot read --var-file '\(path)': \(reason)")
        case .failure(.notRegular): throw MedicError("cannot read --var-file '\(path)': not a regular file")
        }
        let (all, problems) = InputAssignments.parseFile(text)
        if let problem = problems.first { throw MedicError("\(path): \(problem)") }
        // A var file may be a lab's whole environment file: keys this runbook does not take are
        // named once and left out, not an error.
        let unrelated = all.filter { runbook.input($0.name) == nil }
        if !unrelated.isEmpty {
            let names = unrelated.map { "\($0.name) (line \($0.line))" }.joined(separator: ", ")
            console.show(
                "\(path): ignoring \(unrelated.count) key\(unrelated.count == 1 ? "" : "s") \(runbook.id) has no input for: \(names)", .warning)
        }
        let values = all.filter { runbook.input($0.name) != nil }
        if values.contains(where: { runbook.input($0.name)?.isSecret == true }) {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                throw MedicError(
                    "\(path) holds a secret but other users may read it (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)` first"
                )
            }
        }
        return values
    }
}

/// The process environment as a dictionary, as Medic started with it.
enum ProcessEnvironment {
    /// Read once, the first time it is asked for: `Entry` asks before anything runs, then
    /// `withholdInputs` removes the inputs' variables from the live environment.
    static let current: [String: String] = {
        var values: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            if let (name, value) = InputAssignments.parse(String(cString: entry)) { values[name] = value }
            pointer += 1
        }
        return values
    }()

    /// Keeps the environment as it was in `current` and removes every `MEDIC_VAR_<name>` from
    /// Medic's own environment before anything is spawned: an input's value (maybe a secret)
    /// reaches a step only as the runbook says, never by inheritance.
    static func withholdInputs() {
        for name in current.keys where name.hasPrefix(InputAssignments.environmentPrefix) { unsetenv(name) }
    }
}

/// Who is running Medic, as `user@host`.
enum Operator {
    static func name() -> String {
        var user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid\(geteuid())"
        if let sudoUser = getenv("SUDO_USER").map({ String(cString: $0) }), !sudoUser.isEmpty, sudoUser != user { user = "\(sudoUser) (as \(user))" }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        return "\(user)@\(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
    }
}

/// Where Medic keeps its state: `$XDG_STATE_HOME/medic` (default `~/.local/state/medic`).
struct StatePaths {
    let root: String?

    init() {
        root = StateFolder.path { getenv($0).map { String(cString: $0) } }
    }

    /// The command history.
    var history: String? { root.map { $0 + "/history" } }
}
