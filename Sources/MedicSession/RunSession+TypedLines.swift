import MedicCore

/// What of a line the operator typed may be kept in the screen recording and the history.
extension RunSession {
    /// Reads a line at `prompt`, then has the console record it as `kept` allows: the console
    /// never records a typed line itself, since only the session knows what in it is secret.
    /// Every prompt of a run reads through here.
    func readTyped(prompt: String, completions: [String], fresh: Bool) -> ConsoleReply {
        let reply = console.readLine(prompt: prompt, completions: completions, fresh: fresh)
        if case .line(let text) = reply { console.recordTyped(kept(text).text, after: prompt) }
        return reply
    }

    /// `line` as it may be kept anywhere (screen recording, history, a hint put on screen),
    /// and whether its value was withheld; the one place that decides it.
    ///
    /// A line that reads as `set NAME=VALUE` (or nearly: `SET`, `sett`, a tab for the space)
    /// keeps its value only when NAME is exactly a variable known not to be secret: a
    /// non-secret input of the current runbook, or a captured value. Otherwise the value is
    /// withheld (`set TOK=••••`): a secret's name mistyped, or a `set` the prompt refuses, must
    /// not put the value it carried in clear into a file. Known secrets are masked in any line.
    func kept(_ line: String) -> (text: String, withheld: Bool) {
        let masked = walk.masking.apply(line)
        let trimmed = line.trimmingSpaces()
        let word = trimmed.prefix { !$0.isWhitespace }
        guard Spelling.editDistance(word.lowercased(), "set") <= 1, let equals = line.firstIndex(of: "=") else { return (masked, false) }
        if case .set(let name, .some) = OperatorCommand(parsing: line) {
            let input = walk.currentRunbook.input(name)
            let known = input.map { !$0.isSecret } ?? (walk.variables[name] != nil)
            if known { return (masked, false) }
        }
        return (walk.masking.apply(String(line[...equals])) + Masking.mask, true)
    }
}
