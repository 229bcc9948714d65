import MedicCore

/// Decodes the YAML tree of one runbook file into a `Runbook`.
struct RunbookDecoder {
    let reader: NodeReader
    let path: String
    /// Where each step's patterns go as soon as it is read, to be compiled meanwhile.
    var pipeline: PatternPipeline? = nil

    static let topKeys = [
        "medic", "id", "title", "summary", "version", "owner", "escalation", "defaults", "inputs", "outputs", "causes", "patterns", "snippets",
        "start", "steps", "hosts",
    ]
    static let inputKeys = ["type", "description", "default", "required", "pattern", "choices", "discover", "refuse_if"]

    func decode(_ root: YAMLNode) -> Runbook? {
        guard let fields = reader.fields(root, allowed: Self.topKeys, in: "the runbook") else { return nil }
        if let version = fields.required("medic"), let number = reader.int(version, "'medic' (the format version)"), number != 1 {
            reader.error("this Medic reads format version 1, not \(number)", at: version)
        }
        let id = fields.required("id").flatMap { reader.string($0, "'id'") } ?? ""
        if let node = fields["id"], !id.isEmpty, !Self.isIdentifier(id) {
            reader.error("runbook id '\(id)' may hold only lower-case letters, digits and '-'", at: node)
        }
        var runbook = Runbook(path: path, id: id, title: fields.required("title").flatMap { reader.string($0, "'title'") } ?? "")
        runbook.summary = fields["summary"].flatMap { reader.string($0, "'summary'") }
        runbook.version = fields["version"].flatMap { reader.string($0, "'version'") }
        runbook.owner = fields["owner"].flatMap { reader.string($0, "'owner'") }
        runbook.escalation = fields["escalation"].flatMap { reader.string($0, "'escalation'") }
        let defaultFields = fields["defaults"].flatMap { reader.fields($0, allowed: ["timeout", "forks"], in: "'defaults'") }
        if let node = defaultFields?["forks"], let forks = reader.int(node, "'forks'") {
            if forks < 1 || forks > 1000 { reader.error("'forks' is how many hosts to work on at once: 1 to 1000", at: node) }
            runbook.forks = min(1000, max(1, forks))
        }
        if let hosts = fields["hosts"] { runbook.hostSets = HostDecoder(reader: reader).hostSets(hosts) }
        if let inner = defaultFields, let timeout = inner["timeout"].flatMap({ reader.duration($0, "the default timeout") }) {
            if timeout > StepDecoder.timeoutCap, let node = inner["timeout"] {
                reader.error(
                    "the default timeout is over the cap of 1h", at: node,
                    hint: "give the few steps that need longer their own 'timeout' with a 'timeout_beyond_cap' reason")
            }
            runbook.defaultTimeout = timeout
        }
        // Named patterns and snippets first: inputs and steps refer to them.
        let reuse = ReuseDecoder(reader: reader)
        if let patterns = fields["patterns"] { reuse.patterns(patterns) }
        let snippets = fields["snippets"].map(reuse.snippets) ?? ReuseDecoder.Snippets()
        if let inputs = fields["inputs"] { runbook.inputs = decodeInputs(inputs, snippets: snippets) }
        if let outputs = fields["outputs"] { runbook.outputs = reuse.outputs(outputs) }
        if let causes = fields["causes"] { runbook.causes = decodeCauses(causes) }
        if let start = fields["start"], let id = reader.string(start, "'start'") {
            runbook.start = StepReference(id, at: reader.location(start))
        }
        if let steps = fields.required("steps") {
            let decoder = StepDecoder(reader: reader, path: path, snippets: snippets)
            guard case .mapping(let mapping) = steps else {
                reader.error("'steps' must be a mapping from step id to step", at: steps)
                return runbook
            }
            var decoded: [Step] = []
            decoded.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard let id = reader.string(key, "a step id") else { continue }
                if !Self.isIdentifier(id) {
                    reader.error("step id '\(id)' may hold only lower-case letters, digits and '-'", at: key)
                }
                if let step = decoder.decode(id: id, key: key, value) {
                    pipeline?.submit(Validator.patterns(of: step))
                    decoded.append(step)
                }
            }
            if decoded.isEmpty, mapping.isEmpty { reader.error("the runbook has no steps", at: steps) }
            runbook.steps = decoded
        }
        return runbook
    }

    /// `causes:`, a mapping from id to title and description; a key given twice is refused by
    /// the YAML reader, so each id is declared once.
    private func decodeCauses(_ node: YAMLNode) -> [Cause] {
        guard case .mapping(let mapping) = node else {
            reader.error("'causes' must be a mapping from cause id to its title and description", at: node)
            return []
        }
        var causes: [Cause] = []
        for (key, value) in mapping {
            guard let id = reader.string(key, "a cause id") else { continue }
            if !Self.isIdentifier(id) { reader.error("cause id '\(id)' may hold only lower-case letters, digits and '-'", at: key) }
            guard let fields = reader.fields(value, allowed: ["title", "description"], in: "cause '\(id)'") else { continue }
            guard let title = fields.required("title").flatMap({ reader.string($0, "a cause's title") }),
                let description = fields.required("description").flatMap({ reader.string($0, "a cause's description") })
            else { continue }
            // A folded `>` block ends in a line break, which is no part of the claim.
            func trimmed(_ text: String) -> String { text.lastIndex { !$0.isWhitespace }.map { String(text[...$0]) } ?? "" }
            causes.append(Cause(id: id, title: trimmed(title), description: trimmed(description), location: reader.location(key)))
        }
        return causes
    }

    private func decodeInputs(_ node: YAMLNode, snippets: ReuseDecoder.Snippets) -> [InputDefinition] {
        var inputs: [InputDefinition] = []
        for (name, key, value) in reader.namedEntries(
            node, expected: "'inputs' must be a mapping from input name to its definition", what: "an input name", kind: "input")
        {
            guard let fields = reader.fields(value, allowed: Self.inputKeys, in: "input '\(name)'") else { continue }
            var type = InputDefinition.ValueType.string
            if let typeNode = fields.required("type"), let text = reader.string(typeNode, "an input's type") {
                if let parsed = InputDefinition.ValueType(rawValue: text) {
                    type = parsed
                } else {
                    let all = InputDefinition.ValueType.allCases.map(\.rawValue)
                    reader.error(
                        "unknown input type '\(text)'", at: typeNode,
                        hint: Spelling.suggestion(for: text, among: all).map { "did you mean '\($0)'?" } ?? "types: \(all.joined(separator: ", "))")
                }
            }
            var input = InputDefinition(name: name, type: type, location: reader.location(key))
            input.description = fields["description"].flatMap { reader.string($0, "an input's description") }
            if let node = fields["default"], case .scalar(let scalar) = node {
                input.defaultValue = scalar.string
                input.defaultLocation = reader.location(node)
            } else if let node = fields["default"] {
                reader.error("the default of '\(name)' must be a single value", at: node)
            }
            input.isRequired = fields["required"].flatMap { reader.bool($0, "'required'") } ?? true
            input.pattern = fields["pattern"].flatMap { reader.regex($0, "a pattern") }
            if let node = fields["choices"] { input.choices = reader.strings(node, "'choices'") ?? [] }
            if type == .choice, input.choices.isEmpty, let node = fields.keyNode("type") {
                reader.error("choice input '\(name)' needs a non-empty 'choices' list", at: node)
            }
            if type != .choice, let node = fields.keyNode("choices") {
                reader.error("'choices' belongs only to inputs of type choice", at: node)
            }
            if type == .secret, let node = fields.keyNode("default") {
                reader.error("a secret input may not have a default: it would sit in the runbook for all to read", at: node)
            }
            let discoveries = DiscoveryDecoder(reader: reader, snippets: snippets)
            if let node = fields["discover"] {
                if type == .secret, let key = fields.keyNode("discover") {
                    reader.error("a secret input may not be discovered: Medic never searches the host for a secret", at: key)
                }
                input.discovery = discoveries.discovery(node, input: name)
            }
            if let node = fields["refuse_if"] {
                if type == .secret, let key = fields.keyNode("refuse_if") {
                    reader.error("a secret input may not have 'refuse_if': its reasons would show the secret", at: key)
                }
                input.refusals = discoveries.refusals(node, input: name)
            }
            inputs.append(input)
        }
        return inputs
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
