/// Where an input's value came from, for the inputs screen and the journal.
public enum InputOrigin: Sendable, Hashable {
    /// `--var NAME=VALUE`.
    case option
    /// A line of a `--var-file` (`FILE:LINE`).
    case varFile(String)
    /// `MEDIC_VAR_<name>` in the environment.
    case environment
    /// Found by the input's discovery (its `why`, or what it ran); on `host` over ssh when the
    /// discovery has `where: {host: …}`, on this machine when `host` is nil.
    case discovered(String, host: String? = nil)
    /// The runbook's default.
    case defaultValue
    /// Typed by the operator (asked, or `set` on the inputs screen).
    case operatorTyped
    /// A secret not given: asked when the first step that reads it is reached.
    case askedLate
    /// No value (an optional input nobody gave and nothing found).
    case none

    /// The origin as the screen and the report say it.
    public func describe(name: String) -> String {
        switch self {
        case .option: "--var"
        case .varFile(let place): "--var-file \(place)"
        case .environment: "MEDIC_VAR_\(name)"
        case .discovered(let why, let host): host.map { "discovered on \($0): \(why)" } ?? "discovered: \(why)"
        case .defaultValue: "default"
        case .operatorTyped: "typed by the operator"
        case .askedLate: "secret: asked when the first step that reads it is reached"
        case .none: "no value"
        }
    }

    /// Whether the operator chose this value (given or typed), rather than Medic.
    public var isGiven: Bool {
        switch self {
        case .option, .varFile, .environment, .operatorTyped: true
        default: false
        }
    }
}

/// One input as Medic resolved it before step 1: its value, where it came from, what discovery
/// found, and what contradicts it.
public struct InputFinding: Sendable, Hashable {
    /// The input's name.
    public var name: String
    /// The value (empty for a secret asked later; never shown for a secret).
    public var value: String
    /// Where the value came from.
    public var origin: InputOrigin
    /// Whether the value is secret.
    public var isSecret: Bool
    /// The usable candidates discovery found, in order.
    public var candidates: [String] = []
    /// What happened while discovering: a failure, candidates passed over and why.
    public var notes: [String] = []
    /// Where the value disagrees with what discovery found (a default or a given value).
    public var flags: [String] = []
    /// Why the value is refused (a `refuse_if` rule, or a bad value), when it is.
    public var refusal: String?
    /// The values `refusal` was worked out with (every non-secret input's, this one's included):
    /// `InputFinder.checkRefusals` checks again only when they changed, since a rule's pattern
    /// may take its whole budget (and a check the operator cancelled stays cancelled until then).
    public var refusalBasis: [String: String]?

    /// Creates a finding.
    public init(name: String, value: String, origin: InputOrigin, isSecret: Bool = false) {
        self.name = name
        self.value = value
        self.origin = origin
        self.isSecret = isSecret
    }

    /// The value as it may be shown: masked for a secret.
    public var shownValue: String {
        if isSecret { return origin == .askedLate ? "(not given)" : Masking.mask }
        return value.isEmpty ? "(empty)" : value
    }
}
