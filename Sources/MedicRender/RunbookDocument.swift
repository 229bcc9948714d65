import MedicCore

/// `medic show`: a runbook as a document to review or learn from.
public struct RunbookDocument: Sendable {
    let runbook: Runbook

    /// Creates the document of `runbook`.
    public init(_ runbook: Runbook) { self.runbook = runbook }

    /// The document as plain text, wrapped for a terminal.
    public func render() -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        line("\(runbook.title)")
        line(String(repeating: "=", count: min(runbook.title.count, 78)))
        var facts = ["id \(runbook.id)"]
        if let version = runbook.version { facts.append("version \(version)") }
        if let owner = runbook.owner { facts.append("owner \(owner)") }
        line(facts.joined(separator: " · "))
        if let escalation = runbook.escalation { line("escalate to: \(escalation)") }
        if let summary = runbook.summary { line(); line(wrap(summary, indent: "")) }
        line()
        line("INPUTS")
        if runbook.inputs.isEmpty { line("  (none)") }
        for input in runbook.inputs {
            var head = "  \(input.name)  \(input.type.rawValue)"
            if !input.isRequired { head += ", optional" }
            if let value = input.defaultValue { head += ", default \(value)" }
            line(head)
            if let description = input.description { line(wrap(description, indent: "      ")) }
            if !input.choices.isEmpty { line("      choices: \(input.choices.joined(separator: ", "))") }
            if let pattern = input.pattern { line("      pattern: \(pattern.source)") }
            let derived = input.derivedNames.map { "$" + $0.uppercased() }
            if !derived.isEmpty { line(wrap("scripts also read: \(derived.joined(separator: " "))", indent: "      ")) }
            line("      found: \(Self.howFound(input, among: runbook.inputs))")
            if let discovery = input.discovery {
                if let transport = discovery.placement.transport { line("      on: \(discovery.placement.summary), over \(transport)") }
                switch discovery.execution {
                case .command(let argv): line("      runs: \(argv.map(\.raw).joined(separator: " "))")
                case .script(let text, _):
                    line("      runs:")
                    for scriptLine in text.split(separator: "\n") { line("        \(scriptLine)") }
                default: break
                }
                for capture in discovery.captures { line("      capture: \(capture.source)") }
            }
            for rule in input.refusals { line("      refused if \(Self.describe(rule.test)): \(rule.because.raw)") }
        }
        if !runbook.outputs.isEmpty {
            line()
            line("OUTPUTS (handed back to a calling runbook)")
            for output in runbook.outputs {
                line("  \(output.name)  \(output.type.rawValue)")
                if let description = output.description { line(wrap(description, indent: "      ")) }
            }
        }
        line()
        line("CAUSES (what its conclusions may name)")
        if runbook.causes.isEmpty { line("  (none)") }
        for cause in runbook.causes {
            line("  \(cause.id): \(cause.title)")
            line(wrap(cause.description, indent: "      "))
        }
        if !runbook.hostSets.isEmpty {
            line()
            line("HOST SETS (steps run there over ssh, \(runbook.forks ?? 5) hosts at a time)")
            for set in runbook.hostSets {
                let source: String
                switch set.source {
                case .list(let hosts): source = hosts.map(\.raw).joined(separator: ", ")
                case .input(let name): source = "the hosts of input \(name)"
                case .ansibleGroup(let group): source = "Ansible group \(group) (ansible-inventory --list)"
                case .captured(let name): source = "every match of the capture \(name)"
                }
                line("  \(set.name): \(source)")
            }
        }
        line()
        line("STEPS")
        for (number, step) in runbook.steps.enumerated() {
            line()
            line("\(number + 1). \(step.kind.label)  \(step.id) — \(step.title)")
            line(wrap(step.why, indent: "    "))
            if let vouch = step.vouch {
                line("    UNVERIFIED: read-only on the author's word, not proven by Medic; confirmed by the operator")
                line("    at its first run under each version of the runbook. The author's reason:")
                line(wrap(vouch.reason, indent: "      "))
            }
            if let execution = step.execution {
                let operands = step.configurationOperands(of: execution)
                if !operands.isEmpty {
                    let names = operands.map { "\($0.option) \(Self.word($0.segments))" }.joined(separator: ", ")
                    line(
                        wrap(
                            "configuration checked at run time: \(names); it runs without confirmation only when root or Medic's user "
                                + "owns that file and every folder above it, and no other user can write them", indent: "    "))
                }
            }
            if let reason = step.writableFileSystem {
                line("    runs on the writable file system, outside Medic's read-only mount namespace, because:")
                line(wrap(reason, indent: "      "))
            }
            if let transport = step.placement.transport { line("    where: \(step.placement.summary) (over \(transport))") }
            for capture in step.hostCaptures { line("    captures hosts: \(capture.name) = the hosts where \(capture.condition)") }
            if let batch = step.batch {
                line("    in batches of \(batch.size), each confirmed on its own" + (batch.verify.map { "; check \($0.id) between batches" } ?? ""))
            }
            if let execution = step.execution {
                let lines = execution.summary.split(separator: "\n", omittingEmptySubsequences: false)
                line("    runs (\(execution.keyword), \(Self.timeout(of: step, in: runbook))):")
                for text in lines { line("      \(text)") }
            }
            if case .http(let spec) = step.execution, case .json = spec.body { line("      with a JSON body") }
            for capture in step.captures { line("    captures: \(capture.groupNames.joined(separator: ", ")) from /\(capture.source)/") }
            for capture in step.logCaptures {
                line(
                    "    captures: \(capture.pattern.groupNames.joined(separator: ", ")) from /\(capture.pattern.source)/ in the lines of "
                        + "\(capture.classes.joined(separator: ", ")) (the newest \(capture.keep) distinct values, one a line)")
            }
            for count in step.counts { line("    counts: \(count.name) = lines matching /\(count.pattern.source)/") }
            if let variants = step.variants {
                line("    runs, by \(variants.input) (\(Self.timeout(of: step, in: runbook))):")
                for variant in variants.cases {
                    line("      \(variant.value): \(variant.execution?.keyword ?? "nothing")")
                    for text in (variant.execution?.summary ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                        line("        \(text)")
                    }
                    for capture in variant.captures {
                        line("        captures: \(capture.groupNames.joined(separator: ", ")) from /\(capture.source)/")
                    }
                    for count in variant.counts { line("        counts: \(count.name) = lines matching /\(count.pattern.source)/") }
                }
            }
            if step.kind == .action {
                let how = step.confirmation == .typeTarget ? "by typing the target \(step.target?.raw ?? "")" : "by typing yes"
                line("    confirmed \(how); if declined → \(step.skip?.id ?? "the run stops (aborted)")")
            }
            if let call = step.call {
                line(
                    "    hands over to \(call.path)"
                        + (call.with.isEmpty ? "" : " with " + call.with.map { "\($0.name)=\($0.value.raw)" }.joined(separator: ", ")))
                if !call.outputs.isEmpty {
                    line("    hands back: " + call.outputs.map { "\($0.name) (\($0.type.rawValue))" }.joined(separator: ", "))
                }
            }
            for option in step.options { line("    [\(option.answer)] \(option.label) → \(option.next.id)") }
            for branch in step.branches {
                let condition = branch.condition.map { "if \($0)" } ?? "otherwise"
                line("    → \(condition): \(branch.next.id)" + (branch.because.map { "  (\($0.raw))" } ?? ""))
            }
            if let conclusion = step.conclusion {
                let title = runbook.cause(conclusion.cause).map { " (\($0.title))" } ?? ""
                line("    outcome \(conclusion.outcome.rawValue), cause \(conclusion.cause)\(title)")
                if let summary = conclusion.summary { line(wrap(summary.raw, indent: "    ")) }
            }
        }
        return out
    }

    /// `text` wrapped at 78 columns, every line indented.
    func wrap(_ text: String, indent: String, width: Int = 78) -> String {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = indent
            for word in paragraph.split(separator: " ") {
                if current.count + word.count + 1 > width, current.count > indent.count {
                    lines.append(current)
                    current = indent
                }
                current += (current.count > indent.count ? " " : "") + word
            }
            lines.append(current)
        }
        while lines.last?.trimmingPrefix(" ").isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

extension RunbookDocument {
    /// `timeout 30s`, and for a timeout past the cap, the runbook's reason beside it.
    /// A configuration operand's word as the check writes it: `$NGINX_CONF`, `${supervisor_conf}`.
    static func word(_ segments: [Template.Segment]) -> String {
        segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .variable(let name): "${\(name)}"
            }
        }.joined()
    }

    static func timeout(of step: Step, in runbook: Runbook) -> String {
        let timeout = runbook.timeout(of: step)
        guard let reason = step.timeoutBeyondCap else { return "timeout \(timeout)" }
        return TimeoutBeyondCap(timeout: "\(timeout)", reason: reason).sentence
    }

    /// How `input` gets its value when it is not given: discovered (and from what), its
    /// default, or asked.
    static func howFound(_ input: InputDefinition, among inputs: [InputDefinition]) -> String {
        var fallback: String
        if input.isSecret {
            fallback = "asked when the first step that reads it is reached"
        } else if let value = input.defaultValue {
            fallback = "the default \(value)"
        } else {
            fallback = input.isRequired ? "asked before step 1" : "empty"
        }
        guard let discovery = input.discovery else { return "given, else \(fallback)" }
        var text = "given, else discovered from \(discovery.origin)"
        if let host = discovery.placement.hostTemplate { text += " on \(host.raw)" }
        let after = DiscoveryOrder.dependencies(of: input, among: inputs)
        if !after.isEmpty { text += " (after \(after.joined(separator: ", ")))" }
        text += discovery.many ? ", every candidate joined by '\(discovery.separator)'" : ", the first candidate"
        return text + "; else \(fallback)"
    }

    static func describe(_ test: RefusalRule.Test) -> String {
        switch test {
        case .equals(let t): "it equals \(t.raw)"
        case .contains(let t): "it contains \(t.raw)"
        case .among(let t): "it is among \(t.raw)"
        case .notAmong(let t): "it is not among \(t.raw)"
        case .addressAmong(let t): "its host and port reach a listen address of \(t.raw)"
        case .matches(let p): "it matches \(p.source)"
        }
    }
}
