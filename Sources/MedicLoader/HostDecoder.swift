import MedicCore

/// Decodes what is about hosts: the top-level `hosts` sets, a step's `where`, `capture_hosts`
/// and `batch`.
struct HostDecoder {
    let reader: NodeReader

    /// `hosts:` at the top: a mapping from set name to a list or one `{input|ansible_group|captured: …}`.
    func hostSets(_ node: YAMLNode) -> [HostSetDefinition] {
        var sets: [HostSetDefinition] = []
        for (name, key, value) in reader.namedEntries(
            node, expected: "'hosts' must be a mapping from a host set's name to its hosts", what: "a host set's name", kind: "host set")
        {
            let location = reader.location(key)
            if case .sequence(let items) = value {
                let hosts = items.compactMap { reader.template($0, "a host") }
                guard hosts.count == items.count else { continue }
                if hosts.isEmpty { reader.error("host set '\(name)' lists no hosts", at: value) }
                for (host, item) in zip(hosts, items) where host.variables.isEmpty {
                    if let problem = HostName.problem(host.raw) { reader.error(problem, at: item) }
                }
                sets.append(HostSetDefinition(name: name, source: .list(hosts), location: location))
                continue
            }
            guard let fields = reader.fields(value, allowed: ["input", "ansible_group", "captured"], in: "host set '\(name)'") else { continue }
            guard fields.entries.count == 1, let entry = fields.entries.first else {
                reader.error(
                    "host set '\(name)' takes exactly one of 'input', 'ansible_group' or 'captured' (or a list of hosts)", at: value)
                continue
            }
            guard let text = reader.string(entry.value, "'\(entry.name)'") else { continue }
            let source: HostSetDefinition.Source
            switch entry.name {
            case "input": source = .input(text)
            case "captured": source = .captured(text)
            default:
                if text.isEmpty || text.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) {
                    reader.error("'\(text)' is not an Ansible group name", at: entry.value)
                }
                source = .ansibleGroup(text)
            }
            sets.append(HostSetDefinition(name: name, source: source, location: location))
        }
        return sets
    }

    /// `where:`: `local`, `{host: TEMPLATE}` or `{hosts: NAME}`.
    func placement(_ node: YAMLNode) -> Placement? {
        if case .scalar = node {
            guard let text = reader.string(node, "'where'") else { return nil }
            if text == "local" { return .local }
            reader.error("'where' is 'local', {host: HOST} or {hosts: SET}, not '\(text)'", at: node)
            return nil
        }
        guard let fields = reader.fields(node, allowed: ["host", "hosts"], in: "'where'") else { return nil }
        guard fields.entries.count == 1, let entry = fields.entries.first else {
            reader.error("'where' takes one of 'host' or 'hosts'", at: node)
            return nil
        }
        if entry.name == "host" {
            guard let template = reader.template(entry.value, "'host'") else { return nil }
            if template.variables.isEmpty, let problem = HostName.problem(template.raw) { reader.error(problem, at: entry.value) }
            return .host(template)
        }
        guard let name = reader.string(entry.value, "'hosts'") else { return nil }
        return .hosts(name, location: reader.location(entry.value))
    }

    /// `capture_hosts:`: a mapping from set name to per-host condition.
    func captures(_ node: YAMLNode, conditions: BranchDecoder) -> [HostCapture] {
        var captures: [HostCapture] = []
        for (name, key, value) in reader.namedEntries(
            node, expected: "'capture_hosts' must be a mapping from a host set's name to a per-host condition", what: "a host set's name",
            kind: "host set")
        {
            guard let condition = conditions.condition(value) else { continue }
            if condition.readsHostSet {
                reader.error("'capture_hosts' takes a per-host condition; '\(name)' is about the whole set", at: value)
            }
            captures.append(HostCapture(name: name, condition: condition, location: reader.location(key)))
        }
        return captures
    }

    /// `batch:`: `{size: N, verify: CHECK}`.
    func batch(_ node: YAMLNode) -> BatchPlan? {
        guard let fields = reader.fields(node, allowed: ["size", "verify"], in: "'batch'") else { return nil }
        var size = 1
        if let sizeNode = fields["size"], let number = reader.int(sizeNode, "'size'") {
            if number < 1 { reader.error("a batch holds at least one host", at: sizeNode) }
            size = max(1, number)
        }
        var verify: StepReference?
        if let node = fields["verify"], let id = reader.string(node, "'verify'") { verify = StepReference(id, at: reader.location(node)) }
        return BatchPlan(size: size, verify: verify, location: reader.location(node))
    }
}
