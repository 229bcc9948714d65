/// Proves a check's shell script read-only, or says which part is not.
///
/// The script is parsed with `ShellParser`; then every simple command (in pipelines, lists,
/// compound commands, `$(…)`, backquotes, `${x:-…}` and here-documents alike) must be a read-only
/// use from `ReadOnlyCommands`, every redirection must read or write only to `/dev/null` or another
/// descriptor, no assignment may change which program runs, and no arithmetic may evaluate a value
/// from outside the script (`ReadOnlyArithmetic`).
public enum ReadOnlyScript {
    /// Why the script is not provably read-only, with a character offset into it; nil when it is.
    ///
    /// A quoted expansion of a variable the script never assigns (an input or a capture, which
    /// reach the script as environment variables) may stand where an operand goes.
    public static func problem(_ script: String) -> (reason: String, offset: Int)? {
        examine(script).problem
    }

    /// Why the script is not provably read-only (`problem`), and the first command in it that
    /// writes outside the check's scratch folder (`ReadOnlyCommands.sandboxWrite`), each with a
    /// character offset into it, and the configuration files it names by an input's or a
    /// capture's value (`ReadOnlyCommands.configurationOperands`); the script is parsed once for all.
    public static func examine(
        _ script: String
    ) -> (problem: (reason: String, offset: Int)?, sandboxWrite: (reason: String, offset: Int)?, configurationOperands: [ConfigurationOperand]) {
        examine(parsed: Result { () throws(ShellSyntaxError) in try ShellParser.parse(script) })
    }

    /// What `examine(_:)` finds, from the script as the shell parser read it (or why it could
    /// not): a script parsed once serves this proof and `SecretArgv` both.
    static func examine(
        parsed reading: Result<ShellScript, ShellSyntaxError>
    ) -> (problem: (reason: String, offset: Int)?, sandboxWrite: (reason: String, offset: Int)?, configurationOperands: [ConfigurationOperand]) {
        let parsed: ShellScript
        switch reading {
        case .success(let script): parsed = script
        case .failure(let error): return (("Medic cannot read the script: \(error.message)", error.offset), nil, [])
        }
        // A first walk learns the names the script assigns and the functions it defines (every
        // definition, those inside function bodies too).
        var learner = Walker(unsafe: [])
        learner.learning = true
        learner.list(parsed.list)
        var walker = Walker(unsafe: learner.assigned, functions: learner.functions, bodies: learner.bodies)
        walker.list(parsed.list)
        for document in parsed.hereDocuments { walker.word(document) }
        var operands: [ConfigurationOperand] = []
        for operand in walker.configurationOperands where !operands.contains(operand) { operands.append(operand) }
        return (walker.problem ?? ReadOnlyArithmetic.problem(parsed), walker.sandboxWrite, operands)
    }

    /// How many function bodies one script's proof may prove at calls, all calls together.
    static let bodyProofLimit = 2000

    /// Builtins that only read or change the shell's own state. `read`, `getopts` and `local`
    /// assign the variables they name, held to `ReadOnlyCommands.scriptAssignmentProblem` like any
    /// assignment (`nameProblem`); `hash` only without arguments (`hash -p FILE NAME` makes bash
    /// run FILE for NAME). `cd` is not among them: in another folder, a program may read a
    /// configuration from the working folder (`supervisorctl` reads ./supervisord.conf first).
    static let builtins: Set<String> = [
        "read", "exit", "return", "shift", "unset", "wait", "break", "continue", "local", "getopts", "umask", "type", "times", "pwd",
    ]

    /// Builtins that run or change code Medic cannot see, or the shell's variables and options,
    /// each held to its own rule in `Walker.simple` (`exec` runs its operands as a command,
    /// `export` and `readonly` are assignments, `set` takes only `readOnlySetOptions`).
    static let codeBuiltins: Set<String> = [
        "eval", ".", "source", "trap", "alias", "exec", "set", "export", "readonly", "ulimit", "kill", "fc", "jobs", "fg", "bg",
    ]

    /// The arguments `set` may take in a check: options that only make the script stricter or louder.
    static let readOnlySetOptions: Set<String> = ["-e", "-u", "-x", "-o", "pipefail", "errexit", "nounset", "-eu", "-ue", "-ex", "-xe", "-f", "-C"]

    /// Why the builtin `name` (`read`, `getopts`, `local`) may assign a variable that changes
    /// which program runs (`read PATH`, `local LD_PRELOAD=…`, `read -aPATH`), or one named at run
    /// time, or (`local -n`) make a name refer to another variable; nil when it cannot.
    static func nameProblem(_ name: String, _ args: [ReadOnlyCommands.Argument]) -> String? {
        var names: [ReadOnlyCommands.Argument] = []
        switch name {
        case "read":
            // Options with a value (-d -n -N -p -t -u -i) take the next word; -a names an array.
            var index = 0
            var options = true
            while index < args.count {
                let arg = args[index]
                index += 1
                guard options, let text = arg.literal, text.startsExactly(with: "-"), text != "-" else {
                    options = false
                    names.append(arg)
                    continue
                }
                if text == "--" {
                    options = false
                    continue
                }
                // Flags (-e -r -s), then an option with a value joined to it (-t5, -raPATH) or in
                // the next word; -a's value names the array it assigns.
                var letters = text.dropFirst()
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    if "ers".contains(letter) { continue }
                    guard "adinNptu".contains(letter) else { return "'read -\(letter)' is an option Medic does not know" }
                    var value = letters.isEmpty ? nil : ReadOnlyCommands.Argument(literal: String(letters))
                    if value == nil, index < args.count {
                        value = args[index]
                        index += 1
                    }
                    if letter == "a", let value { names.append(value) }
                    break
                }
            }
        case "getopts":
            // bash takes `--` before the option string: `getopts -- ab PATH` assigns PATH.
            let operands = args.first?.literal == "--" ? Array(args.dropFirst()) : args
            if operands.count > 1 { names.append(operands[1]) }
        default:
            for arg in args {
                if arg.literal?.startsExactly(with: "-") == true || arg.couldBeOption && arg.literal == nil && arg.prefix.isEmpty {
                    return "'\(name) \(arg.display)' takes an option (local -n makes a name refer to another variable)"
                }
                names.append(arg)
            }
        }
        for arg in names {
            let text = arg.literal ?? arg.prefix
            let variable = String(text.prefix { $0 != "=" })
            if arg.literal == nil, name == "local" ? !text.contains("=") || !ShellParser.isName(variable) : true {
                return "'\(name) \(arg.display)' names a variable computed at run time"
            }
            if variable.contains("[") {
                return "'\(name) \(arg.display)' assigns an array element, whose subscript bash evaluates as arithmetic, running the commands in it"
            }
            if !arg.singleField {
                return "'\(name) \(arg.display)' may split into several words, one of them an assignment (quote it: \(variable)=\"…\")"
            }
            // `local NAME=value` assigns what is written; `read NAME`, `getopts`, `local NAME` what the script gets at run time.
            let value = name == "local" ? arg.literal.flatMap(ReadOnlyScript.assignedValue) : nil
            if let reason = ReadOnlyCommands.scriptAssignmentProblem(variable, value: value) { return reason }
            if !ShellParser.isName(variable) {
                return "'\(name) \(arg.display)' names '\(variable)', which is not a plain variable name (bash evaluates an array subscript as code)"
            }
        }
        return nil
    }

    /// The value `NAME=value` assigns, nil when the text assigns nothing.
    static func assignedValue(_ text: String) -> String? {
        text.firstIndex(of: "=").map { String(text[text.index(after: $0)...]) }
    }

    /// Why `wait`'s arguments may assign a variable: bash's `wait -p NAME` sets NAME (an array
    /// element's subscript evaluated as code), so `-p` is refused, and so is an argument computed
    /// at run time that could be an option.
    static func waitProblem(_ args: [ReadOnlyCommands.Argument]) -> String? {
        for arg in args {
            if arg.literal == "--" { return nil }
            if let text = arg.literal, text.startsExactly(with: "-"), text.dropFirst().contains("p") {
                return "'wait \(text)' assigns the variable -p names (bash)"
            }
            if arg.literal == nil, arg.couldBeOption {
                return "the argument '\(arg.display)' of wait is computed at run time and could be an option (wait -p assigns a variable)"
            }
        }
        return nil
    }

    /// Why an arithmetic expansion may assign a variable (`$((PATH=0))`, `$((x+=1))`,
    /// `$((i++))`), or nil: only comparisons (`==`, `!=`, `<=`, `>=`) may use `=`.
    static func arithmeticProblem(_ parts: [ShellWordPart]) -> String? {
        func text(_ parts: [ShellWordPart]) -> String {
            parts.map { part -> String in
                switch part {
                case .literal(let text), .quoted(let text): text
                case .doubleQuoted(let inner): text(inner)
                default: "0"
                }
            }.joined()
        }
        // Scalars, as bash reads bytes: '=' and a combining mark after it are one Character.
        let chars = Array(text(parts).unicodeScalars)
        for (index, c) in chars.enumerated() {
            let before: Unicode.Scalar = index > 0 ? chars[index - 1] : " "
            let after: Unicode.Scalar = index + 1 < chars.count ? chars[index + 1] : " "
            if (c == "+" || c == "-"), after == c {
                return "an arithmetic expansion may change a variable ('\(c)\(c)'); compute into a new name with n=$((…))"
            }
            guard c == "=" else { continue }
            if after == "=" || before == "=" || before == "!" { continue }
            let beforeThat: Unicode.Scalar = index > 1 ? chars[index - 2] : " "
            if before == "<" || before == ">", beforeThat != before { continue }
            return "an arithmetic expansion may assign a variable ('=' in $((…)), $((PATH=0)) too); compute into a new name with n=$((…))"
        }
        return nil
    }

    private struct Walker {
        var unsafe: Set<String>
        var functions: Set<String> = []
        /// Every body ever defined for a name, by where it is defined: a call may run any of them
        /// (`f() {…}` redefined in a loop runs the second body on the second pass), so each is
        /// proven at each call, with the call's arguments as `"$@"`.
        var bodies: [String: [Int: ShellCommand]] = [:]
        /// The functions surely defined where the walk is: defined outside any condition, loop,
        /// subshell or function body. A call of any other function's name may run a program or
        /// a builtin of that name (`if false; then reboot() { :; }; fi; reboot`).
        var surely: Set<String> = []
        /// How many conditions, loops, subshells and function bodies the walk is inside.
        var conditional = 0
        /// The first walk, which only learns names: it also walks each function body where it is
        /// defined, to learn the functions defined inside.
        var learning = false
        var positional: [ReadOnlyCommands.Argument]?
        var calls = 0
        /// How many function bodies the walk has proven at calls: each call proves every body
        /// again, so `f() { f; f; f; }; f` would take 3^16 proofs within the depth bound; the
        /// total is bounded too (`bodyProofLimit`).
        var bodyProofs = 0
        var assigned: Set<String> = []
        var problem: (reason: String, offset: Int)?
        var sandboxWrite: (reason: String, offset: Int)?
        var configurationOperands: [ConfigurationOperand] = []

        mutating func fail(_ reason: String, _ offset: Int) {
            if problem == nil { problem = (reason, offset) }
        }

        /// Notes the first command that writes where the check sandbox refuses it.
        mutating func run(_ argv: [ReadOnlyCommands.Argument], at offset: Int) {
            let finding = ReadOnlyCommands.finding(argv: argv)
            if let reason = finding.problem { fail(reason, offset) }
            if sandboxWrite == nil, let reason = finding.sandboxWrite { sandboxWrite = (reason, offset) }
            configurationOperands += finding.configurationOperands
        }

        mutating func list(_ list: ShellList) {
            for andOr in list.items {
                for (index, pipeline) in andOr.pipelines.enumerated() {
                    // After && or ||, in a pipeline's subshells or in the background, a
                    // definition may not happen, or not in this shell.
                    let aside = index > 0 || pipeline.commands.count > 1 || andOr.background
                    if aside { conditional += 1 }
                    for command in pipeline.commands { self.command(command) }
                    if aside { conditional -= 1 }
                }
            }
        }

        mutating func command(_ command: ShellCommand) {
            switch command {
            case .simple(let simple): self.simple(simple)
            case .group(let body, let redirections):
                list(body)
                redirects(redirections)
            case .subshell(let body, let redirections):
                conditional += 1
                list(body)
                conditional -= 1
                redirects(redirections)
            case .ifClause(let arms, let otherwise, let redirections):
                conditional += 1
                defer { conditional -= 1 }
                for arm in arms {
                    list(arm.condition)
                    list(arm.body)
                }
                if let otherwise { list(otherwise) }
                redirects(redirections)
            case .loop(_, let condition, let body, let redirections):
                conditional += 1
                defer { conditional -= 1 }
                list(condition)
                list(body)
                redirects(redirections)
            case .forLoop(let name, let words, let body, let redirections):
                conditional += 1
                defer { conditional -= 1 }
                assigned.insert(name)
                if let reason = ReadOnlyCommands.scriptAssignmentProblem(name, value: nil) { fail(reason, 0) }
                for word in words ?? [] { self.word(word) }
                list(body)
                redirects(redirections)
            case .caseClause(let subject, let items, let redirections):
                conditional += 1
                defer { conditional -= 1 }
                word(subject)
                for item in items {
                    for pattern in item.patterns { word(pattern) }
                    list(item.body)
                }
                redirects(redirections)
            case .function(let name, let body, let offset):
                // The body is proven at each call, with that call's arguments standing for "$@".
                functions.insert(name)
                let known = bodies[name]?[offset] != nil
                bodies[name, default: [:]][offset] = body
                if conditional == 0 { surely.insert(name) }
                if learning, !known {
                    conditional += 1
                    self.command(body)
                    conditional -= 1
                }
            }
        }

        mutating func simple(_ command: ShellSimpleCommand) {
            for assignment in command.assignments {
                assigned.insert(assignment.name)
                // The same whatever the command: a program, a builtin or a function named like a program.
                if let reason = ReadOnlyCommands.scriptAssignmentProblem(assignment.name, value: assignment.value.literal) {
                    fail(reason, command.offset)
                }
                word(assignment.value)
            }
            for word in command.words { self.word(word) }
            redirects(command.redirections)
            guard !command.words.isEmpty else { return }
            let argv = command.words.flatMap { word -> [ReadOnlyCommands.Argument] in
                if let positional, word.source == "\"$@\"" { return positional }
                return [argument(word)]
            }
            guard !argv.isEmpty else { return }
            // A builtin's, a function's or a keyword's name is ASCII; Swift's `==` would hold
            // U+212A equal to a function named K, which the shell does not call for it.
            let name = argv[0].literal.flatMap { $0.isASCII ? $0 : nil } ?? ""
            if name == "read" || name == "getopts" || name == "export" || name == "readonly" || name == "local" {
                for arg in argv.dropFirst() { assigned.insert(String((arg.literal ?? arg.prefix).prefix { $0 != "=" })) }
            }
            if name == "read" || name == "getopts" || name == "local", !surely.contains(name),
                let reason = ReadOnlyScript.nameProblem(name, Array(argv.dropFirst()))
            {
                fail(reason, command.offset)
            }
            if name == "unset", !functions.contains(name),
                let arg = argv.dropFirst().first(where: { $0.literal.map { $0.contains("[") } ?? true })
            {
                // bash evaluates an array element's subscript as arithmetic, running the commands in it.
                let what = arg.literal == nil ? "a variable computed at run time, which may be an array element" : "an array element"
                fail("'unset \(arg.display)' names \(what), whose subscript bash evaluates as arithmetic, running the commands in it", command.offset)
            }
            if name == "hash", !functions.contains(name), argv.count > 1 {
                fail("'hash \(argv[1].display)' changes which program a name runs (only 'hash' alone, which lists, is read-only)", command.offset)
            }
            if functions.contains(name), let defined = bodies[name] {
                calls += 1
                defer { calls -= 1 }
                guard calls < 16 else { return fail("the function '\(name)' calls itself too deeply to follow", command.offset) }
                bodyProofs += defined.count
                guard bodyProofs <= ReadOnlyScript.bodyProofLimit else {
                    return fail(
                        "there are too many function calls to prove (each call proves the function's body again; "
                            + "over \(ReadOnlyScript.bodyProofLimit) in all)", command.offset)
                }
                let saved = positional
                positional = Array(argv.dropFirst())
                conditional += 1
                for offset in defined.keys.sorted() { defined[offset].map { self.command($0) } }
                conditional -= 1
                positional = saved
                // Until a definition surely ran, the name may still run a program or a builtin.
                if surely.contains(name) { return }
            }
            if name == "unset", !surely.contains(name),
                let named = argv.dropFirst().first(where: { arg in
                    arg.literal.map { $0.startsExactly(with: "-") && $0.contains("f") || functions.contains($0) } == true
                })
            {
                fail("'unset \(named.display)' may remove a function, after which its name runs a program", command.offset)
            }
            if ReadOnlyScript.codeBuiltins.contains(name) {
                if name == "exec", argv.count > 1 {
                    run(Array(argv.dropFirst()), at: command.offset)
                } else if name == "exec"
                    || (name == "set"
                        && argv.dropFirst().allSatisfy {
                            $0.literal.map { ReadOnlyScript.readOnlySetOptions.contains($0) } ?? false
                        })
                {
                    return
                } else if name == "export" || name == "readonly" {
                    for arg in argv.dropFirst() {
                        let text = arg.literal ?? arg.prefix
                        let variable = String(text.prefix { $0 != "=" })
                        if arg.literal == nil, !text.contains("=") || !ShellParser.isName(variable) {
                            fail("'\(name) \(arg.display)' names a variable computed at run time", command.offset)
                        } else if !arg.singleField || text.startsExactly(with: "-") {
                            fail(
                                "'\(name) \(arg.display)' may split into several words or is an option (quote it: \(variable)=\"…\")", command.offset)
                        } else if let reason = ReadOnlyCommands.scriptAssignmentProblem(
                            variable, value: arg.literal.map { ReadOnlyScript.assignedValue($0) ?? "" })
                        {
                            fail(reason, command.offset)
                        }
                    }
                } else {
                    fail("'\(name)' runs or changes code Medic cannot see at validation", command.offset)
                }
                return
            }
            if name == "wait", !surely.contains(name), let reason = ReadOnlyScript.waitProblem(Array(argv.dropFirst())) {
                fail(reason, command.offset)
            }
            // A function named hash that may not be defined yet leaves the builtin to run.
            if name == "hash", functions.contains(name), !surely.contains(name), argv.count > 1 {
                fail("'hash \(argv[1].display)' changes which program a name runs (only 'hash' alone, which lists, is read-only)", command.offset)
            }
            if ReadOnlyScript.builtins.contains(name) || name == "hash" { return }
            run(argv, at: command.offset)
        }

        mutating func redirects(_ redirections: [ShellRedirection]) {
            for redirection in redirections {
                word(redirection.target)
                guard redirection.writes || redirection.op == ">&" || redirection.op == "<&" else { continue }
                let target = redirection.target.literal
                if redirection.op == ">&" || redirection.op == "<&" {
                    if let target, target == "-" || target.allSatisfy({ $0.isASCII && $0.isNumber }) { continue }
                    fail("it redirects to '\(redirection.target.source)', which is not a descriptor", redirection.offset)
                } else if target != "/dev/null" {
                    fail("it writes to '\(redirection.target.source)' with a redirection (only /dev/null is allowed in a check)", redirection.offset)
                }
            }
        }

        mutating func word(_ word: ShellWord) {
            for expansion in word.expansions {
                switch expansion {
                case .command(let inner): list(inner)
                case .parameter(let name, let op, _):
                    if op == "=" || op == ":=" { assigned.insert(name) }
                    if op == "=" || op == ":=", let reason = ReadOnlyCommands.scriptAssignmentProblem(name, value: nil) { fail(reason, word.offset) }
                case .arithmetic(let inner, let offset):
                    if let reason = ReadOnlyScript.arithmeticProblem(inner) { fail(reason, offset) }
                default: break
                }
            }
        }

        func argument(_ word: ShellWord) -> ReadOnlyCommands.Argument {
            if let literal = word.literal { return ReadOnlyCommands.Argument(literal: literal) }
            var out = ReadOnlyCommands.Argument(dynamic: word.source, prefix: word.literalPrefix, singleField: word.isSingleField)
            out.fromMedicVariable = word.expansions.allSatisfy {
                if case .parameter(let name, nil, nil) = $0 { return ShellParser.isName(name) && !unsafe.contains(name) }
                return false
            }
            if out.fromMedicVariable { out.segments = Self.segments(of: word.parts) }
            return out
        }

        /// A word of literal text and plain variables as template segments; nil when a part is
        /// anything else (an unquoted pattern or `~` the shell would expand).
        static func segments(of parts: [ShellWordPart], quoted: Bool = false) -> [Template.Segment]? {
            var out: [Template.Segment] = []
            for (index, part) in parts.enumerated() {
                switch part {
                case .literal(let text):
                    if !quoted, ShellWord.hasPattern(text) || (index == 0 && text.hasPrefix("~")) { return nil }
                    out.append(.literal(text))
                case .quoted(let text): out.append(.literal(text))
                case .doubleQuoted(let inner):
                    guard let inside = segments(of: inner, quoted: true) else { return nil }
                    out += inside
                case .parameter(let name, nil, nil): out.append(.variable(name))
                default: return nil
                }
            }
            return out
        }
    }
}
