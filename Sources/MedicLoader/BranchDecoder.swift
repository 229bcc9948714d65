import MedicCore

/// Decodes `branches` and their `when` conditions.
struct BranchDecoder {
    let reader: NodeReader

    static let branchKeys = ["when", "next", "because", "otherwise"]
    static let subjects = ["header", "json", "var"]
    static let comparisons = ["equals", "not_equals", "above", "below", "at_least", "at_most", "exists"]
    static let simple = [
        "succeeded", "exit", "timed_out", "matches", "not_matches", "status", "outcome", "cause", "any", "all", "not", "unreachable",
        "any_host", "all_hosts", "no_host",
    ]
    static let conditionKeys = simple + subjects + comparisons + ["count_hosts"]

    func branches(_ node: YAMLNode?, context: String) -> [Branch] {
        guard let node else { return [] }
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.error("'branches' must be a non-empty list", at: node)
            return []
        }
        var branches: [Branch] = []
        branches.reserveCapacity(items.count)
        let branchContext = "a branch of \(context)"
        for (position, item) in items.enumerated() {
            guard let fields = reader.fields(item, allowed: Self.branchKeys, in: branchContext) else { continue }
            let because = fields["because"].flatMap { reader.template($0, "'because'") }
            if let node = fields["otherwise"] {
                if let extra = fields.keyNode("when") ?? fields.keyNode("next") {
                    reader.error("an 'otherwise' branch has no 'when' or 'next'; 'otherwise' names where to go", at: extra)
                }
                if position != items.count - 1 {
                    reader.error("'otherwise' must be the last branch; the branches after it could never be taken", at: node)
                }
                guard let id = reader.string(node, "'otherwise'") else { continue }
                branches.append(
                    Branch(condition: nil, next: StepReference(id, at: reader.location(node)), because: because, location: reader.location(item)))
                continue
            }
            guard let whenNode = fields.required("when"), let nextNode = fields.required("next"),
                let next = reader.string(nextNode, "'next'")
            else { continue }
            guard let condition = condition(whenNode) else { continue }
            branches.append(
                Branch(
                    condition: condition, next: StepReference(next, at: reader.location(nextNode)), because: because, location: reader.location(item))
            )
        }
        if let last = items.last, branches.last?.isOtherwise != true {
            reader.error("the branches of \(context) must end with 'otherwise', so the walk always has somewhere to go", at: last)
        }
        return branches
    }

    func condition(_ node: YAMLNode) -> Condition? {
        guard let fields = reader.fields(node, allowed: Self.conditionKeys, in: "a 'when' condition") else { return nil }
        if fields.entries.isEmpty {
            reader.error("an empty 'when' always holds; use 'otherwise' instead", at: node)
            return nil
        }
        var parts: [Condition] = []
        var failed = false
        var subjectNames: [String] = []
        var comparisonNames: [String] = []
        for entry in fields.entries {
            if Self.subjects.contains(entry.name) { subjectNames.append(entry.name) }
            if Self.comparisons.contains(entry.name) { comparisonNames.append(entry.name) }
        }
        if let countNode = fields["count_hosts"] {
            // `count_hosts: WHEN` with one numeric comparison, alone in its mapping.
            guard let inner = condition(countNode) else { return nil }
            let others = fields.entries.map(\.name).filter { $0 != "count_hosts" }
            let numeric = ["equals", "at_least", "at_most", "above", "below"]
            guard others.count == 1, let name = others.first, numeric.contains(name), let valueNode = fields[name] else {
                reader.error(
                    "'count_hosts' needs exactly one comparison beside it", at: fields.keyNode("count_hosts") ?? node,
                    hint: "one of at_least, at_most, equals, above, below; combine more with 'all'")
                return nil
            }
            guard case .scalar(let scalar) = valueNode, let number = Int(scalar.string), number >= 0 else {
                reader.error("'\(name)' after 'count_hosts' is a number of hosts", at: valueNode)
                return nil
            }
            let value = Double(number)
            let comparison: Comparison =
                switch name {
                case "equals": .equals(String(number))
                case "at_least": .atLeast(value)
                case "at_most": .atMost(value)
                case "above": .above(value)
                default: .below(value)
                }
            return .countHosts(inner, comparison)
        }
        if subjectNames.count > 1, let second = fields.keyNode(subjectNames[1]) {
            reader.error("one 'when' can compare one of header, json or var; combine several with 'all'", at: second)
            return nil
        }
        if let subject = subjectNames.first {
            guard let subjectNode = fields[subject], let name = reader.string(subjectNode, "'\(subject)'") else { return nil }
            let candidates = comparisonNames + ["matches", "not_matches"].filter(fields.has)
            guard candidates.count == 1, let comparisonName = candidates.first, let valueNode = fields[comparisonName] else {
                reader.error(
                    "'\(subject): \(name)' needs exactly one comparison", at: subjectNode,
                    hint: "one of equals, not_equals, matches, not_matches, above, below, at_least, at_most\(subject == "json" ? ", exists" : "")")
                return nil
            }
            guard let comparison = comparison(comparisonName, valueNode, subject: subject) else { return nil }
            switch subject {
            case "header": parts.append(.header(name, comparison))
            case "json": parts.append(.json(name, comparison))
            default:
                if !Template.isVariableName(name) { reader.error("'\(name)' is not a variable name", at: subjectNode) }
                parts.append(.variable(name, comparison))
            }
        } else if let first = comparisonNames.first, let key = fields.keyNode(first) {
            reader.error("'\(first)' compares the value named by 'header', 'json' or 'var', and none is given", at: key)
            return nil
        }
        for (name, _, value) in fields.entries {
            if subjectNames.first != nil, name == "matches" || name == "not_matches" || Self.comparisons.contains(name) { continue }
            if Self.subjects.contains(name) { continue }
            guard let part = simpleCondition(name, value) else {
                failed = true
                continue
            }
            parts.append(part)
        }
        if failed { return nil }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private func simpleCondition(_ name: String, _ value: YAMLNode) -> Condition? {
        switch name {
        case "succeeded": return reader.bool(value, "'succeeded'").map(Condition.succeeded)
        case "timed_out": return reader.bool(value, "'timed_out'").map(Condition.timedOut)
        case "exit": return reader.ints(value, "'exit' (exit statuses)").map(Condition.exitStatus)
        case "status":
            guard let statuses = reader.ints(value, "'status' (HTTP statuses)") else { return nil }
            if statuses.contains(where: { !(0...599).contains($0) }) {
                reader.error("an HTTP status is between 100 and 599 (0 when nothing answered)", at: value)
                return nil
            }
            return .httpStatus(statuses)
        case "matches": return reader.regex(value, "'matches'").map(Condition.outputMatches)
        case "not_matches": return reader.regex(value, "'not_matches'").map(Condition.outputDoesNotMatch)
        case "outcome":
            guard let text = reader.string(value, "'outcome'") else { return nil }
            guard let outcome = Outcome(rawValue: text) else {
                reader.error("unknown outcome '\(text)'", at: value, hint: "one of resolved, escalate, no-fault")
                return nil
            }
            return .outcome(outcome)
        case "cause":
            // The validator holds it to the causes the called runbook declares.
            return reader.string(value, "'cause'").map(Condition.cause)
        case "any", "all":
            guard case .sequence(let items) = value, !items.isEmpty else {
                reader.error("'\(name)' must be a non-empty list of conditions", at: value)
                return nil
            }
            let inner = items.compactMap(condition)
            guard inner.count == items.count else { return nil }
            return name == "any" ? .any(inner) : .all(inner)
        case "not":
            return condition(value).map(Condition.not)
        case "unreachable": return reader.bool(value, "'unreachable'").map(Condition.unreachable)
        case "any_host", "all_hosts", "no_host":
            guard let inner = condition(value) else { return nil }
            if inner.readsHostSet {
                reader.error("'\(name)' takes a per-host condition, not another condition over the set", at: value)
                return nil
            }
            return name == "any_host" ? .anyHost(inner) : name == "all_hosts" ? .allHosts(inner) : .noHost(inner)
        default:
            return nil
        }
    }

    private func comparison(_ name: String, _ value: YAMLNode, subject: String) -> Comparison? {
        func number() -> Double? {
            guard case .scalar(let scalar) = value, let number = Double(scalar.string) else {
                reader.error("'\(name)' compares numbers; '\(reader.describe(value))' is not one", at: value)
                return nil
            }
            return number
        }
        switch name {
        case "equals", "not_equals":
            guard case .scalar(let scalar) = value else {
                reader.error("'\(name)' takes a single value", at: value)
                return nil
            }
            let text = scalar.string
            return name == "equals" ? .equals(text) : .notEquals(text)
        case "matches": return reader.regex(value, "'matches'").map(Comparison.matches)
        case "not_matches": return reader.regex(value, "'not_matches'").map(Comparison.notMatches)
        case "above": return number().map(Comparison.above)
        case "below": return number().map(Comparison.below)
        case "at_least": return number().map(Comparison.atLeast)
        case "at_most": return number().map(Comparison.atMost)
        case "exists":
            if subject != "json" {
                reader.error("'exists' applies only to 'json' fields", at: value)
                return nil
            }
            return reader.bool(value, "'exists'").map(Comparison.exists)
        default: return nil
        }
    }
}
