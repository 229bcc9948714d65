extension InputDefinition {
    /// How long an input's pattern may take over one value, in milliseconds.
    public static let patternMilliseconds = 2000

    /// Why `value` cannot be used for this input, or nil when it can.
    ///
    /// Types are checked before the pattern. No value may hold control characters or start with
    /// `-` (whatever the pattern allows, a default, a discovered value or one given by flag alike),
    /// so that a value can never become an option of the command it is passed to: a check that
    /// passes it as an operand is proven read-only on that rule. The pattern is matched
    /// here, unbounded: a run passes its matcher (`problem(with:matcher:)`).
    public func problem(with value: String) -> String? {
        problem(with: value, compiledPattern: { try? Regex($0.source) })
    }

    /// `problem(with:)`, the pattern matched by `matcher` within `patternMilliseconds`: a value
    /// it could not check in time is refused.
    public func problem(with value: String, matcher: any PatternMatcher) -> String? {
        problem(with: value, compiledPattern: { try? Regex($0.source) }, matcher: matcher)
    }

    /// `problem(with:)`, with the input's pattern as `compile` gives it (`Regex(source)`, nil when
    /// it does not compile): for a caller that has compiled the pattern already; with `matcher`,
    /// the pattern is matched by it, as `problem(with:matcher:)` does.
    func problem(
        with value: String, compiledPattern compile: (RegexPattern) -> Regex<AnyRegexOutput>?, matcher: (any PatternMatcher)? = nil
    ) -> String? {
        check(value, compiledPattern: compile, matcher: matcher)?.text
    }

    /// Why a value cannot be used: the text `problem(with:)` gives, and, when the value could not
    /// be checked against the pattern in time, what stopped the matching.
    struct ValueProblem: Sendable, Hashable {
        /// The problem, as the screen and the diagnostics say it.
        var text: String
        /// What stopped matching the pattern over the value, when that is the problem: the value
        /// is neither accepted nor known to be wrong.
        var unfinished: MatchUnfinished?
    }

    /// The problem `problem(with:compiledPattern:matcher:)` finds, with what stopped the match.
    /// With `matcher`, `patternCompiles` (when given) says whether the pattern compiles, in place
    /// of compiling it: the matcher compiles it where it matches.
    func check(
        _ value: String, compiledPattern compile: (RegexPattern) -> Regex<AnyRegexOutput>?, matcher: (any PatternMatcher)? = nil,
        patternCompiles: ((RegexPattern) -> Bool)? = nil
    ) -> ValueProblem? {
        func problem(_ text: String) -> ValueProblem { ValueProblem(text: text) }
        if value.isEmpty { return isRequired ? problem("a value is required") : nil }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return problem("control characters (newlines, escape sequences) are not allowed")
        }
        switch type {
        case .int:
            if Int(value) == nil { return problem("'\(value)' is not a whole number") }
        case .url:
            // The probe's own reader: a value accepted here is one the probe can ask.
            do { _ = try HTTPTarget(value) } catch { return problem("'\(value)' is not a URL an http probe can ask: \(error.description)") }
        case .duration:
            if TimeSpan(parsing: value) == nil { return problem("'\(value)' is not a duration such as 30s or 15m") }
        case .choice:
            if !choices.contains(value) { return problem("'\(value)' is not one of \(choices.joined(separator: ", "))") }
        case .hosts:
            if let found = HostName.split(value).lazy.compactMap(HostName.problem).first { return problem(found) }
        case .string, .path, .secret:
            break
        }
        if let pattern {
            let matchesPattern: Bool
            if let matcher {
                guard patternCompiles?(pattern) ?? (compile(pattern) != nil) else { return problem("the input's pattern does not compile") }
                matcher.allow(milliseconds: Self.patternMilliseconds)
                do {
                    matchesPattern = try matcher.answer(MatchQuestion(.whole, pattern.source, lineAnchors: false, in: [value])).count > 0
                } catch {
                    let what = isSecret ? "the value" : "'\(value)'"
                    return ValueProblem(
                        text: "\(what) could not be checked against the pattern \(pattern.source): matching \(error.reason.explanation)",
                        unfinished: error)
                }
            } else {
                guard let regex = compile(pattern) else { return problem("the input's pattern does not compile") }
                matchesPattern = (try? regex.wholeMatch(in: value)) != nil
            }
            if !matchesPattern {
                return problem(isSecret ? "the value does not match the input's pattern" : "'\(value)' does not match the pattern \(pattern.source)")
            }
        }
        if value.hasPrefix("-") {
            let what = isSecret ? "the value" : "'\(value)'"
            return problem("\(what) starts with '-' and could be taken for an option of the command it is passed to: no input may start with '-'")
        }
        return nil
    }

    /// Why `value` is refused by a `refuse_if` rule (its `because`, filled in from `values`,
    /// the other inputs' values with this one's as `value`), or nil when no rule refuses it.
    ///
    /// A `matches` rule is matched by `matcher` within `patternMilliseconds` for the value's
    /// rules together. A rule that could not be checked refuses the value, and the reason says
    /// so: a value is used only when every rule was checked and none refused it.
    public func refusal(of value: String, values: [String: String], matcher: any PatternMatcher) -> String? {
        refusalCheck(of: value, values: values, matcher: matcher)?.text
    }

    /// `refusal(of:values:matcher:)`, with what stopped a `matches` rule's matching when that is
    /// why the value is refused.
    public func refusalCheck(of value: String, values: [String: String], matcher: any PatternMatcher) -> (
        text: String, unfinished: MatchUnfinished?
    )? {
        var filled = values
        // A secret's value is never filled in (no rule may read a secret: `Validator`).
        if !isSecret { filled[name] = value }
        var budgeted = false
        for rule in refusals {
            do {
                if case .matches = rule.test, !budgeted {
                    matcher.allow(milliseconds: Self.patternMilliseconds)
                    budgeted = true
                }
                if try rule.refuses(value, values: values, matcher: matcher) { return (rule.reason(values: filled), nil) }
            } catch {
                let what = isSecret ? "the value" : "'\(value)'"
                return ("\(what) could not be checked against the refuse_if pattern \(error.pattern): matching \(error.reason.explanation)", error)
            }
        }
        return nil
    }
}
