/// Which of the root runbook's inputs the path has used, for the report's list of inputs.
extension Walk {
    /// The root runbook's inputs that the steps entered so far read, in declaration order.
    public var inputsUsed: [String] { bundle.root.inputs.map(\.name).filter(usedInputNames.contains) }

    /// The names the current frame's `step` reads when it runs, branches or concludes: its
    /// templates, its conditions' variables, and in a script the inputs it can read from its
    /// environment (`$NAME`, `${NAME}`, and `$NAME_SECONDS` for a duration).
    func namesRead(by step: Step) -> Set<String> {
        var names: Set<String> = []
        for template in step.execution?.templates ?? [] { names.formUnion(template.variables) }
        if let target = step.target { names.formUnion(target.variables) }
        for branch in step.branches {
            names.formUnion(branch.condition?.variables ?? [])
            names.formUnion(branch.because?.variables ?? [])
        }
        if let summary = step.conclusion?.summary { names.formUnion(summary.variables) }
        if case .script(let text, _) = step.execution {
            for input in currentRunbook.inputs where Self.script(text, mentions: input.environmentName) { names.insert(input.name) }
        }
        return names
    }

    /// The root inputs that `names`, read in the frame at `index`, come from: a called runbook's
    /// input comes from its caller's `with` (the names that template reads) or, not given there,
    /// from the caller's variable of the same name.
    func rootInputs(from names: Set<String>, frame index: Int) -> Set<String> {
        let frame = frames[index]
        guard index > 0 else { return names.filter { frame.runbook.input($0) != nil } }
        let caller = frames[index - 1]
        let call = frame.callerStepID.flatMap { caller.runbook.step($0)?.call }
        var upward: Set<String> = []
        for name in names where frame.runbook.input(name) != nil {
            if let given = call?.with.first(where: { $0.name == name }) {
                upward.formUnion(given.value.variables)
            } else {
                upward.insert(name)
            }
        }
        return rootInputs(from: upward, frame: index - 1)
    }

    /// Whether a script's text names the environment variable `name` (`$NAME`, `${NAME…`, its
    /// length `${#NAME}`, an indirection through it `${!NAME}`, or `$NAME_SECONDS`): an
    /// over-approximation, since a mention in a comment counts too.
    static func script(_ text: String, mentions name: String) -> Bool {
        ["$", "${", "${#", "${!"].contains { text.contains($0 + name) }
    }

    /// The environment names a script's text may read, for asking `script(_:mentions:)` of many
    /// names with one pass over the text: every run of letters, digits and `_` right after a `$`,
    /// `${`, `${#` or `${!`.
    static func environmentMentions(in text: String) -> [Substring] {
        var runs: [Substring] = []
        var index = text.startIndex
        while let dollar = text[index...].firstIndex(of: "$") {
            var start = text.index(after: dollar)
            if start < text.endIndex, text[start] == "{" {
                start = text.index(after: start)
                if start < text.endIndex, text[start] == "#" || text[start] == "!" { start = text.index(after: start) }
            }
            let end = text[start...].firstIndex { !Self.isNameCharacter($0) } ?? text.endIndex
            if start < end { runs.append(text[start..<end]) }
            index = start
        }
        return runs
    }

    /// Whether `text`, whose `environmentMentions` are `mentions`, mentions `name`: the answer of
    /// `script(_:mentions:)`, read from the mentions when `name` is made of name characters.
    static func script(_ text: String, mentioning mentions: [Substring], _ name: String) -> Bool {
        guard name.allSatisfy(isNameCharacter) else { return script(text, mentions: name) }
        return mentions.contains { $0.hasPrefix(name) }
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_")
    }
}
