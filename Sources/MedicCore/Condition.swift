/// A test on a step's result that decides which branch the walk takes.
public indirect enum Condition: Sendable, Hashable {
    /// The command exited 0, the probe met its expectation (or the opposite).
    case succeeded(Bool)
    /// The exit status is one of these.
    case exitStatus([Int])
    /// The step hit its timeout.
    case timedOut(Bool)
    /// Some part of the output matches.
    case outputMatches(RegexPattern)
    /// No part of the output matches.
    case outputDoesNotMatch(RegexPattern)
    /// The HTTP status is one of these.
    case httpStatus([Int])
    /// A response header compares so.
    case header(String, Comparison)
    /// A field of a JSON body compares so.
    case json(String, Comparison)
    /// An input or captured value compares so.
    case variable(String, Comparison)
    /// A called runbook ended with this outcome.
    case outcome(Outcome)
    /// A called runbook ended with this cause.
    case cause(String)
    /// Every condition holds.
    case all([Condition])
    /// At least one condition holds.
    case any([Condition])
    /// The condition does not hold.
    case not(Condition)
    /// On a host: ssh could not reach it (or the opposite).
    case unreachable(Bool)
    /// On a host set: the per-host condition holds on at least one host.
    case anyHost(Condition)
    /// On a host set: the per-host condition holds on every host.
    case allHosts(Condition)
    /// On a host set: the per-host condition holds on no host.
    case noHost(Condition)
    /// On a host set: the number of hosts where the per-host condition holds compares so.
    case countHosts(Condition, Comparison)
}

/// How a value taken from a result is compared.
public enum Comparison: Sendable, Hashable {
    case equals(String)
    case notEquals(String)
    case matches(RegexPattern)
    case notMatches(RegexPattern)
    case above(Double)
    case below(Double)
    case atLeast(Double)
    case atMost(Double)
    /// For JSON fields: the field is present (or absent).
    case exists(Bool)
}

extension Condition {
    /// Whether the condition reads fields of a JSON body.
    public var readsJSON: Bool {
        switch self {
        case .json: true
        case .all(let list), .any(let list): list.contains(where: \.readsJSON)
        case .not(let inner), .anyHost(let inner), .allHosts(let inner), .noHost(let inner), .countHosts(let inner, _): inner.readsJSON
        default: false
        }
    }

    /// Every regular expression in the condition, for validation.
    public var patterns: [RegexPattern] {
        switch self {
        case .outputMatches(let p), .outputDoesNotMatch(let p): [p]
        case .header(_, let c), .json(_, let c), .variable(_, let c): c.pattern.map { [$0] } ?? []
        case .all(let list), .any(let list): list.flatMap(\.patterns)
        case .not(let inner), .anyHost(let inner), .allHosts(let inner), .noHost(let inner), .countHosts(let inner, _): inner.patterns
        default: []
        }
    }

    /// The variables the condition reads.
    public var variables: [String] {
        switch self {
        case .variable(let name, _): [name]
        case .all(let list), .any(let list): list.flatMap(\.variables)
        case .not(let inner), .anyHost(let inner), .allHosts(let inner), .noHost(let inner), .countHosts(let inner, _): inner.variables
        default: []
        }
    }

    /// The cause ids the condition names (`cause:`), each a cause the called runbook declares.
    public var causes: [String] {
        switch self {
        case .cause(let id): [id]
        case .all(let list), .any(let list): list.flatMap(\.causes)
        case .not(let inner), .anyHost(let inner), .allHosts(let inner), .noHost(let inner), .countHosts(let inner, _): inner.causes
        default: []
        }
    }

    /// Whether the condition looks at the step's own result (exit, status, success, timeout),
    /// which an action's branches must do.
    public var examinesResult: Bool {
        switch self {
        case .succeeded, .exitStatus, .timedOut, .httpStatus, .unreachable: true
        case .all(let list), .any(let list): list.contains(where: \.examinesResult)
        case .not(let inner), .anyHost(let inner), .allHosts(let inner), .noHost(let inner), .countHosts(let inner, _): inner.examinesResult
        default: false
        }
    }
}

extension Condition {
    /// Whether the condition looks at a host set's results (`any_host`, `all_hosts`, …).
    public var readsHostSet: Bool {
        switch self {
        case .anyHost, .allHosts, .noHost, .countHosts: true
        case .all(let list), .any(let list): list.contains(where: \.readsHostSet)
        case .not(let inner): inner.readsHostSet
        default: false
        }
    }

    /// Whether the condition looks at one result directly (exit, output, status, …), which a
    /// host-set step has one of per host: such a condition belongs inside `any_host` and the like.
    public var readsOneResult: Bool {
        switch self {
        case .succeeded, .exitStatus, .timedOut, .outputMatches, .outputDoesNotMatch, .httpStatus, .header, .json, .unreachable: true
        case .all(let list), .any(let list): list.contains(where: \.readsOneResult)
        case .not(let inner): inner.readsOneResult
        default: false
        }
    }
}

extension Comparison {
    /// The regular expression of a `matches` comparison.
    public var pattern: RegexPattern? {
        switch self {
        case .matches(let p), .notMatches(let p): p
        default: nil
        }
    }
}
