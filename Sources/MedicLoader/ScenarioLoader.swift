import MedicCore

/// Loads scenario files (recorded incidents) with located diagnostics.
public struct ScenarioLoader: Sendable {
    /// Creates a loader.
    public init() {}

    /// The scenario folder of a runbook: `runbooks/x.yaml` → `runbooks/x.scenarios`.
    public static func folder(for runbookPath: String) -> String {
        let stem =
            runbookPath.hasSuffix(".yaml")
            ? String(runbookPath.dropLast(5)) : runbookPath.hasSuffix(".yml") ? String(runbookPath.dropLast(4)) : runbookPath
        return stem + ".scenarios"
    }

    /// The scenario files of a runbook, sorted; empty when it has none.
    public static func files(for runbookPath: String) -> [String] {
        YAMLFiles.paths(in: folder(for: runbookPath)) ?? []
    }

    /// Loads one scenario file. With `ansibleGroups` (the groups the runbook's host sets name),
    /// an `inventory` group the runbook never names is an error; with `runbook`, the runbook it
    /// records an incident of, an expected cause that runbook does not declare is one too.
    public func load(_ path: String, ansibleGroups: Set<String>? = nil, of runbook: Runbook? = nil) -> (
        scenario: Scenario?, diagnostics: [Diagnostic]
    ) {
        let reader = NodeReader(file: path)
        let bytes: [UInt8]
        switch SourceFile.bytes(path) {
        case .failure(let diagnostic): return (nil, [diagnostic])
        case .success(let contents): bytes = contents
        }
        guard let root = YAMLText.compose(bytes: bytes, reader: reader) else { return (nil, reader.diagnostics) }
        let keys = ["medic-scenario", "name", "description", "captured", "inputs", "inventory", "results", "answers", "expect"]
        guard let fields = reader.fields(root, allowed: keys, in: "the scenario") else { return (nil, reader.diagnostics) }
        if let node = fields.required("medic-scenario"), let version = reader.int(node, "'medic-scenario'"), version != 1 {
            reader.error("this Medic reads scenario format 1, not \(version)", at: node)
        }
        let fileName = Paths.deletingExtension(Paths.lastComponent(of: path))
        var scenario = Scenario(name: fields["name"].flatMap { reader.string($0, "'name'") } ?? fileName, path: path)
        scenario.description = fields["description"].flatMap { reader.string($0, "'description'") }
        scenario.inputs = stringMap(fields["inputs"], reader, "'inputs'")
        if let node = fields["captured"] { scenario.captured = provenance(node, reader) }
        scenario.answers = stringMap(fields["answers"], reader, "'answers'")
        if let node = fields["inventory"] { scenario.inventory = inventory(node, reader, known: ansibleGroups) }
        if let node = fields["results"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard let id = reader.string(key, "a step id") else { continue }
                    if case .sequence(let items) = value {
                        scenario.results[id] = items.compactMap { result($0, reader) }
                    } else if let single = result(value, reader) {
                        scenario.results[id] = [single]
                    }
                }
            } else {
                reader.error("'results' must be a mapping from step id to result", at: node)
            }
        }
        if let node = fields.required("expect"), let expect = reader.fields(node, allowed: ["outcome", "cause", "path", "actions"], in: "'expect'") {
            if let node = expect["outcome"], let text = reader.string(node, "'outcome'") {
                scenario.expectedOutcome = Outcome(rawValue: text)
                if scenario.expectedOutcome == nil {
                    reader.error("unknown outcome '\(text)'", at: node, hint: "one of resolved, escalate, no-fault")
                }
            }
            if let node = expect["cause"], let text = reader.string(node, "'cause'") {
                scenario.expectedCause = text
                if let runbook, runbook.cause(text) == nil {
                    let declared = runbook.causes.map(\.id)
                    reader.error(
                        "expected cause '\(text)' is not one runbook '\(runbook.id)' declares", at: node,
                        hint: Spelling.suggestion(for: text, among: declared).map { "did you mean '\($0)'?" }
                            ?? "declared: \(declared.joined(separator: ", "))")
                }
            }
            scenario.expectedPath = expect["path"].flatMap { reader.strings($0, "'path'") }
            // `actions: []` says the walk must reach no action at all.
            scenario.expectedActions = expect["actions"].flatMap { reader.strings($0, "'actions'") }
        }
        return (reader.diagnostics.hasErrors ? nil : scenario, reader.diagnostics)
    }

    private func stringMap(_ node: YAMLNode?, _ reader: NodeReader, _ what: String) -> [String: String] {
        guard let node else { return [:] }
        guard case .mapping(let mapping) = node else {
            reader.error("\(what) must be a mapping", at: node)
            return [:]
        }
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = reader.string(key, "a name") else { continue }
            guard case .scalar(let scalar) = value else {
                reader.error("the value of '\(name)' must be a single value", at: value)
                continue
            }
            values[name] = scalar.string
        }
        return values
    }

    /// The `inventory` mapping: each Ansible group's hosts, each a host name ssh could be given.
    private func inventory(_ node: YAMLNode, _ reader: NodeReader, known: Set<String>?) -> [String: [String]]? {
        guard case .mapping(let mapping) = node else {
            reader.error("'inventory' must be a mapping from an Ansible group to its hosts", at: node, hint: "inventory: {web: [web1, web2]}")
            return nil
        }
        var groups: [String: [String]] = [:]
        for (key, value) in mapping {
            guard let group = reader.string(key, "an Ansible group") else { continue }
            if let known, !known.contains(group) {
                let hint =
                    Spelling.suggestion(for: group, among: known).map { "did you mean '\($0)'?" }
                    ?? (known.isEmpty ? "the runbook reads no Ansible group" : "its groups: \(known.sorted().joined(separator: ", "))")
                reader.error("the inventory gives group '\(group)', which no host set of the runbook names", at: key, hint: hint)
            }
            guard case .sequence(let items) = value else {
                reader.error("the hosts of group '\(group)' must be a list", at: value, hint: "\(group): [web1, web2] ([] for none)")
                continue
            }
            var hosts: [String] = []
            for item in items {
                guard let host = reader.string(item, "a host of group '\(group)'") else { continue }
                if let problem = HostName.problem(host) {
                    reader.error(problem, at: item)
                } else if hosts.contains(host) {
                    reader.error("host '\(host)' is listed twice in group '\(group)'", at: item)
                } else {
                    hosts.append(host)
                }
            }
            groups[group] = hosts
        }
        return groups
    }

    /// The `captured` mapping of a scenario written by `medic scenario capture`.
    private func provenance(_ node: YAMLNode, _ reader: NodeReader) -> ScenarioProvenance? {
        let keys = ["session", "started", "at", "medic", "run_medic", "runbook", "sha256"]
        guard let fields = reader.fields(node, allowed: keys, in: "'captured'") else { return nil }
        func text(_ key: String) -> String? { fields.required(key).flatMap { reader.string($0, "'\(key)'") } }
        guard let session = text("session"), let started = text("started"), let at = text("at"), let medic = text("medic"),
            let runMedic = text("run_medic"), let runbook = text("runbook"), let sha256 = text("sha256")
        else { return nil }
        return ScenarioProvenance(
            session: session, started: started, at: at, medic: medic, runMedic: runMedic, runbook: runbook, sha256: sha256)
    }

    private func result(_ node: YAMLNode, _ reader: NodeReader) -> StepResult? {
        let keys = ["exit", "output", "timed_out", "status", "headers", "body", "duration_ms", "failure", "unreachable", "hosts"]
        guard let fields = reader.fields(node, allowed: keys, in: "a recorded result") else { return nil }
        var result = StepResult()
        if let node = fields["hosts"] {
            // A host-set step: one recorded result per host, and nothing else.
            if let other = fields.entries.first(where: { $0.name != "hosts" }) {
                reader.error("a result with 'hosts' holds only the hosts' results; '\(other.name)' goes inside a host", at: other.key)
            }
            guard case .mapping(let mapping) = node else {
                reader.error("'hosts' must be a mapping from host to its result", at: node)
                return nil
            }
            var hosts: [HostResult] = []
            for (key, value) in mapping {
                guard let host = reader.string(key, "a host") else { continue }
                if let problem = HostName.problem(host) { reader.error(problem, at: key) }
                if case .mapping(let inner) = value, inner["hosts"] != nil {
                    reader.error("a host's result cannot have hosts of its own", at: value)
                    continue
                }
                if let hostResult = self.result(value, reader) { hosts.append(HostResult(host: host, result: hostResult)) }
            }
            return StepResult(hosts: hosts)
        }
        if let node = fields["unreachable"], reader.bool(node, "'unreachable'") == true {
            result.unreachable = true
            result.exitStatus = 255
        }
        if let node = fields["exit"] { result.exitStatus = reader.int(node, "'exit'") }
        if let node = fields["status"] { result.httpStatus = reader.int(node, "'status'") }
        // A step that could not run at all has no status: it is not a success by default.
        if let node = fields["failure"] { result.failureReason = reader.string(node, "'failure'") }
        if result.exitStatus == nil, result.httpStatus == nil, result.failureReason == nil { result.exitStatus = 0 }
        if let node = fields["output"] ?? fields["body"], case .scalar(let scalar) = node { result.output = scalar.string }
        if fields.has("output"), fields.has("body"), let node = fields.keyNode("body") { reader.error("give 'output' or 'body', not both", at: node) }
        if let node = fields["timed_out"] { result.timedOut = reader.bool(node, "'timed_out'") ?? false }
        if let node = fields["duration_ms"] { result.durationMilliseconds = reader.int(node, "'duration_ms'") ?? 0 }
        if let node = fields["headers"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard case .scalar(let k) = key, case .scalar(let v) = value else { continue }
                    result.headers.append(HTTPHeader(name: k.string, value: v.string))
                }
            } else {
                reader.error("'headers' must be a mapping", at: node)
            }
        }
        return result
    }
}
