/// A named set of hosts a step can run on over ssh (`hosts:` at the top of a runbook).
public struct HostSetDefinition: Sendable, Hashable {
    /// Where the hosts come from.
    public enum Source: Sendable, Hashable {
        /// Hosts written in the runbook (each a template).
        case list([Template])
        /// The hosts of an input of type `hosts`.
        case input(String)
        /// The hosts of a group in `ansible-inventory --list`.
        case ansibleGroup(String)
        /// Every distinct match of a capture group, from the step that captured it.
        case captured(String)
    }

    /// The set's name.
    public var name: String
    /// Where its hosts come from.
    public var source: Source
    /// Where it is defined.
    public var location: SourceLocation

    /// Creates a definition.
    public init(name: String, source: Source, location: SourceLocation) {
        self.name = name
        self.source = source
        self.location = location
    }

    /// The variables the set reads.
    public var variables: [String] {
        switch source {
        case .list(let templates): templates.flatMap(\.variables)
        case .input(let name), .captured(let name): [name]
        case .ansibleGroup: []
        }
    }
}

/// The rules for a host name Medic hands to `ssh`.
public enum HostName {
    /// Why `host` cannot be given to ssh, or nil when it can.
    ///
    /// A host must start with a letter, digit or `_` (never `-`, which ssh would read as an
    /// option) and hold only letters, digits and `_.@:%-`: no spaces, quotes or shell syntax.
    public static func problem(_ host: String) -> String? {
        // `ssh://[user@]host[:port]`, which ssh reads as a URI (an inventory host with a port).
        if host.hasPrefix("ssh://") { return problem(String(host.dropFirst(6))).map { _ in "'\(host)' is not a host name ssh can take" } }
        guard let first = host.unicodeScalars.first else { return "a host name is empty" }
        func plain(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_"
        }
        guard plain(first) else { return "'\(host)' is not a host name: it must start with a letter, digit or '_'" }
        guard host.unicodeScalars.allSatisfy({ plain($0) || ".@:%-".unicodeScalars.contains($0) }), host.utf8.count <= 255 else {
            return "'\(host)' is not a host name: only letters, digits and '_.@:%-' are allowed"
        }
        return nil
    }

    /// The hosts of a `hosts` input's value: words separated by spaces or commas, each once.
    public static func split(_ value: String) -> [String] {
        var seen: Set<String> = []
        return value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init).filter { seen.insert($0).inserted }
    }
}

/// How an action on a host set rolls out (`batch:`).
public struct BatchPlan: Sendable, Hashable {
    /// How many hosts each batch holds.
    public var size: Int
    /// The check run on each batch's hosts before the next batch.
    public var verify: StepReference?
    /// Where `batch` is written.
    public var location: SourceLocation

    /// Creates a plan.
    public init(size: Int, verify: StepReference?, location: SourceLocation) {
        self.size = size
        self.verify = verify
        self.location = location
    }
}

/// A named per-host condition whose matching hosts become a host set (`capture_hosts:`).
public struct HostCapture: Sendable, Hashable {
    /// The set's name, also a variable.
    public var name: String
    /// The per-host condition.
    public var condition: Condition
    /// Where it is written.
    public var location: SourceLocation

    /// Creates a capture.
    public init(name: String, condition: Condition, location: SourceLocation) {
        self.name = name
        self.condition = condition
        self.location = location
    }
}

/// One host's result in a step that ran on a host set.
public struct HostResult: Sendable, Hashable {
    /// The most output kept of each host of a host set (the screen and conditions see this much;
    /// the rest is counted, not kept).
    public static let keptBytes = 1 << 20

    /// The host.
    public var host: String
    /// What running the step there produced (its output as kept in memory).
    public var result: StepResult

    /// Creates a host result.
    public init(host: String, result: StepResult) {
        self.host = host
        self.result = result
    }
}
