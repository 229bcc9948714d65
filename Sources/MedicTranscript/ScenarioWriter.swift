import MedicCore

/// Writes a captured scenario as a scenario file (docs/scenario-format.md).
///
/// Every text is written so that the scenario loader reads back exactly the same string: a
/// plain scalar only when it cannot be taken for anything else, a literal block (`|`, with the
/// indentation and chomping indicators it needs) for readable multi-line output, and a
/// double-quoted string with escapes for everything else (control characters, a carriage
/// return, a line ending in spaces).
public enum ScenarioWriter {
    /// The text of the scenario file.
    public static func yaml(_ scenario: CapturedScenario) -> String {
        var lines: [String] = []
        let captured = scenario.provenance
        lines.append("# Captured by `medic scenario capture` from a real run; re-capture it rather than edit it by hand.")
        lines.append("medic-scenario: 1")
        lines.append("name: \(scalar(scenario.name))")
        lines.append("description: \(scalar("Captured from the run in \(captured.session), started \(captured.started)."))")
        lines.append("captured:")
        lines.append("  session: \(scalar(captured.session))")
        lines.append("  started: \(scalar(captured.started))")
        lines.append("  at: \(scalar(captured.at))")
        lines.append("  medic: \(scalar(captured.medic))")
        lines.append("  run_medic: \(scalar(captured.runMedic))")
        lines.append("  runbook: \(scalar(captured.runbook))")
        lines.append("  sha256: \(scalar(captured.sha256))")
        if !scenario.inputs.isEmpty {
            lines.append("inputs:")
            for input in scenario.inputs {
                if input.secret {
                    lines.append("  # \(input.name) is a secret: its value was never recorded. Give it here at test time if the path needs it.")
                } else {
                    lines.append("  \(scalar(input.name)): \(scalar(input.value))")
                }
            }
        }
        if !scenario.resultOrder.isEmpty {
            lines.append("results:")
            for stepID in scenario.resultOrder {
                let results = scenario.results[stepID] ?? []
                if results.count == 1, let only = results.first {
                    lines.append("  \(scalar(stepID)):")
                    lines += result(only, indent: "    ")
                } else {
                    lines.append("  \(scalar(stepID)):")
                    for item in results {
                        var body = result(item, indent: "      ")
                        body[0] = "    - " + body[0].dropFirst(6)
                        lines += body
                    }
                }
            }
        }
        if !scenario.answers.isEmpty {
            lines.append("answers:")
            for (stepID, answer) in scenario.answers { lines.append("  \(scalar(stepID)): \(quoted(answer))") }
        }
        lines.append("expect:")
        lines.append("  outcome: \(scenario.outcome.rawValue)")
        lines.append("  cause: \(scalar(scenario.cause))")
        if let title = scenario.causeTitle {
            lines.append("  # the cause: \(title.split(whereSeparator: \.isNewline).joined(separator: " ")) (as the runbook declared it in the run)")
        }
        if let conclusion = scenario.conclusion {
            lines.append("  # the conclusion: \(conclusion.split(whereSeparator: \.isNewline).joined(separator: " ")) (the last step of the path)")
        }
        lines.append("  path: [\(scenario.path.map(scalar).joined(separator: ", "))]")
        lines.append("  actions: [\(scenario.actions.map(scalar).joined(separator: ", "))]")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines of one recorded result, each indented by `indent`.
    private static func result(_ result: StepResult, indent: String) -> [String] {
        var lines: [String] = []
        if let hosts = result.hosts {
            // A host-set step: each host's result under its name.
            lines.append(indent + (hosts.isEmpty ? "hosts: {}" : "hosts:"))
            for host in hosts {
                lines.append(indent + "  \(scalar(host.host)):")
                lines += Self.result(host.result, indent: indent + "    ")
            }
            return lines
        }
        if result.unreachable { lines.append("unreachable: true") }
        if let status = result.httpStatus { lines.append("status: \(status)") }
        if let exit = result.exitStatus, !result.unreachable { lines.append("exit: \(exit)") }
        if let failure = result.failureReason { lines.append("failure: \(scalar(failure))") }
        if result.timedOut { lines.append("timed_out: true") }
        if !result.headers.isEmpty {
            lines.append("headers:")
            for header in result.headers { lines.append("  \(scalar(header.name)): \(scalar(header.value))") }
        }
        let key = result.httpStatus == nil ? "output" : "body"
        if !result.output.isEmpty {
            if let block = literalBlock(result.output, indent: indent + "  ") {
                lines.append("\(key): \(block.header)")
                return lines.map { indent + $0 } + block.lines
            }
            lines.append("\(key): \(quoted(result.output))")
        }
        if lines.isEmpty { lines.append("exit: 0") }
        return lines.map { indent + $0 }
    }

    /// A string as a YAML scalar that reads back as exactly `text`: plain when it is a simple
    /// word no YAML reader could take for a number, a boolean or null, double-quoted otherwise.
    public static func scalar(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_./@".unicodeScalars.contains($0)
        }
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(text.lowercased())
        // A leading digit, sign, dot or `@` could be read as a number or is reserved.
        let first = text.unicodeScalars.first
        let numeric = first.map { ("0"..."9").contains($0) || "-.@".unicodeScalars.contains($0) } ?? true
        return plain && !reserved && !numeric ? text : quoted(text)
    }

    /// A double-quoted YAML string: JSON's escapes, which YAML shares, and `\uXXXX` for the
    /// characters JSON leaves as they are but YAML does not print (DEL, C1 controls, U+FEFF,
    /// U+FFFE, U+FFFF).
    public static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in Masking.jsonEscaped(text).unicodeScalars {
            let value = scalar.value
            if value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFEFF || value == 0xFFFE || value == 0xFFFF {
                let hex = String(value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return "\"" + out + "\""
    }

    /// `text` as a literal block scalar, when it can be one: it has a line break, and no
    /// character a block cannot hold as it is (control characters, a carriage return, a
    /// byte-order mark, a tab, spaces at the end of a line, which a reader may treat differently).
    static func literalBlock(_ text: String, indent: String) -> (header: String, lines: [String])? {
        guard text.contains("\n") else { return nil }
        let unsafe = text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || [0xFEFF, 0xFFFE, 0xFFFF, 0x2028, 0x2029].contains($0.value)
        }
        guard !unsafe else { return nil }
        var body = Substring(text)
        var trailing = 0
        while body.hasSuffix("\n") {
            body = body.dropLast()
            trailing += 1
        }
        let rows = body.split(separator: "\n", omittingEmptySubsequences: false)
        // A block takes its indentation from its first line with text: one that starts with a
        // space would move it, and a line ending in spaces is easy to lose; those are quoted.
        guard !rows.contains(where: { $0.hasSuffix(" ") }), let leading = rows.first(where: { !$0.isEmpty }), !leading.hasPrefix(" ")
        else { return nil }
        let chomping = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        return ("|" + chomping, rows.map { $0.isEmpty ? "" : indent + $0 } + Array(repeating: "", count: max(0, trailing - 1)))
    }
}
