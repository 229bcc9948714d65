/// Programs that turn what they read on their standard input into the arguments, or the code,
/// of what they run: a secret fed to one reaches another program's argv (`SecretArgv`). xargs
/// and GNU parallel make each line they read arguments of a program; a shell given no script
/// runs what it reads as commands, so the secret's words become a program and its arguments.
extension SecretArgv {
    /// How a program that reads a secret on its standard input hands it on.
    public enum Runner: Sendable, Equatable {
        /// As arguments of the program it runs (xargs, parallel), named by the runner's own name.
        case arguments(String)
        /// As shell code (`sh`, `bash`, … given no script), named by the shell's name.
        case code(String)

        /// The runner's name as written (`xargs`, `parallel`, `sh`).
        public var name: String {
            switch self {
            case .arguments(let name), .code(let name): name
            }
        }
    }

    /// The programs that, between a program and what it runs, take options and then the command
    /// (`timeout 5 xargs prog`, `sudo -n xargs prog`): the options that take a value as the next word.
    static let wrappers: [String: Set<String>] = [
        "env": ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"], "nice": ["-n", "--adjustment"], "nohup": [],
        "timeout": ["-s", "--signal", "-k", "--kill-after"], "sudo": ["-u", "-g", "--user", "--group", "-C", "-D", "-h", "-p", "-r", "-t"],
        "doas": ["-u", "-C"], "stdbuf": ["-i", "-o", "-e"], "setsid": [], "ionice": ["-c", "-n", "-p", "-P", "-u"],
    ]

    /// The shells that run the commands they read on their standard input when given no script.
    static let shells: Set<String> = ["sh", "dash", "bash", "ksh", "mksh", "zsh", "ash", "yash", "posh"]

    /// The index of the word that runs a program that may hand its input on (xargs, parallel or
    /// a shell), and that program's name: the command's name, or the command a wrapper
    /// (`timeout 5 xargs`) runs.
    static func inputRunner(in words: ArraySlice<ShellWord>) -> (index: Int, name: String)? {
        var index = words.startIndex
        while index < words.endIndex, let word = words[index].literal {
            let name = String(word.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            if name == "xargs" || name == "parallel" || shells.contains(name) { return (index, name) }
            guard let valued = SecretArgv.wrappers[name] else { return nil }
            index += 1
            // The wrapper's options and assignments, then for timeout its duration.
            while index < words.endIndex, let option = words[index].literal, option.hasPrefix("-") || option.contains("=") {
                index += valued.contains(option) ? 2 : 1
                if option == "--" { break }
            }
            if name == "timeout" { index += 1 }
        }
        return nil
    }

    /// What the program `name` (from `inputRunner(in:)`) does with its standard input given
    /// `operands` (its options first), with the program it hands the input to as arguments, as
    /// written; nil when it does not hand its input on (it reads its arguments from a file, or
    /// it is a shell given a script).
    static func runner(_ name: String, operands: [ShellWord]) -> (runner: Runner, program: String)? {
        switch name {
        case "xargs": xargsProgram(operands).map { (.arguments(name), $0) }
        case "parallel": parallelProgram(operands).map { (.arguments(name), $0) }
        default: shellReadsCode(operands) ? (.code(name), name) : nil
        }
    }

    /// The program xargs runs with `operands` (its options first), as written; `echo` when
    /// none is named; nil when xargs reads its arguments from a file (`-a`), not its input.
    static func xargsProgram(_ operands: [ShellWord]) -> String? {
        // GNU xargs's options that take a value, attached or as the next word (-e, -i and -l
        // take one only attached).
        let valued: Set<Unicode.Scalar> = ["a", "d", "E", "I", "L", "n", "P", "s"]
        let valuedLong = ["--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"]
        var index = 0
        while index < operands.count {
            let word = operands[index].literal ?? operands[index].source
            if word == "--" {
                index += 1
                break
            }
            guard word.hasPrefix("-"), word != "-" else { break }
            index += 1
            if word.hasPrefix("--") {
                let option = String(word.prefix { $0 != "=" })
                if "--arg-file".hasPrefix(option), option.count > 2 { return nil }
                if valuedLong.contains(where: { $0.hasPrefix(option) }), !word.contains("=") { index += 1 }
                continue
            }
            for (offset, letter) in word.unicodeScalars.dropFirst().enumerated() where valued.contains(letter) {
                if letter == "a" { return nil }
                // The value is the rest of the word, or the next word.
                if offset == word.unicodeScalars.count - 2 { index += 1 }
                break
            }
        }
        guard index < operands.count else { return "echo" }
        return operands[index].literal ?? operands[index].source
    }

    /// The program GNU parallel runs with `operands` (its options first), as written; `parallel`
    /// itself when none is named (each line it reads is then run as a command); nil when its
    /// arguments come from the command line or a file (`:::`, `::::`, `-a`) or its input goes
    /// to the jobs' standard input (`--pipe`, `--pipe-part`).
    static func parallelProgram(_ operands: [ShellWord]) -> String? {
        let words = operands.map { $0.literal ?? $0.source }
        if words.contains(where: { $0.hasPrefix(":::") }) { return nil }
        // The options of GNU parallel that take a value as the next word (when not attached).
        let valued: Set<String> = [
            "-j", "-P", "-n", "-N", "-L", "-l", "-s", "-S", "-I", "-d", "-E", "-C", "-X", "--jobs", "--max-procs", "--max-args",
            "--max-replace-args", "--max-lines", "--max-chars", "--sshlogin", "--colsep", "--delimiter", "--eof", "--timeout",
            "--joblog", "--results", "--res", "--tmpdir", "--workdir", "--wd", "--tagstring", "--tag-string", "--halt",
            "--halt-on-error", "--retries", "--delay", "--memfree", "--load", "--nice", "--block", "--block-size", "--recstart",
            "--recend", "--sshloginfile", "--slf", "--basefile", "--bf", "--return", "--transferfile", "--tf", "--env",
            "--header", "--shebang-wrap", "--termseq", "--progress-file", "--limit", "--ssh", "--sshdelay", "--rpl",
        ]
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                index += 1
                break
            }
            guard word.hasPrefix("-"), word != "-" else { break }
            index += 1
            let option = String(word.prefix { $0 != "=" })
            if ["-a", "--arg-file", "--pipe", "--pipepart", "--pipe-part", "--spreadstdin"].contains(option) || word.hasPrefix("-a") {
                return nil
            }
            if valued.contains(option), !word.contains("=") { index += 1 }
        }
        guard index < operands.count else { return "parallel" }
        return words[index]
    }

    /// Whether a shell given `operands` (its options first) reads the commands it runs from its
    /// standard input: no `-c` (whose operand is the code), and no script file named, or `-s`.
    static func shellReadsCode(_ operands: [ShellWord]) -> Bool {
        var index = 0
        var readsStandardInput = false
        while index < operands.count {
            guard let word = operands[index].literal else { return readsStandardInput }
            if word == "--" || word == "-" {
                index += 1
                break
            }
            guard word.hasPrefix("-") || word.hasPrefix("+") else { break }
            index += 1
            if word.hasPrefix("--") {
                // bash's long options; those that take the next word as their value.
                if ["--rcfile", "--init-file"].contains(word) { index += 1 }
                continue
            }
            let letters = word.unicodeScalars.dropFirst()
            if letters.contains("c") { return false }
            if letters.contains("s") { readsStandardInput = true }
            // -o NAME and +o NAME set an option named by the next word.
            if letters.contains("o") { index += 1 }
        }
        return readsStandardInput || index >= operands.count
    }
}
