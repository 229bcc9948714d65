/// The variables an input reaches scripts as besides its own `NAME`: a duration in whole seconds,
/// and a URL taken apart by the probe's own reader (`HTTPTarget`), so that a runbook never parses
/// a URL in shell, where each `sed` reads it a little differently.
extension InputDefinition {
    /// What a `url` input's parts are called after its name (`site_url` → `site_url_host`).
    public static let urlPartSuffixes = ["_scheme", "_host", "_port", "_origin", "_path"]

    /// The names, as a runbook writes names, of the variables derived from this input: a
    /// duration's `NAME_seconds`; a URL's `NAME_scheme`, `NAME_host`, `NAME_port`, `NAME_origin`
    /// and `NAME_path`. Scripts see them in upper case; no template reads them.
    public var derivedNames: [String] {
        switch type {
        case .duration: [name + "_seconds"]
        case .url: Self.urlPartSuffixes.map { name + $0 }
        default: []
        }
    }

    /// The derived environment variables for `value`, by their upper-case names:
    /// - duration: `NAME_SECONDS`, its whole seconds (absent when the value is not a duration);
    /// - url: `NAME_SCHEME` (`http` or `https`), `NAME_HOST` (a name or an address, an IPv6 one
    ///   without brackets), `NAME_PORT` (the scheme's when the URL gives none), `NAME_ORIGIN`
    ///   (`scheme://host[:port]` as written, without any `user:password@`) and `NAME_PATH` (at
    ///   least `/`, without the query). Each is empty when the value is empty or is not a URL the
    ///   probe could ask, so a script tests `[ -n "$NAME_HOST" ]` and never reads a variable
    ///   left over from elsewhere.
    public func derivedEnvironment(for value: String?) -> [String: String] {
        switch type {
        case .duration:
            guard let span = TimeSpan(parsing: value ?? "") else { return [:] }
            return [environmentName + "_SECONDS": String(span.wholeSeconds)]
        case .url:
            let target = try? HTTPTarget(value ?? "")
            var parts: [String] = ["", "", "", "", ""]
            if let target {
                let authority = target.authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                parts = [
                    target.scheme, target.host, String(target.port), target.scheme + "://" + authority,
                    String(target.requestTarget.prefix { $0 != "?" }),
                ]
            }
            var environment: [String: String] = [:]
            for (suffix, part) in zip(Self.urlPartSuffixes, parts) { environment[environmentName + suffix.uppercased()] = part }
            return environment
        default:
            return [:]
        }
    }
}

extension Runbook {
    /// The input each derived variable comes from (a duration's seconds, a URL's parts), by the
    /// name scripts read it as (`SITE_URL_HOST`): a variable the runbook writes under one of those
    /// names would be overwritten, and a template naming one reads nothing.
    public var derivedVariables: [String: InputDefinition] {
        var derived: [String: InputDefinition] = [:]
        for input in inputs {
            for name in input.derivedNames { derived[name.uppercased()] = input }
        }
        return derived
    }
}
