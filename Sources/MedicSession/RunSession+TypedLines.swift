import MedicCore

/// What of a line the operator typed may be kept in the screen recording and the history.
extension RunSession {
    /// Reads a line at `prompt`, then has the console record it as `kept` allows: the console
    /// never records a typed line itself, since only the session knows what in it is secret.
    /// Every prompt of a run reads through here.
    ///
    /// A decision (`fresh`) and the command prompt (`discardingTypeahead`) read only what is
    /// typed once they are on screen: keys pressed while a step ran are discarded, so they can
    /// never become an answer, an approval, a `skip` or a `goto`; the operator is told when
    /// something was.
    func readTyped(prompt: String, completions: [String], fresh: Bool, discardingTypeahead: Bool = false) -> ConsoleReply {
        if fresh || discardingTypeahead { console.discardTypedAhead() }
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

extension Console {
    /// Discards what was typed before a prompt appeared, and says so when something was: the
    /// terminal echoed those keys, and the operator should not wonder why they did nothing.
    func discardTypedAhead() {
        guard discardTypeahead() else { return }
        show("  (what was typed before this prompt was discarded: only what is typed at it counts)", .dim)
    }
}
