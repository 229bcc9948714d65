import MedicCore

/// Decodes one step, enforcing which keys belong to which kind.
struct StepDecoder {
    let reader: NodeReader
    let path: String
    var snippets = ReuseDecoder.Snippets()

    static let common = ["kind", "title", "why", "timeout", "timeout_beyond_cap", "where"]

    /// The longest timeout a step may have without saying why in `timeout_beyond_cap`, and the
    /// longest `defaults.timeout`: a step that runs longer than this is rare enough to be argued.
    static let timeoutCap = TimeSpan(milliseconds: 60 * 60 * 1000)
    static let ways = ["command", "script", "http", "tcp", "log"]
    static let running = ways + ["capture", "count", "branches", "uses", "by", "variants", "capture_hosts"]
    static let variantKeys = ways + ["capture", "count", "uses"]
    static let keysByKind: [Step.Kind: [String]] = [
        .check: common + running + ["read_only", "writable_fs"],
        .action: common + running + ["confirm", "target", "skip", "batch"],
        .question: common + ["options", "set"],
        .conclusion: common + ["outcome", "cause", "summary"],
        .runbook: common + ["runbook", "with", "branches"],
    ]

    func decode(id: String, key: YAMLNode, _ node: YAMLNode) -> Step? {
        let context = "step '\(id)'"
        // The kind decides which keys are allowed, so read it before anything else.
        var kind: Step.Kind?
        if case .mapping(let mapping) = node, let kindNode = mapping["kind"] {
            if let text = reader.string(kindNode, "a step's kind") {
                kind = Step.Kind(rawValue: text)
                if kind == nil {
                    let all = Step.Kind.allCases.map(\.rawValue)
                    reader.error(
                        "unknown step kind '\(text)' in \(context)", at: kindNode,
                        hint: Spelling.suggestion(for: text, among: all).map { "did you mean '\($0)'?" } ?? "kinds: \(all.joined(separator: ", "))")
                }
            }
        }
        let allowed = kind.flatMap { Self.keysByKind[$0] } ?? Array(Set(Self.keysByKind.values.joined()))
        guard let fields = reader.fields(node, allowed: allowed, in: context) else { return nil }
        if fields["kind"] == nil {
            reader.error("\(context) needs 'kind'", at: key, hint: "one of check, action, question, conclusion, runbook")
        }
        guard let kind else { return nil }
        var step = Step(id: id, kind: kind, location: reader.location(key))
        step.title = fields.required("title").flatMap { reader.string($0, "a step's title") } ?? ""
        step.why = fields.required("why").flatMap { reader.string($0, "a step's 'why'") } ?? ""
        step.timeout = fields["timeout"].flatMap { reader.duration($0, "the timeout") }
        step.timeoutBeyondCap = checkTimeoutCap(step.timeout, fields, context: context)
        if let node = fields["where"] {
            if kind != .check && kind != .action {
                reader.error("only checks and actions run somewhere; 'where' does not belong in \(context)", at: fields.keyNode("where") ?? node)
            } else if let placement = HostDecoder(reader: reader).placement(node) {
                step.placement = placement
            }
        }
        switch kind {
        case .check, .action: decodeRunning(&step, fields, context: context)
        case .question: decodeQuestion(&step, fields, context: context)
        case .conclusion: decodeConclusion(&step, fields)
        case .runbook: decodeCall(&step, fields, context: context)
        }
        return step
    }

    private func decodeRunning(_ step: inout Step, _ fields: Fields, context: String) {
        if let node = fields["variants"] {
            if let own = Self.ways.first(where: fields.has), let key = fields.keyNode(own) {
                reader.error("\(context) has both '\(own)' and 'variants'; with variants, each variant says what runs", at: key)
            }
            (step.variants, step.writableFileSystem) = variants(node, by: fields.required("by"), context: context)
        } else {
            if let node = fields.keyNode("by") { reader.error("'by' picks one of the step's 'variants', and \(context) has none", at: node) }
            step.execution = execution(fields, context: context)
        }
        step.captures = fields["capture"].map(captures) ?? []
        step.counts = fields["count"].map(counts) ?? []
        if let node = fields["uses"] { applySnippets(ReuseDecoder(reader: reader).uses(node), to: &step, at: node, context: context) }
        // A check that only runs as a rolling action's `batch.verify` decides nothing by itself:
        // it may go without branches (the validator refuses that anywhere else).
        let branches = step.kind == .check ? fields["branches"] : fields.required("branches")
        step.branches = BranchDecoder(reader: reader).branches(branches, context: context)
        if let node = fields["read_only"] {
            step.vouch = reader.authorsReason(node, key: "read_only", of: context, mustSay: "why the check cannot change anything").map {
                ReadOnlyVouch(reason: $0, location: reader.location(node))
            }
        }
        if let node = fields["writable_fs"] {
            step.writableFileSystem = reader.authorsReason(
                node, key: "writable_fs", of: context, mustSay: "what the check writes outside its scratch folder")
        } else if step.kind != .check {
            // Only a check runs in the read-only mount namespace; an action's snippet needs nothing.
            step.writableFileSystem = nil
        }
        decodeHosts(&step, fields, context: context)
        guard step.kind == .action else { return }
        if let node = fields["confirm"], let text = reader.string(node, "'confirm'") {
            if let confirmation = Step.Confirmation(rawValue: text) {
                step.confirmation = confirmation
            } else {
                reader.error("'confirm' is 'yes' or 'type-target', not '\(text)'", at: node)
            }
        }
        step.target = fields["target"].flatMap { reader.template($0, "'target'") }
        if let node = fields["skip"], let id = reader.string(node, "'skip'") {
            step.skip = StepReference(id, at: reader.location(node))
        }
    }

    /// `capture_hosts` and `batch`, and what a step on another host cannot do.
    private func decodeHosts(_ step: inout Step, _ fields: Fields, context: String) {
        let hosts = HostDecoder(reader: reader)
        if let node = fields["capture_hosts"] {
            if step.placement.isHostSet {
                step.hostCaptures = hosts.captures(node, conditions: BranchDecoder(reader: reader))
            } else if let key = fields.keyNode("capture_hosts") {
                reader.error("'capture_hosts' belongs to a step that runs on a host set ('where: {hosts: …}'), and \(context) does not", at: key)
            }
        }
        if let node = fields["batch"] {
            if step.placement.isHostSet {
                step.batch = hosts.batch(node)
            } else if let key = fields.keyNode("batch") {
                reader.error("'batch' belongs to an action that runs on a host set ('where: {hosts: …}'), and \(context) does not", at: key)
            }
        }
        let executions = [step.execution].compactMap { $0 } + (step.variants?.cases.compactMap(\.execution) ?? [])
        if !step.placement.isRemote, let probe = executions.first(where: \.isFromTarget) {
            let node = fields.keyNode(probe.keyword) ?? fields.keyNode("variants")
            if let node {
                reader.error(
                    "the \(probe.keyword) probe of \(context) says 'from: target', and the step runs on this machine", at: node,
                    hint:
                        "say where the target is ('where: {host: …}' or '{hosts: …}'), or drop 'from: target' to \(probe.keyword == "tcp" ? "connect" : "ask") from here"
                )
            }
        }
        guard step.placement.isRemote, let whereKey = fields.keyNode("where") else { return }
        for execution in executions {
            switch execution {
            case .command, .script: continue
            case .tcp(let spec) where spec.fromTarget: continue
            case .http(let spec) where spec.fromTarget: continue
            case .tcp:
                reader.error(
                    "the tcp probe connects from here unless it says 'from: target', and \(context) runs on another host", at: whereKey,
                    hint: "add 'from: target' to connect from that host over ssh, or drop 'where' to connect from here")
            case .http:
                reader.error(
                    "the http probe asks from here unless it says 'from: target', and \(context) runs on another host", at: whereKey,
                    hint: "add 'from: target' to send the request from that host (its curl, over ssh), or drop 'where' to ask from here")
            case .log:
                reader.error(
                    "the log probe runs on this machine only, and \(context) runs on another host", at: whereKey,
                    hint: "on the host, use a script; to read a file here, write a local step with the file")
            }
        }
        if step.placement.isHostSet {
            for key in ["capture", "count"] {
                if let node = fields.keyNode(key) {
                    reader.error(
                        "'\(key)' reads one output, and \(context) has one per host", at: node,
                        hint: "name the hosts where a condition holds with 'capture_hosts', or run the step on one host")
                }
            }
            for variant in step.variants?.cases ?? [] where !variant.captures.isEmpty || !variant.counts.isEmpty {
                reader.error("'capture' and 'count' read one output, and \(context) has one per host", at: variant.location)
            }
        }
    }

    /// Exactly one of `command`, `script`, `http` or `tcp`.
    private func execution(_ fields: Fields, context: String) -> Execution? {
        let ways = Self.ways.filter(fields.has)
        if ways.isEmpty {
            reader.error("\(context) needs one of 'command', 'script', 'http', 'tcp' or 'log'", at: fields.node)
        } else if ways.count > 1, let second = fields.keyNode(ways[1]) {
            reader.error("\(context) has both '\(ways[0])' and '\(ways[1])'; a step runs exactly one thing", at: second)
        }
        if let node = fields["command"] {
            if case .sequence(let items) = node, !items.isEmpty {
                let argv = items.compactMap { reader.template($0, "a command element") }
                if argv.count == items.count { return .command(argv) }
            } else if case .scalar = node {
                reader.error(
                    "'command' must be a list of arguments, not one string", at: node,
                    hint: "write [\"docker\", \"ps\"], or use 'script' when you need a shell")
            } else {
                reader.error("'command' must be a non-empty list of arguments", at: node)
            }
        } else if let node = fields["script"], let text = reader.string(node, "'script'") {
            return .script(text, location: reader.scriptLocation(node))
        } else if let node = fields["http"] {
            return ProbeDecoder(reader: reader).http(node).map(Execution.http)
        } else if let node = fields["tcp"] {
            return ProbeDecoder(reader: reader).tcp(node).map(Execution.tcp)
        } else if let node = fields["log"] {
            return ProbeDecoder(reader: reader).log(node).map(Execution.log)
        }
        return nil
    }

    private func captures(_ node: YAMLNode) -> [RegexPattern] {
        var captures: [RegexPattern] = []
        if case .sequence(let items) = node {
            captures = items.compactMap { reader.regex($0, "a capture") }
        } else {
            // One regex written out, or one `{pattern: NAME}`.
            captures = reader.regex(node, "a capture").map { [$0] } ?? []
        }
        // Whether each names a group is the validator's to say: it compiles every pattern.
        return captures
    }

    private func counts(_ node: YAMLNode) -> [NamedPattern] {
        guard case .mapping(let mapping) = node else {
            reader.error("'count' must be a mapping from variable name to regex", at: node)
            return []
        }
        var counts: [NamedPattern] = []
        for (key, value) in mapping {
            guard let name = reader.string(key, "a count name"), let pattern = reader.regex(value, "a count regex") else { continue }
            if !Template.isVariableName(name) { reader.error("count name '\(name)' is not a valid variable name", at: key) }
            counts.append(NamedPattern(name: name, pattern: pattern))
        }
        return counts
    }

    /// `variants:` keyed by the values of the input named in `by:`, and the first `writable_fs`
    /// reason of a snippet a variant uses (the step's, since the mount namespace is the step's).
    private func variants(_ node: YAMLNode, by byNode: YAMLNode?, context: String) -> (StepVariants?, writableFileSystem: String?) {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            reader.error("'variants' must be a mapping from a value of the 'by' input to what runs for it", at: node)
            return (nil, nil)
        }
        guard let byNode, let input = reader.string(byNode, "'by'") else { return (nil, nil) }
        var cases: [StepVariant] = []
        var writable: String?
        for (key, value) in mapping {
            guard let choice = reader.string(key, "a variant's value"),
                let fields = reader.fields(value, allowed: Self.variantKeys, in: "the variant '\(choice)' of \(context)")
            else { continue }
            let variantContext = "the variant '\(choice)' of \(context)"
            var variant = StepVariant(
                value: choice, execution: execution(fields, context: variantContext), captures: fields["capture"].map(captures) ?? [],
                counts: fields["count"].map(counts) ?? [], location: reader.location(key))
            if let node = fields["uses"] {
                let prefix = ReuseDecoder(reader: reader).text(of: ReuseDecoder(reader: reader).uses(node), in: snippets)
                writable = writable ?? prefix.writableFileSystem
                if case .script(let text, let location) = variant.execution {
                    variant.execution = .script(prefix.text + text, location: location.after(prefix.pieces))
                } else {
                    reader.error("'uses' puts shell snippets before a script, and \(variantContext) runs no script", at: node)
                }
            }
            cases.append(variant)
        }
        return (StepVariants(input: input, inputLocation: reader.location(byNode), cases: cases, location: reader.location(node)), writable)
    }

    /// Puts the shell text of the snippets in `uses` before every script of `step`.
    private func applySnippets(_ uses: [(name: String, node: YAMLNode)], to step: inout Step, at node: YAMLNode, context: String) {
        let prefix = ReuseDecoder(reader: reader).text(of: uses, in: snippets)
        step.writableFileSystem = step.writableFileSystem ?? prefix.writableFileSystem
        func prefixed(_ execution: Execution?) -> (Execution?, Bool) {
            guard case .script(let text, let location) = execution else { return (execution, false) }
            return (.script(prefix.text + text, location: location.after(prefix.pieces)), true)
        }
        var anyScript = false
        var changed: Bool
        (step.execution, changed) = prefixed(step.execution)
        anyScript = anyScript || changed
        if var variants = step.variants {
            for index in variants.cases.indices {
                (variants.cases[index].execution, changed) = prefixed(variants.cases[index].execution)
                anyScript = anyScript || changed
            }
            step.variants = variants
        }
        if !anyScript {
            reader.error("'uses' puts shell snippets before a script, and \(context) runs no script", at: node)
        }
    }

    private func decodeQuestion(_ step: inout Step, _ fields: Fields, context: String) {
        if let node = fields["set"], let name = reader.string(node, "'set'") {
            if !Template.isVariableName(name) { reader.error("'\(name)' is not a valid variable name", at: node) }
            step.setsVariable = name
        }
        guard let node = fields.required("options") else { return }
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.error("'options' must be a non-empty list", at: node)
            return
        }
        var answers: Set<String> = []
        for item in items {
            guard let option = reader.fields(item, allowed: ["answer", "label", "next"], in: "an option of \(context)") else { continue }
            guard let answerNode = option.required("answer"), let answer = reader.string(answerNode, "an answer"),
                let nextNode = option.required("next"), let next = reader.string(nextNode, "'next'")
            else { continue }
            if !answers.insert(answer).inserted { reader.error("the answer '\(answer)' is offered twice", at: answerNode) }
            if Int(answer) != nil { reader.error("an answer may not be a number; numbers pick options by position", at: answerNode) }
            let label = option["label"].flatMap { reader.string($0, "a label") } ?? answer
            step.options.append(
                QuestionOption(
                    answer: answer, label: label, next: StepReference(next, at: reader.location(nextNode)), location: reader.location(item)))
        }
    }

    private func decodeConclusion(_ step: inout Step, _ fields: Fields) {
        var outcome = Outcome.escalate
        if let node = fields.required("outcome"), let text = reader.string(node, "'outcome'") {
            if let parsed = Outcome(rawValue: text) {
                outcome = parsed
            } else {
                reader.error("unknown outcome '\(text)'", at: node, hint: "one of resolved, escalate, no-fault")
            }
        }
        // Which causes exist is the runbook's `causes:`; the validator holds the id to them.
        var cause = ""
        var causeLocation: SourceLocation?
        if let node = fields.required("cause"), let text = reader.string(node, "'cause'") {
            cause = text
            causeLocation = reader.location(node)
        }
        step.conclusion = Conclusion(
            outcome: outcome, cause: cause, summary: fields["summary"].flatMap { reader.template($0, "'summary'") }, causeLocation: causeLocation)
    }

    private func decodeCall(_ step: inout Step, _ fields: Fields, context: String) {
        guard let node = fields.required("runbook"), let target = reader.string(node, "'runbook'") else { return }
        let folder = Paths.parent(of: path)
        let resolved = target.hasPrefix("/") ? target : (folder.isEmpty ? target : folder + "/" + target)
        var with: [(name: String, value: Template)] = []
        if let node = fields["with"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard let name = reader.string(key, "an input name"), let template = reader.template(value, "an input value") else { continue }
                    with.append((name, template))
                }
            } else {
                reader.error("'with' must be a mapping from input name to value", at: node)
            }
        }
        step.call = RunbookCall(path: target, resolvedPath: Paths.standardized(resolved), with: with, location: reader.location(node))
        step.branches = BranchDecoder(reader: reader).branches(fields.required("branches"), context: context)
    }

    /// A timeout over `timeoutCap` needs a reason in `timeout_beyond_cap`; a reason needs a
    /// timeout over the cap. Returns the reason when it is given rightly.
    private func checkTimeoutCap(_ timeout: TimeSpan?, _ fields: Fields, context: String) -> String? {
        let reasonNode = fields["timeout_beyond_cap"]
        let reason = reasonNode.flatMap { reader.string($0, "'timeout_beyond_cap'") }
        let overCap = (timeout?.milliseconds ?? 0) > Self.timeoutCap.milliseconds
        if overCap, let node = fields["timeout"], reasonNode == nil {
            reader.error(
                "\(context) has a timeout over the cap of 1h", at: node,
                hint: "say why it must run longer with 'timeout_beyond_cap: \"reason\"' beside it, or shorten it")
        } else if let reasonNode, !overCap {
            reader.error("'timeout_beyond_cap' in \(context) needs a timeout over the cap of 1h beside it", at: reasonNode)
        } else if let reason, let reasonNode, reason.allSatisfy(\.isWhitespace) {
            reader.error("'timeout_beyond_cap' in \(context) must say why the step needs so long", at: reasonNode)
        } else if overCap {
            return reason
        }
        return nil
    }
}
