/// xargs makes what it reads on its standard input the arguments of the program it runs: a
/// secret fed to it reaches that program's argv (`SecretArgv`).
extension SecretArgv {
    /// The programs that, between a program and what it runs, take options and then the command
    /// (`timeout 5 xargs prog`, `sudo -n xargs prog`): the options that take a value as the next word.
    static let wrappers: [String: Set<String>] = [
        "env": ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"], "nice": ["-n", "--adjustment"], "nohup": [],
        "timeout": ["-s", "--signal", "-k", "--kill-after"], "sudo": ["-u", "-g", "--user", "--group", "-C", "-D", "-h", "-p", "-r", "-t"],
        "doas": ["-u", "-C"], "stdbuf": ["-i", "-o", "-e"], "setsid": [], "ionice": ["-c", "-n", "-p", "-P", "-u"],
    ]

    /// The index of the word that runs xargs: the command's name, or the command a wrapper
    /// (`timeout 5 xargs`) runs.
    static func xargs(in words: ArraySlice<ShellWord>) -> Int? {
        var index = words.startIndex
        while index < words.endIndex, let word = words[index].literal {
            let name = String(word.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            if name == "xargs" { return index }
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
}
