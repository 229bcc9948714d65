import MedicCore

/// Reading what a runbook writes once and uses by name: `patterns:` (regexes), `snippets:`
/// (shell text a script `uses`) and `outputs:` (values handed back to a caller).
///
/// Names are resolved while the file is read, so the model holds plain regexes and scripts:
/// validation, the walk, `show`, scenarios and transcripts see exactly what runs.
struct ReuseDecoder {
    let reader: NodeReader

    /// A named shell snippet as written: its own text, where that is written, and the snippets
    /// it uses.
    struct Snippet {
        var text: String
        var location: SourceLocation?
        /// The indentation of its text when written as a literal block scalar, else 0.
        var indent = 0
        /// How to find its characters when quoting, escapes or folding changed them.
        var written: ScriptLocation.Written?
        var uses: [(name: String, node: YAMLNode)]
        /// Why its text needs the real file system (`writable_fs: {reason: …}`), for every check
        /// and discovery that uses it: the need belongs to the text, written once with it.
        var writableFileSystem: String?
    }

    /// The snippets of one file, in file order.
    struct Snippets {
        var byName: [String: Snippet] = [:]
        var names: [String] = []
    }

    /// Reads `patterns:` into the reader's table.
    func patterns(_ node: YAMLNode) {
        guard case .mapping(let mapping) = node else {
            reader.error("'patterns' must be a mapping from name to regex", at: node)
            return
        }
        for (key, value) in mapping {
            guard let name = reader.string(key, "a pattern name") else { continue }
            if !RunbookDecoder.isIdentifier(name) {
                reader.error("pattern name '\(name)' may hold only lower-case letters, digits and '-'", at: key)
            }
            guard case .scalar = value else {
                reader.error("the pattern '\(name)' must be a regex written out; a pattern cannot name another", at: value)
                continue
            }
            if let pattern = reader.regex(value, "the pattern '\(name)'") { reader.patterns[name] = pattern }
        }
    }

    /// Reads `snippets:` and reports names used but not defined and snippets that use themselves.
    func snippets(_ node: YAMLNode) -> Snippets {
        var table = Snippets()
        guard case .mapping(let mapping) = node else {
            reader.error("'snippets' must be a mapping from name to shell text", at: node)
            return table
        }
        for (key, value) in mapping {
            guard let name = reader.string(key, "a snippet name") else { continue }
            if !RunbookDecoder.isIdentifier(name) {
                reader.error("snippet name '\(name)' may hold only lower-case letters, digits and '-'", at: key)
            }
            var snippet = Snippet(text: "", location: nil, uses: [])
            if case .scalar = value {
                snippet.text = reader.string(value, "the snippet '\(name)'") ?? ""
                snippet.location = reader.location(value)
                let place = reader.scriptLocation(value)
                (snippet.indent, snippet.written) = (place.indent, place.written)
            } else if let fields = reader.fields(value, allowed: ["uses", "script", "writable_fs"], in: "snippet '\(name)'") {
                let script = fields.required("script")
                snippet.text = script.flatMap { reader.string($0, "the script of snippet '\(name)'") } ?? ""
                snippet.location = script.map { reader.location($0) }
                let place = script.map { reader.scriptLocation($0) }
                (snippet.indent, snippet.written) = (place?.indent ?? 0, place?.written)
                snippet.uses = fields["uses"].map(uses) ?? []
                if let node = fields["writable_fs"] {
                    snippet.writableFileSystem = reader.authorsReason(
                        node, key: "writable_fs", of: "snippet '\(name)'", mustSay: "what its text writes outside the scratch folder")
                }
            }
            table.byName[name] = snippet
            table.names.append(name)
        }
        for name in table.names {
            for use in table.byName[name]?.uses ?? [] { _ = known(use, in: table) }
        }
        // A snippet that leads back to itself would have to come before itself.
        var done: Set<String> = []
        func visit(_ name: String, _ path: [String]) {
            guard !done.contains(name), let snippet = table.byName[name] else { return }
            for use in snippet.uses {
                if let start = path.firstIndex(of: use.name) {
                    let cycle = (path[start...] + [use.name]).joined(separator: " → ")
                    reader.error(
                        "snippet '\(name)' uses '\(use.name)', which leads back to it (\(cycle)); snippets may not use themselves", at: use.node)
                } else {
                    visit(use.name, path + [use.name])
                }
            }
            done.insert(name)
        }
        for name in table.names { visit(name, [name]) }
        return table
    }

    /// A list of snippet names (or one name).
    func uses(_ node: YAMLNode) -> [(name: String, node: YAMLNode)] {
        let items: [YAMLNode]
        switch node {
        case .sequence(let list): items = Array(list)
        case .scalar: items = [node]
        case .mapping:
            reader.error("'uses' must be a snippet name or a list of them", at: node)
            return []
        }
        return items.compactMap { item in reader.string(item, "a snippet name").map { ($0, item) } }
    }

    /// The shell text `uses` stands for: every snippet it needs, each once, the ones used by
    /// others first, in the order written; where each of those is written; and the first of
    /// their `writable_fs` reasons, which a check or discovery using them takes unless it gives
    /// its own.
    func text(of uses: [(name: String, node: YAMLNode)], in table: Snippets) -> (
        text: String, pieces: [ScriptLocation.Piece], writableFileSystem: String?
    ) {
        var order: [String] = []
        var visiting: Set<String> = []
        func visit(_ name: String) {
            guard !order.contains(name), visiting.insert(name).inserted, let snippet = table.byName[name] else { return }
            for use in snippet.uses { visit(use.name) }
            order.append(name)
        }
        for use in uses where known(use, in: table) { visit(use.name) }
        var text = ""
        var pieces: [ScriptLocation.Piece] = []
        var writable: String?
        for snippet in order.compactMap({ table.byName[$0] }) {
            writable = writable ?? snippet.writableFileSystem
            let own = snippet.text.hasSuffix("\n") ? snippet.text : snippet.text + "\n"
            text += own
            if let location = snippet.location {
                pieces.append(
                    ScriptLocation.Piece(
                        location: location, lines: own.utf8.count { $0 == UInt8(ascii: "\n") },
                        isBlock: snippet.text.hasSuffix("\n") || snippet.indent > 0,
                        indent: snippet.indent, written: snippet.written))
            }
        }
        return (text, pieces, writable)
    }

    /// Whether `use` names a snippet; reports it where it is written when not.
    @discardableResult
    func known(_ use: (name: String, node: YAMLNode), in table: Snippets) -> Bool {
        guard table.byName[use.name] == nil else { return true }
        let hint = Spelling.suggestion(for: use.name, among: table.names).map { "did you mean '\($0)'?" }
        reader.error("no snippet is named '\(use.name)'", at: use.node, hint: hint ?? (table.names.isEmpty ? "define it under 'snippets'" : nil))
        return false
    }

    /// Reads `outputs:`.
    func outputs(_ node: YAMLNode) -> [OutputDefinition] {
        var outputs: [OutputDefinition] = []
        for (name, key, value) in reader.namedEntries(
            node, expected: "'outputs' must be a mapping from name to its definition", what: "an output name", kind: "output")
        {
            guard let fields = reader.fields(value, allowed: ["type", "description"], in: "output '\(name)'") else { continue }
            var output = OutputDefinition(name: name, location: reader.location(key))
            if let node = fields["type"], let text = reader.string(node, "an output's type") {
                if let type = OutputDefinition.ValueType(rawValue: text) {
                    output.type = type
                } else {
                    reader.error("unknown output type '\(text)'", at: node, hint: "types: string, int")
                }
            }
            output.description = fields["description"].flatMap { reader.string($0, "an output's description") }
            outputs.append(output)
        }
        return outputs
    }
}

extension NodeReader {
    /// `{pattern: NAME}`: the file's pattern of that name, reported where it is named when there is none.
    func namedPattern(_ node: YAMLNode, _ what: String) -> RegexPattern? {
        guard let fields = fields(node, allowed: ["pattern"], in: what), let nameNode = fields.required("pattern"),
            let name = string(nameNode, "a pattern name")
        else { return nil }
        guard let pattern = patterns[name] else {
            let hint = Spelling.suggestion(for: name, among: Array(patterns.keys)).map { "did you mean '\($0)'?" }
            error("\(what) names the pattern '\(name)', which 'patterns' does not define", at: nameNode, hint: hint)
            return nil
        }
        return pattern
    }
}
