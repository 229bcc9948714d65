/// One input a runbook takes: its type, default and allow-list pattern.
public struct InputDefinition: Sendable, Hashable {
    /// The kinds of value an input may hold.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case string, int, url, path, choice, duration, secret, hosts
    }

    /// The input's name, as used in `${name}` and, upper-cased, in scripts' environment.
    public var name: String
    /// What kind of value it holds.
    public var type: ValueType
    /// Shown when Medic asks for the value.
    public var description: String?
    /// Used when the operator gives no value.
    public var defaultValue: String?
    /// Whether the run needs a non-empty value.
    public var isRequired: Bool
    /// An allow-list the whole value must match.
    public var pattern: RegexPattern?
    /// The allowed values of a `choice`.
    public var choices: [String]
    /// Where the input is defined.
    public var location: SourceLocation
    /// Where its default is written, for diagnostics about the default.
    public var defaultLocation: SourceLocation?
    /// How Medic finds the value on the host, when the runbook says.
    public var discovery: Discovery?
    /// Values that contradict the host, refused with a reason.
    public var refusals: [RefusalRule] = []

    /// Creates an input definition.
    public init(
        name: String, type: ValueType, description: String? = nil, defaultValue: String? = nil,
        isRequired: Bool = true, pattern: RegexPattern? = nil, choices: [String] = [],
        location: SourceLocation, defaultLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.description = description
        self.defaultValue = defaultValue
        self.isRequired = isRequired
        self.pattern = pattern
        self.choices = choices
        self.location = location
        self.defaultLocation = defaultLocation
        self.discovery = nil
    }

    /// Whether values of this input must be kept out of argv, screens and files.
    public var isSecret: Bool { type == .secret }

    /// The environment variable name a script sees this input as.
    public var environmentName: String { name.uppercased() }
}
