/// How an input finds its value on the host: a read-only check and the regexes that pick
/// candidates out of its output (`discover:` in the runbook).
public struct Discovery: Sendable, Hashable {
    /// The timeout of a discovery that names none.
    public static let defaultTimeout = TimeSpan(milliseconds: 10_000)
    /// The longest timeout a discovery may have: the operator waits for all of them before step 1.
    public static let timeoutCap = TimeSpan(milliseconds: 60_000)

    /// What runs: a `command` or a `script`, under the rules of a check.
    public var execution: Execution
    /// Regexes with a group named `value`; every match of each is a candidate.
    public var captures: [RegexPattern]
    /// Where the value comes from, in the author's words.
    public var why: String?
    /// How long the check may run.
    public var timeout: TimeSpan
    /// Whether the value is every candidate joined by `separator`, for inputs that hold lists.
    public var many: Bool
    /// What joins the candidates of a `many` input.
    public var separator: String
    /// Where `discover:` is written.
    public var location: SourceLocation
    /// Why the check runs on the real file system instead of the read-only mount namespace
    /// (`writable_fs`, as for a check step: `nginx -T` opens its pid and log files); nil inside it.
    public var writableFileSystem: String?
    /// Where the check runs: `.local` (this machine, the default) or `.host(TEMPLATE)` over ssh,
    /// the template reading other inputs (`where: {host: "${nginx_host}"}`). Never a host set:
    /// an input has one value to find.
    public var placement: Placement = .local

    /// Creates a discovery.
    public init(
        execution: Execution, captures: [RegexPattern], why: String? = nil, timeout: TimeSpan = Discovery.defaultTimeout,
        many: Bool = false, separator: String = ",", location: SourceLocation
    ) {
        self.execution = execution
        self.captures = captures
        self.why = why
        self.timeout = timeout
        self.many = many
        self.separator = separator
        self.location = location
    }

    /// The inputs the placement's host reads (`${nginx_host}`), in order.
    public var hostVariables: [String] {
        placement.hostTemplate?.variables ?? []
    }

    /// The origin shown on the inputs screen: the author's `why`, else what runs.
    public var origin: String {
        if let why, !why.isEmpty { return why }
        switch execution {
        case .command(let argv): return argv.map(\.raw).joined(separator: " ")
        case .script(let text, _):
            return text.split(separator: "\n").first.map { String($0).trimmingSpaces() } ?? "a script"
        default: return "a check"
        }
    }

    /// The candidates in `output`: every match of every capture's `value` group, in order, each
    /// value once, blanks trimmed and empty matches dropped. `matcher` matches the captures, and
    /// throws when one did not finish in time.
    public func candidates(in output: String, matcher: any PatternMatcher) throws(MatchUnfinished) -> [String] {
        var found: [String] = []
        for pattern in captures {
            guard (try? pattern.compiled()) != nil else { continue }
            for match in try matcher.answer(MatchQuestion(.all, pattern.source, in: [output])).matches {
                guard let text = match["value"] else { continue }
                let value = text.trimmingSpaces()
                if !value.isEmpty, !found.contains(value) { found.append(value) }
            }
        }
        return found
    }
}

/// A rule that refuses an input's value because it contradicts the host (`refuse_if:`).
public struct RefusalRule: Sendable, Hashable {
    /// What the value is tested against.
    public enum Test: Sendable, Hashable {
        /// The value equals the filled-in template.
        case equals(Template)
        /// The value contains the filled-in template.
        case contains(Template)
        /// The value is one of the items of the filled-in template.
        case among(Template)
        /// The filled-in template has items and the value is none of them.
        case notAmong(Template)
        /// The value's host and port (a URL's, or `host:port`) reach one of the filled-in
        /// template's listen addresses, written as nginx's `listen` writes them (see `ListenAddress`).
        case addressAmong(Template)
        /// The regex matches somewhere in the value.
        case matches(RegexPattern)

        /// The template the test fills in, if any.
        public var template: Template? {
            switch self {
            case .equals(let t), .contains(let t), .among(let t), .notAmong(let t), .addressAmong(let t): t
            case .matches: nil
            }
        }
    }

    /// The test.
    public var test: Test
    /// Shown with the refusal: why the value is wrong and what was found instead.
    public var because: Template
    /// Where the rule is written.
    public var location: SourceLocation

    /// Creates a rule.
    public init(test: Test, because: Template, location: SourceLocation) {
        self.test = test
        self.because = because
        self.location = location
    }

    /// The templates the rule reads.
    public var templates: [Template] { (test.template.map { [$0] } ?? []) + [because] }

    /// Whether the rule refuses `value`, other inputs' values being `values`. A rule whose
    /// template fills in to nothing does not apply. A `matches` rule asks `matcher`, within the
    /// budget the caller set, and throws when the match did not finish: neither a refusal nor
    /// a pass.
    public func refuses(_ value: String, values: [String: String], matcher: any PatternMatcher) throws(MatchUnfinished) -> Bool {
        guard !value.isEmpty else { return false }
        let fill: (Template) -> String = { $0.render { values[$0] ?? "" }.trimmingSpaces() }
        switch test {
        case .equals(let template):
            let other = fill(template)
            return !other.isEmpty && value == other
        case .contains(let template):
            let other = fill(template)
            return !other.isEmpty && value.contains(other)
        case .among(let template):
            return Self.items(fill(template)).contains(value)
        case .notAmong(let template):
            let items = Self.items(fill(template))
            return !items.isEmpty && !items.contains(value)
        case .addressAmong(let template):
            guard let target = ListenAddress(target: value) else { return false }
            return Self.items(fill(template)).contains { ListenAddress(listen: $0)?.isReached(by: target) ?? false }
        case .matches(let pattern):
            guard (try? pattern.compiled()) != nil else { return false }
            return try matcher.answer(MatchQuestion(.first, pattern.source, in: [value])).count > 0
        }
    }

    /// The reason shown with the refusal, filled in.
    public func reason(values: [String: String]) -> String {
        because.render { values[$0] ?? "" }
    }

    /// The items of a list written with commas and blanks.
    static func items(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
    }
}
