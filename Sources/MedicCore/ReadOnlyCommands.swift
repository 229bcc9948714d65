import Synchronization

/// The allow-list of read-only uses: a check runs without a confirmation only if every command it
/// runs is on it.
///
/// Each program lists the options it may take (any other option refuses the check), parsed the way
/// the program parses them: combined short flags, `--opt=value`, option arguments, `--`, global
/// options before a subcommand. A wrapper (`sudo`, `env`, `timeout`, `nice`, `xargs`, …) is allowed
/// only when the command it wraps is. A word whose value is only known at run time may stand where
/// a file name or pattern goes, but not where it could become an option or the program itself.
public enum ReadOnlyCommands {
    /// One word of an argv as far as validation can know it.
    public struct Argument: Sendable, Hashable {
        /// The value, or nil when it is computed at run time.
        public var literal: String?
        /// The characters it starts with for sure.
        public var prefix: String
        /// Whether the value is one word whatever it holds (no field splitting).
        public var singleField: Bool
        /// How to show it in a message.
        public var display: String

        public init(literal: String) {
            self.literal = literal
            prefix = literal
            singleField = true
            display = literal
        }

        public init(dynamic display: String, prefix: String, singleField: Bool) {
            literal = nil
            self.prefix = prefix
            self.singleField = singleField
            self.display = display
        }

        /// Whether the value comes from a Medic variable (an input, whose value Medic refuses when it
        /// starts with `-`) rather than from something the script computed.
        public var fromMedicVariable = false
        /// For a value from Medic variables, the word as literal text and variables, so the value
        /// can be worked out at run time (`ConfigurationOperand`); nil otherwise.
        public var segments: [Template.Segment]?

        /// Equal only when every field is, byte for byte: Swift's `==` on strings holds
        /// canonically equivalent text equal (`ẃ` and `w` with U+0301, U+212A and `K`), but the
        /// proof reads scalars and bytes, as a program does (`s/a/b/w\u{301}` writes a file,
        /// `s/a/b/ẃ` does not), so two such words must never share a finding.
        public static func == (lhs: Argument, rhs: Argument) -> Bool {
            func same(_ a: String?, _ b: String?) -> Bool {
                switch (a, b) {
                case (nil, nil): true
                case (let a?, let b?): a.utf8.elementsEqual(b.utf8)
                default: false
                }
            }
            func same(_ a: Template.Segment, _ b: Template.Segment) -> Bool {
                switch (a, b) {
                case (.literal(let a), .literal(let b)), (.variable(let a), .variable(let b)): same(a, b)
                default: false
                }
            }
            guard same(lhs.literal, rhs.literal), same(lhs.prefix, rhs.prefix), same(lhs.display, rhs.display),
                lhs.singleField == rhs.singleField, lhs.fromMedicVariable == rhs.fromMedicVariable
            else { return false }
            switch (lhs.segments, rhs.segments) {
            case (nil, nil): return true
            case (let a?, let b?): return a.count == b.count && zip(a, b).allSatisfy(same)
            default: return false
            }
        }

        /// Hashes the value when it is known, its display when not: a literal word's prefix and
        /// display are the value again, and an awk program can be a kilobyte. Text equal by bytes
        /// is equal as `String`s, so it hashes alike.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(literal)
            if literal == nil { hasher.combine(display) }
        }

        /// Whether the word could turn into an option (or several words, one of them an option).
        var couldBeOption: Bool {
            if let literal { return literal.startsExactly(with: "-") }
            if !singleField { return true }
            if prefix.isEmpty { return !fromMedicVariable }
            return prefix.startsExactly(with: "-")
        }
    }

    /// What the proof finds of one command's words: `problem`, `sandboxWrite` and
    /// `configurationOperands` of them.
    public struct Finding: Sendable {
        public var problem: String?
        public var sandboxWrite: String?
        public var configurationOperands: [ConfigurationOperand]
    }

    /// The finding of `argv`, worked out once for each distinct argv in the process: runbooks
    /// repeat commands word for word (a snippet included in many scripts, a function's body
    /// proven again at every call), and all three are functions of the words alone.
    public static func finding(argv: [Argument]) -> Finding {
        if let known = findings.withLock({ $0[argv] }) { return known }
        let finding = Finding(
            problem: problem(argv: argv), sandboxWrite: sandboxWrite(argv: argv), configurationOperands: configurationOperands(argv: argv))
        findings.withLock { $0[argv] = finding }
        return finding
    }

    /// The findings so far, by argv. It grows with the distinct commands of the runbooks read,
    /// nothing else.
    private static let findings = Mutex<[[Argument]: Finding]>([:])

    /// Why `argv` is not provably read-only, or nil when it is.
    public static func problem(argv: [Argument]) -> String? {
        guard let first = argv.first else { return nil }
        guard let path = first.literal, first.prefix == path else {
            return "the program '\(first.display)' is computed at run time, so Medic cannot know what it does"
        }
        let name = Self.name(of: path)
        // On bytes, as the kernel reads a path and as `name(of:)` splits it: a character that joins
        // the one after it (U+0600 before '/') hides a '/' from a `Character` search.
        if path.utf8.contains(UInt8(ascii: "/")),
            !["/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/"].contains(where: { path.utf8.elementsEqual(($0 + name).utf8) })
        {
            return "'\(path)' is not a system program Medic knows"
        }
        // Only an ASCII name can be a listed one byte for byte (`isASCII`).
        guard name.isASCII, let tool = tools[name] else {
            return "'\(name)' is not on Medic's list of read-only programs"
        }
        return tool.problem(name, Array(argv.dropFirst()))
    }

    // MARK: - Option parsing

    struct Options {
        var flags: Set<String>
        var valued: Set<String>
        /// GNU style: options may follow operands. POSIX style stops at the first operand.
        var permute: Bool

        init(_ flags: String = "", valued: String = "", permute: Bool = true) {
            self.flags = Set(flags.split(separator: " ").map(String.init))
            self.valued = Set(valued.split(separator: " ").map(String.init))
            self.permute = permute
        }
    }

    struct Parsed {
        var options: [(name: String, value: Argument?)] = []
        var operands: [Argument] = []
    }

    /// Parses `args` as the program would; throws the reason when an option is not allowed or unknown.
    static func parse(_ program: String, _ args: [Argument], _ options: Options) -> Result<Parsed, Refusal> {
        var out = Parsed()
        var index = 0
        var endOfOptions = false
        while index < args.count {
            let arg = args[index]
            index += 1
            if endOfOptions {
                out.operands.append(arg)
                continue
            }
            if arg.literal == "--" {
                endOfOptions = true
                continue
            }
            guard arg.couldBeOption else {
                out.operands.append(arg)
                if !options.permute {
                    endOfOptions = true
                }
                continue
            }
            if arg.literal == "-" {
                out.operands.append(arg)
                continue
            }
            let text = arg.literal ?? arg.prefix
            if text.startsExactly(with: "--") {
                let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
                if arg.literal == nil, !text.contains("=") {
                    return .failure(Refusal("the option '\(arg.display)' of \(program) is computed at run time"))
                }
                if options.flags.contains(name), !text.contains("=") {
                    out.options.append((name, nil))
                } else if options.valued.contains(name) {
                    if let equals = text.firstIndex(of: "=") {
                        let value = String(text[text.index(after: equals)...])
                        out.options.append(
                            (
                                name,
                                arg.literal == nil
                                    ? Argument(dynamic: arg.display, prefix: value, singleField: arg.singleField) : Argument(literal: value)
                            ))
                    } else {
                        guard index < args.count else { return .failure(Refusal("'\(name)' of \(program) needs a value")) }
                        out.options.append((name, args[index]))
                        index += 1
                    }
                } else {
                    return .failure(Refusal("\(program) \(name) is not a read-only use Medic knows"))
                }
                continue
            }
            guard let literal = arg.literal, literal.startsExactly(with: "-") else {
                return .failure(
                    Refusal("the argument '\(arg.display)' of \(program) is computed at run time and could be an option; put it after '--'"))
            }
            // Scalar by scalar, as getopt reads bytes: a combining mark is a letter of its own.
            var letters = literal.unicodeScalars.dropFirst()
            while let letter = letters.first {
                letters = letters.dropFirst()
                let name = "-\(letter)"
                if options.valued.contains(name) {
                    if !letters.isEmpty {
                        out.options.append((name, Argument(literal: String(letters))))
                    } else {
                        guard index < args.count else { return .failure(Refusal("'\(name)' of \(program) needs a value")) }
                        out.options.append((name, args[index]))
                        index += 1
                    }
                    break
                } else if options.flags.contains(name) {
                    out.options.append((name, nil))
                } else {
                    return .failure(Refusal("\(program) \(name) is not a read-only use Medic knows"))
                }
            }
        }
        return .success(out)
    }

    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: - Tools

    struct Tool {
        var check: @Sendable (_ name: String, _ args: [Argument]) -> String?

        func problem(_ name: String, _ args: [Argument]) -> String? { check(name, args) }

        /// A program whose allowed options are listed and whose operands are files or patterns.
        static func plain(_ options: Options, operands: (@Sendable (Parsed) -> String?)? = nil) -> Tool {
            Tool { name, args in
                switch parse(name, args, options) {
                case .failure(let refusal): return refusal.reason
                case .success(let parsed): return operands?(parsed)
                }
            }
        }

        /// A program that reads every argument as text (`echo`, `test`).
        static let anything = Tool { _, _ in nil }

        /// A program with global options, then a subcommand with its own options.
        static func subcommands(_ global: Options, _ table: [String: Tool]) -> Tool {
            Tool { name, args in
                var globalOptions = global
                globalOptions.permute = false
                switch parse(name, args, globalOptions) {
                case .failure(let refusal): return refusal.reason
                case .success(let parsed):
                    guard let verb = parsed.operands.first else { return nil }
                    guard let word = verb.literal else { return "the subcommand '\(verb.display)' of \(name) is computed at run time" }
                    guard let tool = table[word] else { return "'\(name) \(word)' is not a read-only use Medic knows" }
                    let consumed = args.count - parsed.operands.count
                    return tool.problem("\(name) \(word)", Array(args[(consumed + 1)...]))
                }
            }
        }

        /// A wrapper that runs the command after its options (and `leading` fixed operands).
        static func wrapper(_ wrapper: Wrapper) -> Tool {
            Tool { name, args in
                switch wrapper.command(name, args) {
                case .failure(let refusal): return refusal.reason
                case .success(let command): return command.isEmpty ? nil : ReadOnlyCommands.problem(argv: command)
                }
            }
        }
    }

    /// A program that runs another (`sudo`, `env`, `timeout`, …): its options, then `leading`
    /// fixed operands, then (with `assignments`) `NAME=value` words, then the command it runs.
    struct Wrapper {
        var options: Options
        var leading = 0
        var assignments = false

        /// `command -p PROGRAM …` (`command -v` only looks a name up).
        static let command = Wrapper(options: Options("-p"))

        /// The command `args` make it run (empty when none), or why they are refused.
        func command(_ name: String, _ args: [Argument]) -> Result<[Argument], Refusal> {
            var posix = options
            posix.permute = false
            switch parse(name, args, posix) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let parsed):
                var command = Array(parsed.operands.dropFirst(leading))
                if assignments {
                    while let first = command.first, let text = first.literal ?? Optional(first.prefix), let equals = text.firstIndex(of: "="),
                        ShellParser.isName(String(text[..<equals]))
                    {
                        let value = first.literal.map { String($0[$0.index(after: equals)...]) }
                        if let problem = ReadOnlyCommands.scriptAssignmentProblem(String(text[..<equals]), value: value) {
                            return .failure(Refusal(problem))
                        }
                        command.removeFirst()
                    }
                }
                return .success(command)
            }
        }
    }

    /// The wrappers, by program name.
    static let wrappers: [String: Wrapper] = [
        "sudo": Wrapper(options: Options("-n -E -H -k --non-interactive --preserve-env", valued: "-u -g --user --group")),
        "env": Wrapper(options: Options("-i --ignore-environment", valued: "-u --unset"), assignments: true),
        "timeout": Wrapper(options: Options("--foreground --preserve-status -v --verbose", valued: "-s -k --signal --kill-after"), leading: 1),
        "nice": Wrapper(options: Options(valued: "-n --adjustment")),
        "nohup": Wrapper(options: Options()),
        "stdbuf": Wrapper(options: Options(valued: "-i -o -e --input --output --error")),
        "command": .command,
    ]

    // MARK: - Writes the check sandbox refuses

    /// What a read-only use writes outside a check's scratch folder, which fails in the check
    /// sandbox's read-only mount namespace; nil when it writes nothing there. `nginx -t` and
    /// `nginx -T` change nothing, but open the pid and log files the configuration names to test
    /// them, and fail on a read-only file system. Wrappers (`sudo nginx -t`) are looked through.
    public static func sandboxWrite(argv: [Argument]) -> String? {
        let argv = unwrapped(argv)
        guard let program = argv.first?.literal, Self.name(of: program) == "nginx",
            case .success(let parsed) = parse("nginx", Array(argv.dropFirst()), nginxOptions),
            let test = parsed.options.first(where: { $0.name == "-t" || $0.name == "-T" })
        else { return nil }
        return "nginx \(test.name) opens the pid and log files its configuration names, to test them"
    }

    /// The command `argv` really runs: through every wrapper (`sudo`, `env`, `timeout`, `nice`,
    /// `nohup`, `stdbuf`, `command`, and `xargs`, with the words it reads) to the program that
    /// does the work, as `problem` looks through them. Every rule about what runs
    /// (`sandboxWrite`, `configurationOperands`) looks at this, never at the wrapper.
    static func unwrapped(_ argv: [Argument]) -> [Argument] {
        var argv = argv
        while let program = argv.first?.literal {
            let name = Self.name(of: program)
            let command: Result<[Argument], Refusal>
            if let wrapper = wrappers[name] {
                command = wrapper.command(program, Array(argv.dropFirst()))
            } else if name == "xargs" {
                command = xargsCommand(program, Array(argv.dropFirst()))
            } else {
                break
            }
            guard case .success(let inner) = command, !inner.isEmpty else { break }
            argv = inner
        }
        return argv
    }

    /// The command xargs runs (`echo` when none), with the words it reads in the place of
    /// `-I`'s replacement string or after the command, or why its options are refused.
    static func xargsCommand(_ name: String, _ args: [Argument]) -> Result<[Argument], Refusal> {
        var options = Options(
            "-0 -r -t --null --no-run-if-empty --verbose", valued: "-n -L -d -I -P -s --max-args --max-lines --delimiter --max-procs")
        options.permute = false
        switch parse(name, args, options) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let parsed):
            let replace = parsed.options.last { $0.name == "-I" }?.value?.literal
            var command = parsed.operands.isEmpty ? [Argument(literal: "echo")] : parsed.operands
            if let replace {
                command = command.map { arg in
                    guard let text = arg.literal, let at = text.firstRange(of: replace) else { return arg }
                    return Argument(dynamic: text, prefix: String(text[..<at.lowerBound]), singleField: true)
                }
            } else {
                command.append(Argument(dynamic: "(words read by xargs)", prefix: "", singleField: false))
            }
            return .success(command)
        }
    }

    /// The program's name without its folder.
    private static func name(of path: String) -> String {
        // Its last non-empty component, without putting every component in an array: it is asked
        // three times of every command proven. The path is split at each '/' byte, as the kernel
        // splits it (in UTF-8 that byte is never part of another character, while a '/' with a
        // combining mark after it would be one `Character` of its own).
        let bytes = path.utf8
        guard let end = bytes.lastIndex(where: { $0 != UInt8(ascii: "/") }) else { return path }
        let start = bytes[..<end].lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(decoding: bytes[start...end], as: UTF8.self)
    }

    /// nginx's options: testing (`-t`, `-T`) and versions only; any other use starts a server.
    /// `-e FILE` is not among them: nginx creates the error log it names, even to test.
    static let nginxOptions = Options("-t -T -V -v -q -h -?", valued: "-c -p")

    /// supervisorctl's options before its subcommand.
    static let supervisorGlobal = Options(valued: "-c --configuration -s --serverurl -u --username -p --password")

    /// Why `value`, given to `option`, an option of `program` that names a configuration file or
    /// folder, is not trusted, or nil. A configuration runs code: nginx's `load_module` loads a
    /// shared object even under `-t`, a kubeconfig's `exec` runs a credential plugin. A literal
    /// value must lie under `/etc/`, where only root writes. With `runtime`, a value known only
    /// at run time may be an input's or a capture's (Medic refuses one that starts with `-`; the
    /// shipped runbooks find the file the running server was started with): the proof reports it
    /// (`configurationOperands`), and at run time Medic judges the file it names before the
    /// check runs unconfirmed (`ConfigurationJudge`). A value the script computes is refused:
    /// nothing outside the script can know it.
    static func configurationProblem(_ program: String, _ option: String, _ value: Argument?, runtime: Bool) -> String? {
        guard let value else { return nil }
        if let literal = value.literal {
            let parts = literal.split(separator: "/")
            if literal.hasPrefix("/etc/"), !parts.contains(".."), !parts.contains(".") { return nil }
            return "\(program) \(option) '\(literal)' names a configuration, which may load modules or run helper programs; "
                + "only a file under /etc/ is trusted in a check"
        }
        if runtime, value.fromMedicVariable, value.segments != nil { return nil }
        return "\(program) \(option) '\(value.display)' names a configuration computed at run time, which may load modules or run helper "
            + "programs; only a file under /etc/\(runtime ? " or an input's or a capture's value (judged before the check runs)" : "") is trusted in a check"
    }

    /// The configuration files and folders `argv` names by an input's or a capture's value (through
    /// wrappers such as `sudo` and `timeout`): the operands `configurationProblem` lets through
    /// only to be judged at run time.
    public static func configurationOperands(argv: [Argument]) -> [ConfigurationOperand] {
        let argv = unwrapped(argv)
        guard let program = argv.first?.literal else { return [] }
        let name = Self.name(of: program)
        let options: [(name: String, value: Argument?)]
        switch name {
        case "nginx":
            guard case .success(let parsed) = parse(name, Array(argv.dropFirst()), nginxOptions) else { return [] }
            options = parsed.options.filter { $0.name == "-c" || $0.name == "-p" }
        case "supervisorctl":
            var global = supervisorGlobal
            global.permute = false
            guard case .success(let parsed) = parse(name, Array(argv.dropFirst()), global) else { return [] }
            options = parsed.options.filter { $0.name == "-c" || $0.name == "--configuration" }
        default: return []
        }
        return options.compactMap { option in
            guard let value = option.value, value.literal == nil, value.fromMedicVariable, let segments = value.segments else { return nil }
            return ConfigurationOperand(
                option: "\(name) \(option.name)", isFolder: option.name == "-p", segments: segments, singleField: value.singleField)
        }
    }

    /// Why a script's own assignment of `name` to `value` (`NAME=value command …`, `export`,
    /// `env NAME=…`, `local`, `read`, …) is not safe, or nil. `value` is the value as written, nil
    /// when it is computed at run time; `export NAME` alone passes "" (it exports the value an
    /// earlier assignment, held to this rule, or Medic gave it).
    ///
    /// The one list (`assignmentProblem`) with one exception: a name that changes only how a
    /// program writes, orders or reads text and times (`EnvironmentName.displayOnly`: TZ, LANG,
    /// LC_ALL, …) may be set in a script (`LC_ALL=C sort`, `TZ=UTC date`, `export LC_ALL=C`),
    /// though never a runbook variable's name, which would reach every step. A zone is read from
    /// a zone file, data with no code and naming no other file, so TZ may take any value (the
    /// zone of a process whose log a check reads, from its environment). A locale must be
    /// written out, and be C, POSIX or a UTF-8 one (`isPlainLocale`): one named by a path
    /// (`LC_ALL=/tmp/l`) makes the C library load its data from that folder, and in an encoding
    /// such as Big5, GBK or Shift_JIS the second byte of a character may be `\` or `|`, so bash
    /// (which reads the rest of the script in the locale exported) or awk and sed (which read
    /// their program in it) would not read the text as the proof read it.
    public static func scriptAssignmentProblem(_ name: String, value: String?) -> String? {
        guard EnvironmentName.displayOnly.contains(name) else { return assignmentProblem(name) }
        if name == "TZ" { return nil }
        guard let value else {
            return "setting \(name) to a value computed at run time is refused: write the locale out (C, POSIX or a UTF-8 one such as C.UTF-8)"
        }
        guard isPlainLocale(value) else {
            return "setting \(name) to '\(value)' is refused: only C, POSIX or a UTF-8 locale (C.UTF-8, en_US.UTF-8) is allowed "
                + "(a path loads locale data from there, and in another encoding a byte of a character may read as '\\' or '|')"
        }
        return nil
    }

    /// Whether `value` names the C or POSIX locale or a UTF-8 one (`en_US.UTF-8`, `C.utf8`,
    /// `de_DE.UTF-8@euro`), or is empty (the next variable decides); no path.
    static func isPlainLocale(_ value: String) -> Bool {
        let name = value.prefix { $0 != "@" }
        let modifier = value.dropFirst(name.count)
        guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.@".contains($0)) }), !modifier.dropFirst().contains("@")
        else { return false }
        if value.isEmpty || name == "C" || name == "POSIX" { return true }
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex else { return false }
        let codeset = name[name.index(after: dot)...].lowercased()
        return (codeset == "utf-8" || codeset == "utf8") && !name[..<dot].contains(".")
    }

    /// Why assigning the variable `name` for a command is not safe, or nil. The one list of
    /// names both a script's own assignments (`scriptAssignmentProblem`, which lets the
    /// display-only names through) and a runbook variable's name (`EnvironmentName.problem`) are
    /// held to: a name the programs read (`EnvironmentName.readProblem`: OPENSSL_CONF,
    /// PYTHONHOME, LC_ALL, …) is refused in both.
    public static func assignmentProblem(_ name: String) -> String? {
        if dangerousAssignments.contains(name) || name.hasPrefix("LD_") || name.hasPrefix("BASH_FUNC") || name.hasPrefix("SYSTEMD_")
            || name.hasPrefix("GIT_")
        {
            return "setting \(name) changes which program runs or what it loads"
        }
        return EnvironmentName.readProblem(name).map { "setting \(name) is refused: \($0)" }
    }

    /// Which program runs, what the shell or the dynamic loader runs by itself, and where the
    /// allowed programs find the configurations that load code or name helper programs (HOME:
    /// ~/.curlrc, ~/.kube/config, ~/.docker; a pager or askpass program). Built once: a set
    /// literal in a function is hashed again at every call.
    private static let dangerousAssignments: Set<String> = [
        "PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "CDPATH", "GCONV_PATH", "PERL5OPT", "PYTHONSTARTUP", "PYTHONPATH",
        "PERL5LIB", "GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "PROMPT_COMMAND", "HOME", "XDG_CONFIG_HOME", "CURL_HOME", "KUBECONFIG",
        "DOCKER_CONFIG", "DOCKER_HOST", "DOCKER_CONTEXT", "PAGER", "SYSTEMD_PAGER", "SYSTEMD_PAGERSECURE", "SYSTEMD_LESS", "LESSOPEN",
        "LESSCLOSE", "EDITOR", "VISUAL", "SYSTEMD_EDITOR", "SSH_ASKPASS", "SUDO_ASKPASS", "AWKPATH", "AWKLIBPATH",
    ]

    static let tools: [String: Tool] = {
        var table: [String: Tool] = [:]
        for name in ["echo", "printf", "test", "[", "true", "false", ":", "expr", "basename", "dirname", "seq", "sleep"] {
            table[name] = .anything
        }
        for name in ["test", "["] {
            table[name] = Tool { name, args in
                // bash's `test -v NAME` evaluates an array element's subscript as arithmetic,
                // running the commands in it: the name must be written out, without a subscript.
                for (index, arg) in args.enumerated().dropLast() where arg.literal == "-v" {
                    let next = args[index + 1]
                    if next.literal.map({ $0.contains("[") }) ?? true {
                        return "\(name) -v '\(next.display)' may name an array element, whose subscript bash evaluates as arithmetic, "
                            + "running the commands in it"
                    }
                }
                return nil
            }
        }
        table["printf"] = Tool { name, args in
            // bash's printf reads options (`-v NAME`, `-vNAME`): only `--` may start its argv.
            guard let first = args.first, first.couldBeOption, first.literal != "--" else { return nil }
            return "printf \(first.display) sets a variable in bash (printf -v), or is an option Medic does not know"
        }
        let noOperands: @Sendable (Parsed) -> String? = { $0.operands.isEmpty ? nil : "it takes no operand here ('\($0.operands[0].display)')" }
        table["uptime"] = .plain(Options("-p -s --pretty --since"), operands: noOperands)
        table["free"] = .plain(Options("-b -k -m -g -h -t -w -l --human --total --wide --kibi --mebi --gibi --si", valued: "-s -c --seconds --count"))
        table["nproc"] = .plain(Options("--all", valued: "--ignore"))
        table["id"] = .plain(Options("-u -g -G -n -r -a"))
        table["whoami"] = .plain(Options())
        table["uname"] = .plain(Options("-a -s -n -r -v -m -p -i -o"), operands: noOperands)
        table["hostname"] = .plain(Options("-f -s -i -I -d --fqdn --short"), operands: noOperands)
        table["date"] = .plain(Options("-u -R --utc --rfc-email", valued: "-d --date -I --iso-8601 --rfc-3339 -r --reference")) { parsed in
            parsed.operands.allSatisfy { $0.prefix.hasPrefix("+") } ? nil : "date with an operand other than +FORMAT sets the clock"
        }
        table["df"] = .plain(
            Options(
                "-h -H -k -P -T -a -i -l --human-readable --si --portability --local --all --inodes --print-type",
                valued: "-t -x --type --exclude-type --output -B --block-size"))
        table["du"] = .plain(
            Options(
                "-s -h -a -c -k -m -x -b --summarize --human-readable --total --apparent-size", valued: "-d --max-depth --exclude -B --block-size"))
        table["ls"] = .plain(Options("-l -a -A -h -t -r -S -d -1 -i -n -R -F --full-time --color -L"))
        table["stat"] = .plain(Options("-L -t --terse", valued: "-c --format --printf"))
        table["cat"] = .plain(Options("-n -A -v -e -E -s -t -T -b -u"))
        table["head"] = .plain(Options("-q -v -z", valued: "-n -c --lines --bytes"))
        table["tail"] = .plain(Options("-q -v -f -F -z --follow --retry", valued: "-n -c --lines --bytes --pid -s --sleep-interval"))
        table["wc"] = .plain(Options("-l -c -w -m -L --lines --bytes --words --chars"))
        table["sort"] = .plain(
            Options(
                "-n -r -u -k -b -f -h -V -g -M -s -z --numeric-sort --reverse --unique --human-numeric-sort --version-sort",
                valued: "-k -t --key --field-separator"))
        table["uniq"] = .plain(Options("-c -d -u -i -z --count --repeated --unique --ignore-case", valued: "-f -s -w")) { parsed in
            parsed.operands.count <= 1 ? nil : "uniq writes to its second operand"
        }
        table["cut"] = .plain(
            Options("-s -z --complement --only-delimited", valued: "-d -f -c -b --delimiter --fields --characters --bytes --output-delimiter"))
        table["tr"] = .plain(Options("-d -s -c -C --delete --squeeze-repeats --complement"))
        table["rev"] = .plain(Options())
        table["getconf"] = .plain(Options())
        table["getenforce"] = .plain(Options(), operands: noOperands)
        table["find"] = Tool { name, args in findProblem(args) }
        table["getent"] = .plain(Options("-s --service")) { parsed in
            guard let database = parsed.operands.first?.literal,
                ["ahosts", "ahostsv4", "ahostsv6", "hosts", "passwd", "group", "services", "protocols", "networks"].contains(database)
            else {
                return "getent reads only a known database here"
            }
            return nil
        }
        table["namei"] = .plain(Options("-l -m -o -n -v -x --long --modes --owners --nosymlinks --vertical --mountpoints"))
        table["column"] = .plain(Options("-t", valued: "-s -o"))
        let grep = Tool.plain(
            Options(
                "-c -i -v -n -l -L -h -H -o -q -s -E -F -G -P -w -x -r -R -a -z --count --ignore-case --invert-match --line-number --files-with-matches --quiet --silent --extended-regexp --fixed-strings --word-regexp --line-regexp --only-matching --no-filename --with-filename --text",
                valued:
                    "-e -f -m -A -B -C --regexp --file --max-count --after-context --before-context --context --include --exclude --color --colour"))
        for name in ["grep", "egrep", "fgrep", "zgrep"] { table[name] = grep }
        for name in ["test", "["] {
            let base = table[name]
            table[name] = Tool { name, args in base?.problem(name, args) ?? testNameProblem(name, args) }
        }
        table["awk"] = Tool { name, args in awkProblem(name, args) }
        table["gawk"] = table["awk"]
        table["mawk"] = table["awk"]
        table["sed"] = Tool { name, args in sedProblem(name, args) }
        table["ps"] = .plain(
            Options("-e -A -f -F -l -y -a -x -H -w -ww --no-headers --forest", valued: "-o -p -u -U -C -G -q --pid --ppid --sort -O"))
        table["pgrep"] = .plain(
            Options("-a -c -f -l -n -o -v -x -i --count --full --list-full --newest --oldest --exact", valued: "-u -U -P -g -G -s -t --parent"))
        table["pidof"] = .plain(Options("-s -x -z", valued: "-o"))
        table["ss"] = .plain(
            Options(
                "-t -u -l -n -p -a -e -m -o -i -s -x -w -4 -6 -H -O --tcp --udp --listening --numeric --processes --all --summary --no-header",
                valued: "-f -A --family --query"))
        table["netstat"] = .plain(Options("-t -u -l -n -p -a -e -s -r -i -W --tcp --udp --listening --numeric --programs --all"))
        table["lsof"] = .plain(Options("-n -P -l -t", valued: "-i -p -u -c +D +d"))
        table["dmesg"] = .plain(
            Options(
                "-T -H -L -x -k -u -t -r -l -e -w -W -P --ctime --human --nopager --decode --kernel --userspace --notime --raw --follow --reltime",
                valued: "-f --facility -l --level --time-format --since --until"))
        table["journalctl"] = .plain(
            Options(
                "-a -e -f -k -m -q -r -x -b --all --pager-end --follow --dmesg --merge --quiet --reverse --catalog --no-pager --no-hostname --no-full --full --utc --disk-usage --list-boots --system --user --boot",
                valued:
                    "-u -n -S -U -p -t -o -g -D -M -T --unit --user-unit --lines --since --until --priority --identifier --output --grep --directory --file --machine --output-fields --case-sensitive --facility --cursor --after-cursor"
            ))
        table["nginx"] = .plain(nginxOptions) { parsed in
            for option in parsed.options where option.name == "-c" || option.name == "-p" {
                if let problem = configurationProblem("nginx", option.name, option.value, runtime: true) { return problem }
            }
            return parsed.options.contains { ["-t", "-T", "-V", "-v", "-h", "-?"].contains($0.name) }
                ? nil : "nginx without -t, -T or -V starts the server"
        }
        table["curl"] = .plain(
            Options(
                "-s -S -f -i -I -L -v -k -g -4 -6 --silent --show-error --fail --fail-with-body --include --head --location --verbose --insecure --compressed --http1.1 --http2 --no-buffer -N",
                valued:
                    "-o --output -m -H -A -e -w -u --max-time --connect-timeout --header --user-agent --referer --write-out --user --unix-socket --resolve --retry --retry-delay --max-redirs --cacert --url --proto"
            )
        ) { parsed in
            for option in parsed.options where ["-o", "--output"].contains(option.name) && option.value?.literal != "/dev/null" {
                return "curl \(option.name) writes a file (only /dev/null is allowed in a check)"
            }
            for option in parsed.options where ["-H", "--header"].contains(option.name) {
                // A header that asks the server to treat the GET as another method.
                guard let value = option.value, let header = value.literal ?? (value.prefix.contains(":") ? value.prefix : nil) else {
                    return "curl \(option.name) with a header whose name is computed at run time"
                }
                let name = header.prefix { $0 != ":" }.lowercased().filter { $0 != " " && $0 != "\t" }
                if ["x-http-method-override", "x-http-method", "x-method-override"].contains(name) {
                    return "curl \(option.name) '\(header)' asks the server for another method than GET"
                }
            }
            for option in parsed.options where ["-w", "--write-out"].contains(option.name) {
                guard let value = option.value?.literal, !value.contains("%output") else { return "curl --write-out with %output{…} writes a file" }
            }
            let urls = parsed.operands + parsed.options.filter { $0.name == "--url" }.compactMap(\.value)
            let protocols = parsed.options.last { $0.name == "--proto" }?.value?.literal
            let webOnly = protocols == "=http,https" || protocols == "=https" || protocols == "=https,http"
            for url in urls where !webOnly && !(url.prefix.hasPrefix("http://") || url.prefix.hasPrefix("https://")) {
                return "curl fetches only http:// or https:// URLs in a check ('\(url.display)' could be another protocol: add --proto =http,https)"
            }
            return nil
        }
        table["systemctl"] = .subcommands(
            Options(
                "--no-pager -l --full -a --all --plain --no-legend --value -q --quiet --user --system --failed",
                valued: "-n --lines -p --property -t --type --state -o --output -H --host -M --machine"),
            Dictionary(
                uniqueKeysWithValues: [
                    "status", "show", "is-active", "is-enabled", "is-failed", "list-units", "list-unit-files", "list-timers", "list-sockets",
                    "list-dependencies", "cat", "help",
                ].map {
                    (
                        $0,
                        Tool.plain(
                            Options(
                                "--no-pager -l --full -a --all --plain --no-legend --value -q --quiet --failed",
                                valued: "-n --lines -p --property -t --type --state -o --output"))
                    )
                }))
        let dockerGlobal = Options(
            "-D --debug --tls --tlsverify", valued: "-c --context -H --host -l --log-level --tlscacert --tlscert --tlskey")
        let dockerPs = Tool.plain(Options("-a -q -s -l --all --quiet --size --latest --no-trunc", valued: "-f --filter --format -n --last"))
        let dockerInspect = Tool.plain(Options("-s --size", valued: "-f --format --type"))
        let dockerLogs = Tool.plain(Options("-f -t --follow --timestamps --details", valued: "-n --tail --since --until"))
        let dockerStats = Tool.plain(Options("-a --all --no-stream --no-trunc", valued: "--format"))
        let dockerTop = Tool.plain(Options())
        let dockerImages = Tool.plain(Options("-a -q --all --quiet --digests --no-trunc", valued: "-f --filter --format"))
        let compose = Tool.subcommands(
            Options("--compatibility --dry-run", valued: "-f --file -p --project-name --project-directory --env-file --profile --ansi --progress"),
            [
                "ps": .plain(Options("-a -q --all --quiet --services", valued: "--format --filter --status")),
                "logs": .plain(Options("-f -t --follow --timestamps --no-color --no-log-prefix", valued: "-n --tail --since --until")),
                "config": .plain(Options("-q --quiet --services --volumes --images", valued: "--format")),
                "top": .plain(Options()), "images": .plain(Options("-q --quiet", valued: "--format")),
                "version": .plain(Options("--short", valued: "--format")),
            ])
        table["docker"] = .subcommands(
            dockerGlobal,
            [
                "ps": dockerPs, "inspect": dockerInspect, "logs": dockerLogs, "stats": dockerStats, "top": dockerTop, "images": dockerImages,
                "version": .plain(Options(valued: "-f --format")), "info": .plain(Options(valued: "-f --format")),
                "port": .plain(Options()), "events": .plain(Options(valued: "-f --filter --format --since --until")),
                "container": .subcommands(
                    Options(),
                    [
                        "ls": dockerPs, "ps": dockerPs, "list": dockerPs, "inspect": dockerInspect, "logs": dockerLogs, "stats": dockerStats,
                        "top": dockerTop, "port": .plain(Options()),
                    ]),
                "compose": compose,
            ])
        table["docker-compose"] = compose
        let supervisorRead = Tool.plain(Options())
        let supervisorctl = Tool.subcommands(
            supervisorGlobal,
            [
                "status": supervisorRead, "avail": supervisorRead, "pid": supervisorRead, "version": supervisorRead,
                "tail": .plain(Options("-f -0 -1 -2 -3 -4 -5 -6 -7 -8 -9")), "maintail": .plain(Options("-f -0 -1 -2 -3 -4 -5 -6 -7 -8 -9")),
            ])
        table["supervisorctl"] = Tool { name, args in
            // The configuration's [ctlplugin:…] sections import Python code: a literal -c must lie
            // under /etc/, a value known at run time must be an input or a capture, whose file
            // Medic judges before the check runs (`configurationProblem`). Without -c it reads
            // ./supervisord.conf of the working folder first, which a check cannot choose: `cd`
            // is not allowed in a check.
            var global = supervisorGlobal
            global.permute = false
            if case .success(let parsed) = parse(name, args, global) {
                for option in parsed.options where option.name == "-c" || option.name == "--configuration" {
                    if let problem = configurationProblem(name, option.name, option.value, runtime: true) { return problem }
                }
            }
            return supervisorctl.problem(name, args)
        }
        let kubectlOptions = "--context -n --namespace --kubeconfig --cluster --user -s --server --request-timeout -v"
        let kubectlRead = Tool.plain(
            Options(
                "-A -w --all-namespaces --watch --show-labels --no-headers -f --follow -p --previous --timestamps --all-containers",
                valued: kubectlOptions
                    + " -o --output -l --selector --field-selector --sort-by --tail --since -c --container --show-kind --chunk-size"))
        let kubectlTool = Tool.subcommands(
            Options(valued: kubectlOptions),
            [
                "get": kubectlRead, "describe": kubectlRead, "logs": kubectlRead, "top": kubectlRead, "events": kubectlRead, "version": kubectlRead,
                "cluster-info": kubectlRead, "api-resources": kubectlRead,
                "rollout": .subcommands(Options(valued: kubectlOptions), ["status": kubectlRead, "history": kubectlRead]),
                "auth": .subcommands(Options(), ["can-i": kubectlRead]),
            ])
        table["kubectl"] = Tool { name, args in
            // A kubeconfig's user may run an exec credential plugin on any request.
            for (index, arg) in args.enumerated() {
                guard let text = arg.literal ?? Optional(arg.prefix), text == "--kubeconfig" || text.hasPrefix("--kubeconfig=") else { continue }
                let value: Argument? =
                    text.hasPrefix("--kubeconfig=")
                    ? (arg.literal.map { Argument(literal: String($0.dropFirst("--kubeconfig=".count))) }
                        ?? Argument(dynamic: arg.display, prefix: String(text.dropFirst("--kubeconfig=".count)), singleField: arg.singleField))
                    : (index + 1 < args.count ? args[index + 1] : nil)
                if let problem = configurationProblem(name, "--kubeconfig", value, runtime: false) { return problem }
            }
            return kubectlTool.problem(name, args)
        }
        for (name, wrapper) in wrappers where name != "command" { table[name] = .wrapper(wrapper) }
        table["command"] = Tool { name, args in
            if let first = args.first?.literal, first == "-v" || first == "-V" { return nil }
            return Tool.wrapper(.command).problem(name, args)
        }
        table["xargs"] = Tool { name, args in
            switch xargsCommand(name, args) {
            case .failure(let refusal): return refusal.reason
            case .success(let command): return ReadOnlyCommands.problem(argv: command)
            }
        }
        return table
    }()

    // MARK: - find, awk and sed programs

    /// find's tests that take a value, and its flags and printing actions (built once).
    private static let findTests: Set<String> = [
        "-type", "-xtype", "-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-newer", "-mtime", "-mmin", "-atime",
        "-amin", "-ctime", "-cmin", "-size", "-user", "-group", "-uid", "-gid", "-perm", "-links", "-inum", "-samefile", "-maxdepth", "-mindepth",
        "-printf", "-regextype", "-fstype", "-used",
    ]
    private static let findFlags: Set<String> = [
        "-print", "-print0", "-prune", "-xdev", "-mount", "-empty", "-readable", "-writable", "-executable", "-nouser", "-nogroup", "-o", "-a",
        "-or", "-and", "-not", "!", "(", ")", ",", "-true", "-false", "-quit", "-depth", "-follow", "-ls", "-daystart", "-noleaf", "-H", "-L",
        "-P",
    ]

    /// `find`'s starting points, then an expression of tests and printing actions only.
    static func findProblem(_ args: [Argument]) -> String? {
        var index = 0
        var inExpression = false
        while index < args.count {
            let arg = args[index]
            index += 1
            guard let word = arg.literal else {
                if !inExpression, !arg.couldBeOption { continue }
                return "the argument '\(arg.display)' of find is computed at run time and could be a find action"
            }
            if !inExpression, !word.startsExactly(with: "-"), word != "!", word != "(" { continue }
            inExpression = true
            if findFlags.contains(word) { continue }
            if findTests.contains(word) {
                index += 1
                continue
            }
            return "find \(word) is not a read-only use Medic knows"
        }
        return nil
    }

    /// Why bash's `test` (or `[`) may evaluate an array subscript as code: `test -v 'a[$(…)]'`
    /// reads the element, evaluating its subscript, and so does an operand computed at run time
    /// that may turn out to be `-v` (`[ $op "$name" ]`). After `-v`, or after such an operand, a
    /// name must be written out without a `[`.
    static func testNameProblem(_ name: String, _ args: [Argument]) -> String? {
        let operands = name == "[" && args.last?.literal == "]" ? Array(args.dropLast()) : args
        for (index, arg) in operands.enumerated().dropLast() where arg.literal == "-v" || (arg.literal == nil && arg.couldBeOption) {
            let next = operands[index + 1]
            if next.literal.map({ $0.contains("[") }) ?? true {
                return "\(name) '\(arg.display)' '\(next.display)' may read an array element (test -v), whose subscript bash evaluates as code"
            }
        }
        return nil
    }

    static let awkOptions = Options(valued: "-F -v --field-separator --assign", permute: false)

    static func awkProblem(_ name: String, _ args: [Argument]) -> String? {
        switch parse(name, args, awkOptions) {
        case .failure(let refusal): return refusal.reason
        case .success(let parsed):
            guard let program = parsed.operands.first else { return "\(name) without a program" }
            guard let text = program.literal else { return "the \(name) program is computed at run time" }
            return awkProgramProblem(text).map { "the \(name) program \($0)" }
        }
    }

    /// Why an awk program may change something: `system()`, a pipe (to or from a command), an
    /// output redirection, `@load`. String and regex literals, comments and line continuations are
    /// read as awk reads them and left out; in the rest of the program any `system`, `@` or `|` (other than `||`) is refused, and
    /// any `>` inside an action that is not inside parentheses, wherever the statement it is in
    /// starts (`if (c) print > f`, `for (…) printf … > f`): awk reads it there as a redirection in
    /// a print statement, and Medic does not tell statements apart, so a comparison is
    /// parenthesised. What awk and Medic could read differently is refused.
    static func awkProgramProblem(_ program: String) -> String? {
        var reader = AwkReader(program)
        return reader.problem()
    }

    /// What `awkProgramProblem` keeps while it reads a program, as one value: kept in variables
    /// that local functions change, each would be boxed on the heap and retained at every use.
    private struct AwkReader {
        /// The program's bytes as characters. awk reads bytes, but Swift groups a character with
        /// the combining marks after it (`"` and U+0301 are one character, not a quote) and "\r\n"
        /// into one: every byte is a character of its own, a carriage return the blank awk takes
        /// it for, and each byte of a character outside ASCII a name's character (awk allows them
        /// in strings and regexes only). Scalars of ASCII, not `Character`s: comparing them costs
        /// no grapheme breaking or Unicode property look-up.
        let chars: [Unicode.Scalar]
        /// The program outside strings, regexes and comments: each character of a string is `s`,
        /// of a regex `r`.
        var code: [Unicode.Scalar] = []
        // The last character outside blanks, the one before it, the name or keyword it ends (""
        // when it ends none), and the last character of any kind.
        var previous: Unicode.Scalar = ";"
        var beforePrevious: Unicode.Scalar = ";"
        // The name is `chars[nameStart..<nameEnd]`: a name's characters are never apart.
        var nameStart = 0
        var nameEnd = 0
        var last: Unicode.Scalar = ";"

        init(_ program: String) {
            var chars: [Unicode.Scalar] = []
            chars.reserveCapacity(program.utf8.count)
            for byte in program.utf8 { chars.append(byte == UInt8(ascii: "\r") ? " " : byte < 0x80 ? Unicode.Scalar(byte) : "_") }
            self.chars = chars
            code.reserveCapacity(chars.count)
        }

        static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_"
        }

        mutating func note(_ c: Unicode.Scalar) {
            if c != " ", c != "\t" {
                beforePrevious = previous
                previous = c
            }
            last = c
        }

        func name() -> String { String(decoding: chars[nameStart..<nameEnd].map { UInt8($0.value) }, as: UTF8.self) }

        mutating func problem() -> String? {
            var inString = false
            var inRegex = false
            var inBracket = false
            var escaped = false
            // For each open '(', whether it holds the condition of if, while, for or switch, and
            // whether the last ')' closed one: a statement may follow it.
            var conditions: [Bool] = []
            var closedCondition = false
            // Outside strings and regexes: in a comment (`#` to the end of the line, where a `"` or a
            // `/` is no literal), and at the line break of a backslash-newline, which awk drops,
            // joining the lines: a `/` after it follows what came before the backslash.
            var inComment = false
            var continued = false
            for index in chars.indices {
                let c = chars[index]
                if inComment {
                    if c == "\n" { inComment = false } else { continue }
                }
                if continued {
                    continued = false
                    continue
                }
                if inRegex {
                    // A regex literal: its '|' is an alternative, not a pipe.
                    if escaped {
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if inBracket {
                        if c == "]", chars[index - 1] != "[", !(chars[index - 1] == "^" && chars[index - 2] == "[") { inBracket = false }
                        // gawk reads a '/' in brackets as part of the regex; other awks end the regex there.
                        if c == "/" { return "has a '/' inside brackets in a regex literal, which awks read differently (write \\/)" }
                    } else if c == "[" {
                        inBracket = true
                    } else if c == "/" {
                        inRegex = false
                        code.append("/")
                        note("/")
                        continue
                    } else if c == "\n" {
                        return "has a line break in a regex literal, which Medic may read differently from awk"
                    }
                    code.append("r")
                    last = "r"
                    continue
                }
                if inString {
                    if escaped {
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "\"" {
                        inString = false
                        code.append("\"")
                        note("\"")
                        continue
                    }
                    code.append("s")
                    last = "s"
                    continue
                }
                if Self.isNameCharacter(c) {
                    if !(Self.isNameCharacter(last) && Self.isNameCharacter(previous)) { nameStart = index }
                    nameEnd = index + 1
                    code.append(c)
                    note(c)
                    continue
                }
                if c == "#" {
                    inComment = true
                    continue
                } else if c == "\\" {
                    // awk allows a backslash outside a string or regex only before a line break.
                    guard index + 1 < chars.count, chars[index + 1] == "\n" else {
                        return "has a '\\' outside a string or regex that does not end its line, which awks may read differently"
                    }
                    // A blank in its place: a name does not go on across it, nor '||' (`|\⏎|` is two pipes).
                    continued = true
                    code.append(" ")
                    note(" ")
                    continue
                } else if c == "\"" {
                    inString = true
                } else if c == "(" {
                    conditions.append(Self.isNameCharacter(previous) && ReadOnlyCommands.awkConditionKeywords.contains(name()))
                } else if c == ")" {
                    closedCondition = conditions.popLast() ?? false
                } else if c == "/" {
                    let name = Self.isNameCharacter(previous) ? name() : ""
                    switch ReadOnlyCommands.awkSlash(after: previous, name: name, before: beforePrevious, closesCondition: closedCondition) {
                    case .regex: inRegex = true
                    case .division: break
                    case .unclear:
                        let after =
                            Self.isNameCharacter(previous)
                            ? name : previous == "+" || previous == "-" ? "\(beforePrevious)\(previous)" : "\(previous)"
                        return "has a '/' after '\(after)' that awks may read as a division or as a regex"
                    }
                }
                code.append(c)
                note(c)
            }
            // A string or regex left open means Medic lost step with awk somewhere: refuse it.
            if inString || inRegex { return "has a string or regex literal that does not end, which Medic may read differently from awk" }
            let system = ReadOnlyCommands.awkSystem
            if code.indices.contains(where: { code[$0] == system[0] && code[$0...].starts(with: system) }) { return "calls system()" }
            if code.contains("@") { return "loads an extension" }
            // A '|' other than '||': a run of '|'s of odd length leaves one over once each '||' is
            // taken out, left to right.
            var pipes = 0
            for c in code + [";"] {
                if c == "|" {
                    pipes += 1
                } else if pipes % 2 == 1 {
                    return "pipes to or from a command ('|')"
                } else {
                    pipes = 0
                }
            }
            var braces = 0
            var parentheses = 0
            for c in code {
                switch c {
                case "{": braces += 1
                case "}": braces -= 1
                case "(": parentheses += 1
                case ")": parentheses -= 1
                case ">" where braces > 0 && parentheses <= 0:
                    return "may redirect output to a file ('>' in an action, outside parentheses; parenthesise a comparison)"
                default: break
                }
            }
            return nil
        }
    }

    fileprivate enum AwkSlash { case regex, division, unclear }

    /// The name of awk's `system()`, as the scalars `awkProgramProblem` reads.
    fileprivate static let awkSystem: [Unicode.Scalar] = Array("system".unicodeScalars)

    /// The keywords whose parenthesised condition a statement may follow.
    fileprivate static let awkConditionKeywords: Set<String> = ["if", "while", "for", "switch"]
    /// The keywords after which a `/` starts a regex.
    private static let awkRegexKeywords: Set<String> = ["print", "printf", "return", "case", "do", "else", "exit", "delete"]
    /// The names after which awks disagree on a `/` (`awkSlash`).
    private static let awkUnclearNames: Set<String> = ["getline", "length", "in"]

    /// How awk reads a `/` after `previous` (the last character that is no blank), which ends
    /// `name` (a name, a keyword or a number; "" when it ends none); `before` is the character
    /// before `previous`; `closesCondition` when `previous` is the `)` of an `if`, `while`, `for`
    /// or `switch` condition.
    /// After an operand (a name, a number, `)`, `]`, a string or a regex) it divides; after a
    /// keyword or an operator it starts a regex. Where awks disagree it is unclear: after
    /// `getline` (gawk, mawk, BWK awk and busybox divide), `length` (mawk starts a regex, the
    /// others divide), `++` and `--` (the same), `$` (most start a regex), a condition's `)`
    /// (gawk, BWK awk and busybox start a regex, mawk divides) and `in`.
    fileprivate static func awkSlash(after previous: Unicode.Scalar, name: String, before: Unicode.Scalar, closesCondition: Bool) -> AwkSlash {
        if !name.isEmpty {
            if awkUnclearNames.contains(name) { return .unclear }
            return awkRegexKeywords.contains(name) ? .regex : .division
        }
        switch previous {
        case ")": return closesCondition ? .unclear : .division
        case "]", "\"", "/", ".": return .division
        case "$": return .unclear
        case "+" where before == "+", "-" where before == "-": return .unclear
        default: return .regex
        }
    }

    static let sedOptions = Options(
        "-n -E -r -s -u -z --quiet --silent --regexp-extended --posix --sandbox", valued: "-e --expression", permute: true)

    static func sedProblem(_ name: String, _ args: [Argument]) -> String? {
        switch parse(name, args, sedOptions) {
        case .failure(let refusal): return refusal.reason
        case .success(let parsed):
            var scripts = parsed.options.filter { $0.name == "-e" || $0.name == "--expression" }.compactMap(\.value)
            var files = parsed.operands
            if scripts.isEmpty {
                guard !files.isEmpty else { return "sed without a script" }
                scripts = [files.removeFirst()]
            }
            // sed reads its scripts as one, a line break between each: an `a\` at the end of one
            // takes the next as its text.
            var texts: [String] = []
            for script in scripts {
                guard let text = script.literal else { return "the sed script is computed at run time" }
                texts.append(text)
            }
            if let problem = sedScriptProblem(texts.joined(separator: "\n")) { return "the sed script \(problem)" }
            return nil
        }
    }

    /// Why a sed script may write or run something: the `w`, `W`, `e` commands, `s///w` or `s///e`.
    ///
    /// The script is read the way GNU sed 4.9 compiles it (compile.c), so no command hides where
    /// Medic would see text: a label (`:x`, `b x`, `t x`, `T x`) and `v`'s argument end at a blank,
    /// `;`, `}`, `#` or a line break, and what follows is another command (`:x e CMD` runs CMD);
    /// the text of `a`, `i` and `c` runs to a line break no backslash escapes; a file name (`r`,
    /// `R`) and a comment run to the end of the line. Older seds and busybox end a label at fewer
    /// of these characters, reading more of the line as the label; a label may hold only
    /// letters, digits, `_`, `.` and `-`, so no sed ends it anywhere else.
    static func sedScriptProblem(_ script: String) -> String? {
        // Unicode scalars, not characters: sed reads bytes, and a line break followed by a
        // combining mark (or "\r\n") is one Swift character but a line break to sed.
        let chars = Array(script.unicodeScalars)
        var i = 0
        func skipDelimited(_ delimiter: Unicode.Scalar) -> Bool {
            while i < chars.count {
                if chars[i] == "\\" {
                    i += 2
                    continue
                }
                if chars[i] == delimiter {
                    i += 1
                    return true
                }
                i += 1
            }
            return false
        }
        func skipBlanks() {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        }
        func isLabelCharacter(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "." || c == "-"
        }
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", ";", "{", "}", "!", ",", "$", "0"..."9", "~", "+": continue
            case "/":
                guard skipDelimited("/") else { return "has an unclosed address" }
                if i < chars.count, chars[i] == "I" || chars[i] == "M" { i += 1 }
            case "\\":
                guard i < chars.count else { return "ends with a backslash" }
                let delimiter = chars[i]
                i += 1
                guard skipDelimited(delimiter) else { return "has an unclosed address" }
            case "s", "y":
                guard i < chars.count, chars[i] != "\n", chars[i] != "\\" else { return "has a '\(c)' command without a delimiter Medic can read" }
                let delimiter = chars[i]
                i += 1
                guard skipDelimited(delimiter), skipDelimited(delimiter) else { return "has an unclosed '\(c)' command" }
                var flags = String.UnicodeScalarView()
                while i < chars.count, !";\n}#".unicodeScalars.contains(chars[i]) {
                    flags.append(chars[i])
                    i += 1
                }
                if c == "s", flags.contains("w") || flags.contains("e") || flags.contains("W") {
                    return "writes a file or runs a command (s///w or s///e)"
                }
            case "p", "P", "d", "D", "n", "N", "g", "G", "h", "H", "x", "l", "=", "q", "Q", "z", "F":
                while i < chars.count, ("0"..."9").contains(chars[i]) || chars[i] == " " { i += 1 }
            case ":", "b", "t", "T", "v":
                skipBlanks()
                var label = String.UnicodeScalarView()
                while i < chars.count, !" \t\n;}#".unicodeScalars.contains(chars[i]) {
                    label.append(chars[i])
                    i += 1
                }
                if let odd = label.first(where: { !isLabelCharacter($0) }) {
                    return "has a label or version '\(String(label))' holding '\(odd.escaped(asASCII: true))', which seds may read differently "
                        + "(use letters, digits, '_', '.' and '-')"
                }
            case "a", "i", "c":
                // The text: after `\` the next character (a line break: the text starts on the next
                // line), then up to a line break no backslash escapes.
                skipBlanks()
                if i < chars.count, chars[i] == "\\" { i += 2 }
                while i < chars.count, chars[i] != "\n" { i += chars[i] == "\\" ? 2 : 1 }
            case "r", "R", "#":
                while i < chars.count, chars[i] != "\n" { i += 1 }
            case "w", "W": return "writes a file ('\(c)')"
            case "e": return "runs a command ('e')"
            default: return "uses '\(c.escaped(asASCII: true))', which Medic does not know to be read-only"
            }
        }
        return nil
    }
}
