/// Reading a step's result: captured values, counts, and whether it succeeded.
public enum Extraction {
    /// The captures and counts of `step` over `output`, in the order the step lists them.
    ///
    /// A capture that does not match gives its variables the empty string, so a stale value from
    /// an earlier run of the step can never be mistaken for a fresh one.
    /// `parts` are the output as kept (`StepResult.readableOutput`): each is read on its own,
    /// so a match never spans the bytes that were not kept.
    static func values(of step: Step, from parts: [String]) -> [(name: String, value: String)] {
        var values: [(String, String)] = []
        for pattern in step.captures {
            guard let regex = try? pattern.compiled() else { continue }
            let names = pattern.groupNames(of: regex)
            let match = parts.lazy.compactMap { try? regex.firstMatch(in: $0) }.first
            for name in names {
                let value = match?.output[name]?.substring.map(String.init) ?? ""
                values.append((name, value))
            }
        }
        if !step.counts.isEmpty {
            let lines = parts.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: true) }
            for count in step.counts {
                guard let regex = try? count.pattern.compiled() else { continue }
                let n = lines.reduce(0) { total, line in total + (((try? regex.firstMatch(in: line)) ?? nil) != nil ? 1 : 0) }
                values.append((count.name, String(n)))
            }
        }
        if case .log(let spec) = step.execution, !spec.captures.isEmpty { values += LogCaptureReport.values(of: spec, from: parts) }
        return values
    }

    /// Every distinct match of the capture groups in `names` that `step` captures, in order of
    /// appearance: what a `{captured: NAME}` host set holds.
    static func allMatches(of step: Step, from output: String, names: Set<String>) -> [(name: String, values: [String])] {
        guard !names.isEmpty else { return [] }
        var found: [(String, [String])] = []
        for pattern in step.captures {
            guard let regex = try? pattern.compiled() else { continue }
            let wanted = pattern.groupNames(of: regex).filter(names.contains)
            guard !wanted.isEmpty else { continue }
            let matches = output.matches(of: regex)
            for name in wanted {
                var seen: Set<String> = []
                let values = matches.compactMap { $0.output[name]?.substring.map(String.init) }.filter { !$0.isEmpty && seen.insert($0).inserted }
                found.append((name, values))
            }
        }
        return found
    }

    /// Whether `result` counts as success for `step`: exit 0 for commands and scripts, the
    /// expected status for HTTP, an open port for TCP, a
    /// readable file for a log window; never when it timed out or was cancelled.
    public static func succeeded(_ step: Step, _ result: StepResult) -> Bool {
        if result.timedOut || result.cancelled || result.unreachable || result.verifyFailed != nil { return false }
        if let hosts = result.hosts { return hosts.allSatisfy { succeeded(step, $0.result) } }
        switch step.execution {
        case .http(let spec): return result.httpStatus.map(spec.isSuccess) ?? false
        case .tcp: return result.output.hasPrefix("open")
        case .log: return result.output.hasPrefix("window ")
        default: return result.exitStatus == 0
        }
    }
}

/// Everything a condition may look at.
struct ConditionContext {
    var result: StepResult?
    var succeeded: Bool
    var variables: [String: String]
    var outcome: Outcome?
    var cause: String?
    /// The output read as JSON, once, when a condition of the step reads JSON fields: a body
    /// that is not JSON (RFC 8259, each name once per object) has no fields.
    var body: Result<JSONValue, JSONSyntaxError>?
    /// For a host-set result: whether the step succeeded on each host, in order.
    var hostSucceeded: [Bool] = []

    init(result: StepResult?, succeeded: Bool, variables: [String: String], outcome: Outcome?, cause: String?, readsJSON: Bool = false) {
        self.result = result
        self.succeeded = succeeded
        self.variables = variables
        self.outcome = outcome
        self.cause = cause
        body = readsJSON ? result.map { JSONValue.read($0.output) } : nil
    }

    func holds(_ condition: Condition) -> Bool {
        switch condition {
        case .succeeded(let expected): return succeeded == expected
        case .exitStatus(let codes): return result?.exitStatus.map(codes.contains) ?? false
        case .timedOut(let expected): return (result?.timedOut ?? false) == expected
        // The kept parts, never Medic's marker between them (`StepResult.readableOutput`).
        case .outputMatches(let pattern): return (result?.readableOutput ?? [""]).contains { matches(pattern, $0) }
        case .outputDoesNotMatch(let pattern): return !(result?.readableOutput ?? [""]).contains { matches(pattern, $0) }
        case .httpStatus(let codes): return result?.httpStatus.map(codes.contains) ?? false
        case .header(let name, let comparison): return compare(result?.header(name) ?? "", comparison, present: true)
        case .json(let path, let comparison):
            let value = try? body?.get().value(at: path)
            return compare(value?.text ?? "", comparison, present: value != nil)
        case .variable(let name, let comparison): return compare(variables[name] ?? "", comparison, present: variables[name] != nil)
        case .outcome(let expected): return outcome == expected
        case .cause(let expected): return cause == expected
        case .all(let parts): return parts.allSatisfy(holds)
        case .any(let parts): return parts.contains(where: holds)
        case .not(let inner): return !holds(inner)
        case .unreachable(let expected): return (result?.unreachable ?? false) == expected
        case .anyHost(let inner): return perHost.contains { $0.holds(inner) }
        case .allHosts(let inner): return perHost.allSatisfy { $0.holds(inner) }
        case .noHost(let inner): return !perHost.contains { $0.holds(inner) }
        case .countHosts(let inner, let comparison):
            let count = perHost.reduce(0) { $0 + ($1.holds(inner) ? 1 : 0) }
            return compare(String(count), comparison, present: true)
        }
    }

    /// One context per host of a host-set result, in the set's order: what a per-host condition
    /// inside `any_host` and the like looks at.
    var perHost: [ConditionContext] {
        guard let hosts = result?.hosts else { return [] }
        return zip(hosts, hostSucceeded).map { host, succeeded in
            ConditionContext(result: host.result, succeeded: succeeded, variables: variables, outcome: nil, cause: nil, readsJSON: body != nil)
        }
    }

    private func matches(_ pattern: RegexPattern, _ text: String) -> Bool {
        guard let regex = try? pattern.compiled() else { return false }
        return ((try? regex.firstMatch(in: text)) ?? nil) != nil
    }

    private func compare(_ value: String, _ comparison: Comparison, present: Bool) -> Bool {
        let number = Double(value.trimmingSpaces())
        switch comparison {
        case .equals(let expected): return value == expected
        case .notEquals(let expected): return value != expected
        case .matches(let pattern): return matches(pattern, value)
        case .notMatches(let pattern): return !matches(pattern, value)
        case .above(let limit): return number.map { $0 > limit } ?? false
        case .below(let limit): return number.map { $0 < limit } ?? false
        case .atLeast(let limit): return number.map { $0 >= limit } ?? false
        case .atMost(let limit): return number.map { $0 <= limit } ?? false
        case .exists(let expected): return present == expected
        }
    }
}
