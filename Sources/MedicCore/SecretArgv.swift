/// Where a script hands a secret to another program as an argument, which puts it in that
/// program's argv (`/proc/PID/cmdline`), where any user can read it with ps.
///
/// Secrets reach scripts as environment variables. A word that expands one, or a variable the
/// script filled from one (by an assignment, `read`, `for`, `set --` or a function's arguments),
/// may be an argument of a builtin of dash, which runs in the shell and has no argv, or go into
/// an assignment or a here-document; never into the words of a command that runs a program.
/// The reading is by name, not by flow: a variable filled from a secret anywhere is held to carry
/// it everywhere.
public enum SecretArgv {
    /// One word that hands a secret to a program.
    public struct Leak: Sendable, Equatable {
        /// The input whose value it carries.
        public var secret: String
        /// The program, as written (the word itself when the program's name is computed).
        public var program: String
        /// Where the word starts in the script (a character offset).
        public var offset: Int
        /// What hands it on, when the secret reaches the program through another program's
        /// standard input (xargs, parallel or a shell; the word is that program's name).
        public var runner: Runner? = nil
    }

    /// dash's builtins that run in the shell with no argv of their own and do not run their
    /// arguments as code (`eval`, `trap`, `alias`, `exec`, `command` are read apart).
    ///
    /// `.` reads the file its operand names and runs it in the shell: a secret there names a file,
    /// it reaches no program's argv, and the value itself never runs as code (dash's "cannot
    /// open" message may print it, and what a step prints is masked like any output of it).
    /// `source` is no builtin of dash: it looks a program named `source` up in PATH, so a secret
    /// after it is a program's argument like any other.
    static let argvlessBuiltins: Set<String> = [
        ".", ":", "[", "bg", "break", "cd", "chdir", "continue", "echo", "exit", "export", "false", "fc", "fg",
        "getopts", "hash", "jobs", "kill", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "test",
        "times", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
    ]

    /// The environment name of each of `secrets` (input names), mapped to the input's name: the
    /// `secrets` argument of `leaks(in:secrets:)`. Of two inputs whose names differ only in case,
    /// the first in sorted order names the variable.
    public static func environmentNames(of secrets: Set<String>) -> [String: String] {
        Dictionary(secrets.sorted().map { ($0.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Builtins that run their arguments as shell code: a secret there reaches whatever the code
    /// runs. An alias's value is code too, run wherever the alias is used: a secret in an alias
    /// definition is refused where it is written.
    static let codeBuiltins: Set<String> = ["eval", "trap", "alias"]

    /// Each word of `script` that hands a secret to a program; `secrets` maps each secret's
    /// environment name (`TOK`) to its input's name (`tok`). A script the parser cannot read
    /// yields nothing here (the read-only proof of a check reports it).
    public static func leaks(in script: String, secrets: [String: String]) -> [Leak] {
        guard !secrets.isEmpty, let parsed = try? ShellParser.parse(script) else { return [] }
        return leaks(in: parsed, secrets: secrets)
    }

    /// Each word of a script, as the shell parser read it, that hands a secret to a program.
    static func leaks(in parsed: ShellScript, secrets: [String: String]) -> [Leak] {
        guard !secrets.isEmpty else { return [] }
        var reader = Reader(script: parsed, tainted: secrets)
        reader.spread()
        reader.collect()
        return reader.leaks
    }

    private struct Reader {
        let script: ShellScript
        /// Each variable that carries a secret, with that secret's input name.
        var tainted: [String: String]
        var functions: Set<String> = []
        /// The names the script defines as aliases: a command named by one runs the alias's
        /// value, whatever builtin or function it is named like.
        var aliases: Set<String> = []
        var leaks: [Leak] = []
        var changed = false
        var collecting = false

        init(script: ShellScript, tainted: [String: String]) {
            self.script = script
            self.tainted = tainted
        }

        /// Taints every variable filled from a tainted one, until nothing more is.
        mutating func spread() {
            functions = []
            aliases = []
            collecting = false
            repeat {
                changed = false
                visit(script.list)
                for body in script.hereDocuments { visit(word: body) }
            } while changed
        }

        /// Records the leaks, once the taint is whole.
        mutating func collect() {
            collecting = true
            visit(script.list)
            for body in script.hereDocuments { visit(word: body) }
        }

        mutating func taint(_ name: String, with secret: String) {
            guard tainted[name] == nil else { return }
            tainted[name] = secret
            changed = true
        }

        /// The secret a word expands, nested expansions and command substitutions included.
        func secret(in word: ShellWord) -> String? { secret(in: word.parts) }

        func secret(in parts: [ShellWordPart]) -> String? {
            for part in parts {
                switch part {
                case .literal, .quoted: continue
                case .doubleQuoted(let inner): if let found = secret(in: inner) { return found }
                case .parameter(let name, _, let word):
                    if let found = tainted[name] { return found }
                    if name == "@" || name == "*", let found = positional { return found }
                    if let word, let found = secret(in: word) { return found }
                case .arithmetic(let inner, _): if let found = secret(in: inner) { return found }
                case .command(let list): if let found = secret(in: list) { return found }
                }
            }
            return nil
        }

        func secret(inAny commands: [ShellCommand]) -> String? {
            for command in commands { if let found = secret(in: command) { return found } }
            return nil
        }

        func secret(inAny words: [ShellWord]) -> String? {
            for word in words { if let found = secret(in: word) { return found } }
            return nil
        }

        var positional: String? { (1...9).lazy.compactMap { tainted[String($0)] }.first }

        /// The secret anything in `list` expands.
        func secret(in list: ShellList) -> String? {
            for item in list.items {
                for pipeline in item.pipelines {
                    for command in pipeline.commands { if let found = secret(in: command) { return found } }
                }
            }
            return nil
        }

        func secret(in command: ShellCommand) -> String? {
            switch command {
            case .simple(let simple):
                for word in simple.assignments.map(\.value) + simple.words + simple.redirections.map(\.target) {
                    if let found = secret(in: word) { return found }
                }
                for index in simple.redirections.compactMap(\.hereDocument) where index < script.hereDocuments.count {
                    if let found = secret(in: script.hereDocuments[index]) { return found }
                }
                return nil
            case .subshell(let list, _), .group(let list, _): return secret(in: list)
            case .ifClause(let arms, let otherwise, _):
                for arm in arms { if let found = secret(in: arm.condition) ?? secret(in: arm.body) { return found } }
                return otherwise.flatMap { secret(in: $0) }
            case .loop(_, let condition, let body, _): return secret(in: condition) ?? secret(in: body)
            case .forLoop(_, let words, let body, _): return words?.lazy.compactMap { secret(in: $0) }.first ?? secret(in: body)
            case .caseClause(let word, let arms, _):
                return secret(in: word) ?? arms.lazy.compactMap { secret(in: $0.body) }.first
            case .function(_, let body, _): return secret(in: body)
            }
        }

        mutating func visit(_ list: ShellList) { visit(list, fed: nil) }

        /// A list, `fed` the secret its standard input carries (a compound command's redirection).
        mutating func visit(_ list: ShellList, fed: String?) {
            for item in list.items {
                for pipeline in item.pipelines {
                    // What an earlier command of a pipeline writes, a `read` or an `xargs` later in
                    // it reads; what the list is fed, its first command may pass on (`cat`).
                    var piped: String?
                    for command in pipeline.commands {
                        visit(command, fed: piped ?? fed)
                        piped = piped ?? secret(in: command)
                    }
                }
            }
        }

        mutating func visit(_ command: ShellCommand, fed: String?) {
            switch command {
            case .simple(let simple): visit(simple, fed: fed)
            case .subshell(let list, let redirections), .group(let list, let redirections):
                visit(redirections)
                visit(list, fed: fed ?? secret(inRedirections: redirections))
            case .ifClause(let arms, let otherwise, let redirections):
                visit(redirections)
                for arm in arms {
                    visit(arm.condition, fed: fed)
                    visit(arm.body, fed: fed)
                }
                if let otherwise { visit(otherwise, fed: fed) }
            case .loop(_, let condition, let body, let redirections):
                visit(redirections)
                let fed = fed ?? secret(inRedirections: redirections)
                visit(condition, fed: fed)
                visit(body, fed: fed)
            case .forLoop(let name, let words, let body, let redirections):
                visit(redirections)
                for word in words ?? [] {
                    visit(word: word)
                    if let found = secret(in: word) { taint(name, with: found) }
                }
                visit(body, fed: fed)
            case .caseClause(let word, let arms, let redirections):
                visit(redirections)
                visit(word: word)
                for arm in arms {
                    for pattern in arm.patterns { visit(word: pattern) }
                    visit(arm.body, fed: fed)
                }
            case .function(let name, let body, _):
                functions.insert(name)
                visit(body, fed: fed)
            }
        }

        func secret(inRedirections redirections: [ShellRedirection]) -> String? {
            for redirection in redirections where redirection.op.hasPrefix("<") {
                if let found = secret(in: redirection.target) { return found }
                if let index = redirection.hereDocument, index < script.hereDocuments.count, let found = secret(in: script.hereDocuments[index]) {
                    return found
                }
            }
            return nil
        }

        mutating func visit(_ redirections: [ShellRedirection]) {
            for redirection in redirections { visit(word: redirection.target) }
        }

        /// The commands nested in a word's command substitutions.
        mutating func visit(word: ShellWord) { visit(parts: word.parts) }

        mutating func visit(parts: [ShellWordPart]) {
            for part in parts {
                switch part {
                case .literal, .quoted: continue
                case .doubleQuoted(let inner): visit(parts: inner)
                case .parameter(_, _, let word): if let word { visit(word: word) }
                case .arithmetic(let inner, _): visit(parts: inner)
                case .command(let list): visit(list)
                }
            }
        }

        mutating func visit(_ command: ShellSimpleCommand, fed: String?) {
            for assignment in command.assignments {
                visit(word: assignment.value)
                if let found = secret(in: assignment.value) { taint(assignment.name, with: found) }
            }
            for word in command.words { visit(word: word) }
            visit(command.redirections)
            // The words that name the program, past `exec` and `command` (and their options).
            var words = command.words[...]
            while let first = words.first?.literal, first == "exec" || first == "command" {
                words = words.dropFirst()
                while let option = words.first?.literal, option.hasPrefix("-"), option != "-" {
                    words = words.dropFirst()
                    if option == "--" { break }
                }
            }
            guard let nameWord = words.first else { return }
            let name = nameWord.literal
            let operands = Array(words.dropFirst())
            if name == "alias" {
                for word in operands {
                    let prefix = word.literalPrefix
                    if let equals = prefix.firstIndex(of: "=") { aliases.insert(String(prefix[..<equals])) }
                }
            }
            // An alias is expanded only as a command's first word, not after `exec` or `command`.
            let aliased = name.map { aliases.contains($0) } == true && words.startIndex == command.words.startIndex
            if let name, !aliased, Self.isArgvless(name) || functions.contains(name) {
                fill(by: name, operands, command, fed: fed)
                return
            }
            guard collecting else { return }
            // xargs and parallel make what they read the arguments of the program they run, and
            // a shell given no script runs it as commands.
            // A redirection of its standard input from a file or a here-document replaces what it is fed.
            let ownInput = command.redirections.contains { ["<", "<<", "<<-", "<>"].contains($0.op) && ($0.descriptor ?? 0) == 0 }
            if let (index, runnerName) = SecretArgv.inputRunner(in: words),
                let input = secret(inRedirections: command.redirections) ?? (ownInput ? nil : fed),
                let (runner, program) = SecretArgv.runner(runnerName, operands: Array(words[(index + 1)...]))
            {
                leaks.append(Leak(secret: input, program: program, offset: words[index].offset, runner: runner))
            }
            if let name, SecretArgv.codeBuiltins.contains(name) {
                for word in operands { if let found = secret(in: word) { leaks.append(Leak(secret: found, program: name, offset: word.offset)) } }
                return
            }
            for word in words {
                if let found = secret(in: word) { leaks.append(Leak(secret: found, program: name ?? nameWord.source, offset: word.offset)) }
            }
        }

        static func isArgvless(_ name: String) -> Bool { SecretArgv.argvlessBuiltins.contains(name) }

        /// What a builtin or a function of the script fills from its arguments and input.
        mutating func fill(by name: String, _ operands: [ShellWord], _ command: ShellSimpleCommand, fed: String?) {
            let carried = secret(inAny: operands)
            switch name {
            case "export", "local", "readonly":
                for word in operands {
                    let prefix = word.literalPrefix
                    guard let equals = prefix.firstIndex(of: "="), let found = secret(in: word) else { continue }
                    taint(String(prefix[..<equals]), with: found)
                }
            case "read", "getopts":
                let input = fed ?? secret(inRedirections: command.redirections) ?? carried
                guard let input else { return }
                for word in operands { if let variable = word.literal, !variable.hasPrefix("-") { taint(variable, with: input) } }
            case "printf":
                // bash's printf -v NAME.
                if let carried, operands.count > 1, operands[0].literal == "-v", let variable = operands[1].literal { taint(variable, with: carried) }
            case "set":
                if let carried { for position in 1...9 { taint(String(position), with: carried) } }
            default:
                // A function of the script: its arguments are its positional parameters.
                if functions.contains(name), let carried { for position in 1...9 { taint(String(position), with: carried) } }
            }
        }
    }
}

extension Validator {
    /// An error for each word of a script that hands one of `secrets` (input names) to a
    /// program as an argument (`SecretArgv`); `what` names the script ("the script of 'id'").
    func secretArgvProblems(
        in text: String, at location: ScriptLocation, of execution: Execution, writtenAt place: SourceLocation, what: String, secrets: Set<String>
    ) -> [Diagnostic] {
        let leaks =
            verdicts.secretLeaks[Verdicts.Question(execution: execution, location: place)]
            ?? SecretArgv.leaks(in: text, secrets: SecretArgv.environmentNames(of: secrets))
        return leaks.map { leak in
            let place = location.location(of: leak.offset, in: text)
            switch leak.runner {
            case nil:
                return .error(
                    "\(what) passes the secret '\(leak.secret)' to '\(leak.program)' as an argument, where any user can read it with ps",
                    at: place, hint: "hand it on standard input: printf '%s' \"$\(leak.secret.uppercased())\" | …, or a here-document")
            case .arguments(let runner):
                return .error(
                    "\(what) passes the secret '\(leak.secret)' to '\(leak.program)' as an argument, where any user can read it with ps: \(runner) makes what it reads the arguments of the program it runs",
                    at: place, hint: "let '\(leak.program)' read the secret on its own standard input, without \(runner), or from a here-document")
            case .code(let shell):
                return .error(
                    "\(what) passes the secret '\(leak.secret)' to '\(shell)' as code: \(shell) runs what it reads as commands, so the secret's words become a program and its arguments, where any user can read them with ps",
                    at: place, hint: "hand the secret to the program that needs it on its standard input, not to a shell as commands")
            }
        }
    }
}
