/// A recent window of a log file to read and classify, with the file still a template.
public struct LogProbeSpec: Sendable, Hashable {
    /// The log file; its rotated predecessor (`FILE.1` or `FILE.1.gz`) is read too when the
    /// window reaches back into it.
    public var file: Template
    /// How far back from now the window reaches: a duration (`15m`), or `${name}` naming a
    /// required `duration` input (the validator checks that, so it always renders to one).
    public var since: Template
    /// The classes lines are sorted into, in order; a line belongs to the first that matches.
    public var classes: [LogClass]
    /// How many example lines each class shows at most.
    public var examples: Int
    /// What the probe captures from the lines of its classes, in order.
    public var captures: [LogCapture]
    /// The nginx server whose lines are kept: a line naming another (`server: NAME` after
    /// `client:`) is left out. nil, or empty once filled in, keeps every line.
    public var server: Template?
    /// The time zone the log's writer writes in, as its `TZ` says (`Europe/Berlin`,
    /// `:Asia/Tokyo`, `JST-9`): times written without a zone are read in it. nil, or empty once
    /// filled in, reads them in the host's zone (`/etc/localtime`), the zone of a writer started
    /// without `TZ`.
    public var zone: Template?

    /// Creates a probe spec.
    public init(
        file: Template, since: Template, classes: [LogClass], examples: Int = LogQuery.defaultExamples, captures: [LogCapture] = [],
        server: Template? = nil, zone: Template? = nil
    ) {
        self.file = file
        self.since = since
        self.classes = classes
        self.examples = examples
        self.captures = captures
        self.server = server
        self.zone = zone
    }
}

/// Named groups a log probe captures from the lines of some of its classes in the window: the
/// distinct values (or combinations of values, with several groups), each with its count and
/// the time of its newest line, newest first.
///
/// Each named group becomes a variable holding its values, newest first, one a line (a log line
/// never holds a newline, so no value can be split or joined by mistake). At most `keep` values
/// are kept while the window is read: memory does not grow with the window.
public struct LogCapture: Sendable, Hashable {
    /// The classes whose lines are searched, by name.
    public var classes: [String]
    /// The pattern with the named groups; the first match in a line counts.
    public var pattern: RegexPattern
    /// How many distinct values are kept, the most recently seen.
    public var keep: Int

    /// Creates a capture.
    public init(classes: [String], pattern: RegexPattern, keep: Int = LogCapture.defaultKeep) {
        self.classes = classes
        self.pattern = pattern
        self.keep = keep
    }

    /// Values kept when the runbook does not say.
    public static let defaultKeep = 10
    /// The most values a capture may keep.
    public static let maximumKeep = 100
}

/// A named pattern that sorts log lines.
public struct LogClass: Sendable, Hashable {
    /// The name, shown in the result and read by captures.
    public var name: String
    /// The pattern a line of the class matches.
    public var pattern: RegexPattern

    /// Creates a class.
    public init(name: String, pattern: RegexPattern) {
        self.name = name
        self.pattern = pattern
    }
}

/// A log window to read, with the file filled in.
public struct LogQuery: Sendable, Hashable {
    /// Example lines per class when the runbook does not say.
    public static let defaultExamples = 3
    /// The most example lines a class may ask for, so the result stays readable and small.
    public static let maximumExamples = 20
    /// The name of the lines no class matches.
    public static let unclassified = "unclassified"

    /// The log file's path.
    public var path: String
    /// How far back from now the window reaches.
    public var since: TimeSpan
    /// The classes, in order.
    public var classes: [LogClass]
    /// Example lines per class, at most.
    public var examples: Int
    /// What to capture from the lines of the classes.
    public var captures: [LogCapture]
    /// The nginx server whose lines are kept; nil keeps every line.
    public var server: String?
    /// The writer's `TZ`, in which times written without a zone are read; nil for the host's zone.
    public var zone: String?

    /// Creates a query.
    public init(
        path: String, since: TimeSpan, classes: [LogClass], examples: Int = LogQuery.defaultExamples, captures: [LogCapture] = [],
        server: String? = nil, zone: String? = nil
    ) {
        self.path = path
        self.since = since
        self.classes = classes
        self.examples = examples
        self.captures = captures
        self.server = server
        self.zone = zone
    }
}
