/// Which of the root runbook's inputs the path has used, for the report's list of inputs.
extension Walk {
    /// The root runbook's inputs that the steps entered so far read, in declaration order.
    public var inputsUsed: [String] { bundle.root.inputs.map(\.name).filter(usedInputNames.contains) }

    /// The names the current frame's `step` reads when it runs, branches or concludes: its
    /// templates, its conditions' variables, and in a script the inputs it can read from its
    /// environment (`$NAME`, `${NAME}`, and the derived `$NAME_SECONDS` of a duration or `$NAME_HOST` of a URL).
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
            let mentions = Self.environmentMentions(in: text)
            for input in currentRunbook.inputs where Self.script(text, mentioning: mentions, input.environmentName) { names.insert(input.name) }
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
    /// length `${#NAME}`, an indirection through it `${!NAME}`, or a derived `$NAME_SECONDS` or `$NAME_HOST`): an
    /// over-approximation, since a mention in a comment counts too. Searched as bytes, as the
    /// shell reads them: `$NAME` followed by a combining mark still expands NAME.
    static func script(_ text: String, mentions name: String) -> Bool {
        let bytes = Array(text.utf8)
        return ["$", "${", "${#", "${!"].contains { bytes.firstRange(ofBytes: Array(($0 + name).utf8)) != nil }
    }

    /// The environment names a script's text may read, for asking `script(_:mentions:)` of many
    /// names with one pass over the text: every run of ASCII letters, digits and `_` right after a
    /// `$`, `${`, `${#` or `${!`, read as bytes.
    static func environmentMentions(in text: String) -> [Substring] {
        var runs: [Substring] = []
        let utf8 = text.utf8
        var index = utf8.startIndex
        while let dollar = utf8[index...].firstIndex(of: UInt8(ascii: "$")) {
            var start = utf8.index(after: dollar)
            if start < utf8.endIndex, utf8[start] == UInt8(ascii: "{") {
                start = utf8.index(after: start)
                if start < utf8.endIndex, utf8[start] == UInt8(ascii: "#") || utf8[start] == UInt8(ascii: "!") { start = utf8.index(after: start) }
            }
            let end = utf8[start...].firstIndex { !Self.isNameByte($0) } ?? utf8.endIndex
            // Both ends are next to ASCII bytes, so on scalar boundaries.
            if start < end { runs.append(text[start..<end]) }
            index = start
        }
        return runs
    }

    /// Whether `text`, whose `environmentMentions` are `mentions`, mentions `name`: the answer of
    /// `script(_:mentions:)`, read from the mentions when `name` is made of name characters.
    static func script(_ text: String, mentioning mentions: [Substring], _ name: String) -> Bool {
        guard name.utf8.allSatisfy(isNameByte) else { return script(text, mentions: name) }
        return mentions.contains { $0.utf8.starts(with: name.utf8) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
