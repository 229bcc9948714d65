/// Reading a step's result: captured values, counts, and whether it succeeded.
public enum Extraction {
    /// The captures and counts of `step` over `output`, in the order the step lists them.
    ///
    /// A capture that does not match gives its variables the empty string, so a stale value from
    /// an earlier run of the step can never be mistaken for a fresh one.
    /// `parts` are the output as kept (`StepResult.readableOutput`): each is read on its own,
    /// so a match never spans the bytes that were not kept.
    static func values(of step: Step, from parts: [String], matcher: any PatternMatcher) throws(MatchUnfinished) -> [(name: String, value: String)] {
        var values: [(String, String)] = []
        for pattern in step.captures {
            let names = pattern.groupNames
            guard !names.isEmpty else { continue }
            let match = try matcher.answer(MatchQuestion(.first, pattern.source, in: parts)).matches.first
            for name in names { values.append((name, match?[name] ?? "")) }
        }
        if !step.counts.isEmpty {
            let lines = parts.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
            for count in step.counts {
                guard (try? count.pattern.compiled()) != nil else { continue }
                let n = try matcher.answer(MatchQuestion(.countTexts, count.pattern.source, in: lines)).count
                values.append((count.name, String(n)))
            }
        }
        if case .log(let spec) = step.execution, !spec.captures.isEmpty { values += LogCaptureReport.values(of: spec, from: parts) }
        return values
    }

    /// Every distinct match of the capture groups in `names` that `step` captures, in order of
    /// appearance: what a `{captured: NAME}` host set holds.
    static func allMatches(
        of step: Step, from output: String, names: Set<String>, matcher: any PatternMatcher
    ) throws(MatchUnfinished) -> [(name: String, values: [String])] {
        guard !names.isEmpty else { return [] }
        var found: [(String, [String])] = []
        for pattern in step.captures {
            let wanted = pattern.groupNames.filter(names.contains)
            guard !wanted.isEmpty else { continue }
            let matches = try matcher.answer(MatchQuestion(.all, pattern.source, in: [output])).matches
            for name in wanted {
                var seen: Set<String> = []
                let values = matches.compactMap { $0[name] }.filter { !$0.isEmpty && seen.insert($0).inserted }
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
    /// What matches the conditions' patterns, within the step's deadline.
    var matcher: any PatternMatcher

    init(
        result: StepResult?, succeeded: Bool, variables: [String: String], outcome: Outcome?, cause: String?, readsJSON: Bool = false,
        matcher: any PatternMatcher
    ) {
        self.matcher = matcher
        self.result = result
        self.succeeded = succeeded
        self.variables = variables
        self.outcome = outcome
        self.cause = cause
        body = readsJSON ? result.map { JSONValue.read($0.output) } : nil
    }

    /// Whether `condition` holds; throws when a pattern could not be matched in time, which is
    /// neither.
    func holds(_ condition: Condition) throws(MatchUnfinished) -> Bool {
        switch condition {
        case .succeeded(let expected): return succeeded == expected
        case .exitStatus(let codes): return result?.exitStatus.map(codes.contains) ?? false
        case .timedOut(let expected): return (result?.timedOut ?? false) == expected
        // The kept parts, never Medic's marker between them (`StepResult.readableOutput`).
        case .outputMatches(let pattern): return try matches(pattern, result?.readableOutput ?? [""])
        case .outputDoesNotMatch(let pattern): return try !matches(pattern, result?.readableOutput ?? [""])
        case .httpStatus(let codes): return result?.httpStatus.map(codes.contains) ?? false
        case .header(let name, let comparison): return try compare(result?.header(name) ?? "", comparison, present: true)
        case .json(let path, let comparison):
            let value = try? body?.get().value(at: path)
            return try compare(value?.text ?? "", comparison, present: value != nil)
        case .variable(let name, let comparison): return try compare(variables[name] ?? "", comparison, present: variables[name] != nil)
        case .outcome(let expected): return outcome == expected
        case .cause(let expected): return cause == expected
        case .all(let parts): return try count(parts, holding: holds) == parts.count
        case .any(let parts): return try count(parts, holding: holds, stoppingAt: 1) > 0
        case .not(let inner): return try !holds(inner)
        case .unreachable(let expected): return (result?.unreachable ?? false) == expected
        case .anyHost(let inner): return try count(perHost, holding: { host throws(MatchUnfinished) in try host.holds(inner) }, stoppingAt: 1) > 0
        case .allHosts(let inner):
            let hosts = perHost
            return try count(hosts, holding: { host throws(MatchUnfinished) in try host.holds(inner) }) == hosts.count
        case .noHost(let inner): return try count(perHost, holding: { host throws(MatchUnfinished) in try host.holds(inner) }, stoppingAt: 1) == 0
        case .countHosts(let inner, let comparison):
            return try compare(String(count(perHost, holding: { host throws(MatchUnfinished) in try host.holds(inner) })), comparison, present: true)
        }
    }

    /// One context per host of a host-set result, in the set's order: what a per-host condition
    /// inside `any_host` and the like looks at.
    var perHost: [ConditionContext] {
        guard let hosts = result?.hosts else { return [] }
        return zip(hosts, hostSucceeded).map { host, succeeded in
            ConditionContext(
                result: host.result, succeeded: succeeded, variables: variables, outcome: nil, cause: nil, readsJSON: body != nil, matcher: matcher)
        }
    }

    /// How many of `items` satisfy `test`, looking no further once `limit` do. (The standard
    /// library's `allSatisfy` and `contains(where:)` would forget the error's type.)
    private func count<Item>(
        _ items: [Item], holding test: (Item) throws(MatchUnfinished) -> Bool, stoppingAt limit: Int = .max
    ) throws(MatchUnfinished) -> Int {
        var found = 0
        for item in items where try test(item) {
            found += 1
            if found >= limit { break }
        }
        return found
    }

    /// Whether `pattern` matches one of `texts`; a pattern that does not compile (the validator
    /// refuses it before anything runs) matches nothing.
    private func matches(_ pattern: RegexPattern, _ texts: [String]) throws(MatchUnfinished) -> Bool {
        guard (try? pattern.compiled()) != nil else { return false }
        return try matcher.answer(MatchQuestion(.first, pattern.source, in: texts)).count > 0
    }

    private func compare(_ value: String, _ comparison: Comparison, present: Bool) throws(MatchUnfinished) -> Bool {
        let number = Double(value.trimmingSpaces())
        switch comparison {
        case .equals(let expected): return value == expected
        case .notEquals(let expected): return value != expected
        case .matches(let pattern): return try matches(pattern, [value])
        case .notMatches(let pattern): return try !matches(pattern, [value])
        case .above(let limit): return number.map { $0 > limit } ?? false
        case .below(let limit): return number.map { $0 < limit } ?? false
        case .atLeast(let limit): return number.map { $0 >= limit } ?? false
        case .atMost(let limit): return number.map { $0 <= limit } ?? false
        case .exists(let expected): return present == expected
        }
    }
}
