import MedicCore

/// Reads a composed YAML tree into model values, collecting located diagnostics as it goes.
///
/// Every accessor reports what is wrong at the node's own line and column and returns nil, so one
/// pass finds as many problems as possible instead of stopping at the first.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// The file's named patterns (`patterns:`), read before anything refers to them.
    var patterns: [String: RegexPattern] = [:]

    init(file: String) { self.file = file }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.mark.line, column: node.mark.column)
    }

    /// Where a script written as `node` is, its lines' indentation included when it is a literal
    /// block scalar, and how to find its characters when quoting, escapes or folding changed
    /// them, so that a problem inside it is pointed at its line and column.
    func scriptLocation(_ node: YAMLNode) -> ScriptLocation {
        if case .scalar(let scalar) = node { return ScriptLocation(location(node), indent: scalar.blockIndent, written: scalar.written) }
        return ScriptLocation(location(node))
    }

    func error(_ message: String, at node: YAMLNode, hint: String? = nil) {
        diagnostics.append(.error(message, at: location(node), hint: hint))
    }

    func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location, hint: hint))
    }

    /// The mapping's entries by key, after reporting keys that are not in `allowed`.
    func fields(_ node: YAMLNode, allowed: [String], in context: String) -> Fields? {
        guard case .mapping(let mapping) = node else {
            error("\(context) must be a mapping of keys to values, not \(describe(node))", at: node)
            return nil
        }
        var fields = Fields(reader: self, node: node, context: context)
        fields.entries.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error("keys in \(context) must be plain words", at: key)
                continue
            }
            let name = scalar.string
            guard allowed.contains(name) else {
                let hint = Spelling.suggestion(for: name, among: allowed).map { "did you mean '\($0)'?" }
                error("unknown key '\(name)' in \(context)", at: key, hint: hint ?? "allowed here: \(allowed.joined(separator: ", "))")
                continue
            }
            fields.entries.append((name, key, value))
        }
        return fields
    }

    /// `KEY: {reason: "…"}` (`read_only`, `writable_fs`) on `owner` (a step, a discovery, a
    /// snippet): the author's word, trimmed, which must say `why`; nil after a located error when
    /// it is no mapping, has other keys, or gives no reason or a blank one.
    func authorsReason(_ node: YAMLNode, key: String, of owner: String, mustSay why: String) -> String? {
        let hint = "write '\(key): {reason: \"\(why)\"}'"
        guard case .mapping = node else {
            error("'\(key)' of \(owner) must be a mapping with the author's 'reason'", at: node, hint: hint)
            return nil
        }
        guard let fields = fields(node, allowed: ["reason"], in: "'\(key)' of \(owner)"),
            let reasonNode = fields.required("reason"), let reason = string(reasonNode, "'reason'")
        else { return nil }
        if reason.allSatisfy(\.isWhitespace) {
            error("'\(key)' of \(owner) must say \(why)", at: reasonNode, hint: hint)
            return nil
        }
        return reason.trimmingSpaces()
    }

    /// The entries of a mapping from names (of inputs, outputs, host sets) to what they define:
    /// an error at `node` when it is no mapping (`expected` says what it must map), at a name
    /// that is not text (`what`: `an input name`), and at one that is no valid variable name
    /// (`KIND name 'x' may hold…`); an entry whose name is not text is left out.
    func namedEntries(_ node: YAMLNode, expected: String, what: String, kind: String) -> [(name: String, key: YAMLNode, value: YAMLNode)] {
        guard case .mapping(let mapping) = node else {
            error(expected, at: node)
            return []
        }
        var entries: [(name: String, key: YAMLNode, value: YAMLNode)] = []
        for (key, value) in mapping {
            guard let name = string(key, what) else { continue }
            if !Template.isVariableName(name) {
                error("\(kind) name '\(name)' may hold only letters, digits and '_', and not start with a digit", at: key)
            }
            entries.append((name, key, value))
        }
        return entries
    }

    func string(_ node: YAMLNode, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("\(what) must be text, not \(describe(node))", at: node)
            return nil
        }
        // A scalar's text is made each time it is asked for; ask once.
        let text = scalar.string
        // Plain null as YAML 1.2's core schema writes it; quoted "null" is text.
        if scalar.style == .plain, text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" {
            error("\(what) is empty", at: node)
            return nil
        }
        return text
    }

    func int(_ node: YAMLNode, _ what: String) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            error("\(what) must be a whole number", at: node)
            return nil
        }
        return value
    }

    func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        error("\(what) must be true or false", at: node)
        return nil
    }

    /// A list of numbers, or a single number standing for a list of one.
    func ints(_ node: YAMLNode, _ what: String) -> [Int]? {
        if case .sequence(let items) = node {
            if items.isEmpty {
                error("\(what) is an empty list, so it could never hold", at: node)
                return nil
            }
            let values = items.compactMap { int($0, what) }
            return values.count == items.count ? values : nil
        }
        return int(node, what).map { [$0] }
    }

    func strings(_ node: YAMLNode, _ what: String) -> [String]? {
        guard case .sequence(let items) = node else {
            error("\(what) must be a list", at: node)
            return nil
        }
        let values = items.compactMap { string($0, what) }
        return values.count == items.count ? values : nil
    }

    func template(_ node: YAMLNode, _ what: String) -> Template? {
        guard let text = string(node, what) else { return nil }
        let template = Template(text, at: location(node))
        if template.hasUnclosedPlaceholder {
            warning("\(what) has a '${' that is never closed", at: template.location, hint: "write '$${' for a literal '${'")
        }
        return template
    }

    func duration(_ node: YAMLNode, _ what: String) -> TimeSpan? {
        guard let text = string(node, what) else { return nil }
        guard let span = TimeSpan(parsing: text), span.milliseconds > 0 else {
            error("\(what) '\(text)' is not a duration", at: node, hint: "write a number and a unit: 500ms, 30s, 15m, 1h")
            return nil
        }
        return span
    }

    /// A regex written out, or `{pattern: NAME}` naming one of the file's `patterns`.
    func regex(_ node: YAMLNode, _ what: String) -> RegexPattern? {
        if case .mapping = node { return namedPattern(node, what) }
        return string(node, what).map { RegexPattern($0, at: location(node)) }
    }

    func describe(_ node: YAMLNode) -> String {
        switch node {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// The checked entries of one YAML mapping.
struct Fields {
    let reader: NodeReader
    let node: YAMLNode
    let context: String
    var entries: [(name: String, key: YAMLNode, value: YAMLNode)] = []

    subscript(name: String) -> YAMLNode? { entries.first { $0.name == name }?.value }

    func keyNode(_ name: String) -> YAMLNode? { entries.first { $0.name == name }?.key }

    func has(_ name: String) -> Bool { entries.contains { $0.name == name } }

    /// The value of a key that must be present, reporting its absence at the mapping.
    func required(_ name: String) -> YAMLNode? {
        if let value = self[name] { return value }
        reader.error("\(context) needs '\(name)'", at: node)
        return nil
    }
}
