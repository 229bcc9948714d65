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
        if value.isEmpty { return isRequired ? "a value is required" : nil }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "control characters (newlines, escape sequences) are not allowed"
        }
        switch type {
        case .int:
            if Int(value) == nil { return "'\(value)' is not a whole number" }
        case .url:
            // The probe's own reader: a value accepted here is one the probe can ask.
            do { _ = try HTTPTarget(value) } catch { return "'\(value)' is not a URL an http probe can ask: \(error.description)" }
        case .duration:
            if TimeSpan(parsing: value) == nil { return "'\(value)' is not a duration such as 30s or 15m" }
        case .choice:
            if !choices.contains(value) { return "'\(value)' is not one of \(choices.joined(separator: ", "))" }
        case .hosts:
            if let problem = HostName.split(value).lazy.compactMap(HostName.problem).first { return problem }
        case .string, .path, .secret:
            break
        }
        if let pattern {
            guard let regex = compile(pattern) else { return "the input's pattern does not compile" }
            let matchesPattern: Bool
            if let matcher {
                matcher.allow(milliseconds: Self.patternMilliseconds)
                do {
                    matchesPattern = try matcher.answer(MatchQuestion(.whole, pattern.source, lineAnchors: false, in: [value])).count > 0
                } catch {
                    let what = isSecret ? "the value" : "'\(value)'"
                    let why: String
                    switch error.reason {
                    case .deadline:
                        why = "matching did not finish within \(TimeSpan(milliseconds: Int64(Self.patternMilliseconds))), and was stopped"
                    case .cancelled, .stopped:
                        why = "matching was cancelled"
                    case .failed(let failure):
                        why = "matching failed (\(failure))"
                    }
                    return "\(what) could not be checked against the pattern \(pattern.source): \(why)"
                }
            } else {
                matchesPattern = (try? regex.wholeMatch(in: value)) != nil
            }
            if !matchesPattern {
                return isSecret ? "the value does not match the input's pattern" : "'\(value)' does not match the pattern \(pattern.source)"
            }
        }
        if value.hasPrefix("-") {
            let what = isSecret ? "the value" : "'\(value)'"
            return "\(what) starts with '-' and could be taken for an option of the command it is passed to: no input may start with '-'"
        }
        return nil
    }
}
