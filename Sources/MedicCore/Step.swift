/// One node of a runbook's decision tree.
///
/// A step is a plain value: what the file says, with locations for diagnostics. Which fields
/// matter depends on `kind`; the loader and the validator make sure the combination is sensible.
public struct Step: Sendable, Hashable {
    /// The five kinds of step, distinct in the file and everywhere on screen.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Read-only; runs automatically.
        case check
        /// Changes something; runs only after confirmation.
        case action
        /// The operator chooses.
        case question
        /// The end of the walk.
        case conclusion
        /// Hands over to another runbook and comes back.
        case runbook

        /// The upper-case label shown on screen.
        public var label: String { rawValue.uppercased() }
    }

    /// How an action is confirmed.
    public enum Confirmation: String, Sendable, Hashable {
        /// The operator types `yes`.
        case yes
        /// The operator types the action's target, for the most dangerous steps.
        case typeTarget = "type-target"
    }

    /// The step's id, unique in its runbook.
    public var id: String
    /// Which kind of step it is.
    public var kind: Kind
    /// The one-line heading.
    public var title: String
    /// The teaching text.
    public var why: String
    /// Where the step runs.
    public var placement: Placement
    /// How long it may run (on each host); the runbook default when nil.
    public var timeout: TimeSpan?
    /// Why `timeout` goes past the cap (`timeout_beyond_cap`); shown wherever the timeout is.
    public var timeoutBeyondCap: String?
    /// On a host-set step: named sets of the hosts where a condition holds.
    public var hostCaptures: [HostCapture] = []
    /// On a host-set action: how it rolls out.
    public var batch: BatchPlan?
    /// What a check or action runs.
    public var execution: Execution?
    /// Regexes whose named groups become variables.
    public var captures: [RegexPattern]
    /// Variables holding how many output lines match a regex.
    public var counts: [NamedPattern]
    /// The ordered branches; the last is `otherwise`.
    public var branches: [Branch]
    /// How an action is confirmed.
    public var confirmation: Confirmation
    /// What an action acts on, typed by the operator with `type-target`.
    public var target: Template?
    /// Where to go when the operator declines an action.
    public var skip: StepReference?
    /// A question's options.
    public var options: [QuestionOption]
    /// A question's variable, set to the chosen answer.
    public var setsVariable: String?
    /// A conclusion's outcome, cause and summary.
    public var conclusion: Conclusion?
    /// A `runbook` step's call.
    public var call: RunbookCall?
    /// A check the author declares read-only on their word (`read_only: {reason: …}`), for what
    /// the allow-list cannot prove: it is shown as unverified and confirmed by the operator on its
    /// first run under each digest of its runbook.
    public var vouch: ReadOnlyVouch?
    /// Why a check must run on the real, writable file system instead of Medic's read-only
    /// mount namespace (`writable_fs: {reason: …}`), e.g. `nginx -t` opening its pid and log files.
    public var writableFileSystem: String?
    /// What the step runs per value of a choice input, when that differs (`by:`, `variants:`).
    public var variants: StepVariants?
    /// Where the step is defined (its id key).
    public var location: SourceLocation

    /// Creates a step of `kind` with nothing but its identity; the rest is filled in by the loader.
    public init(id: String, kind: Kind, title: String = "", why: String = "", location: SourceLocation) {
        self.id = id
        self.kind = kind
        self.title = title
        self.why = why
        self.placement = .local
        self.timeout = nil
        self.execution = nil
        self.captures = []
        self.counts = []
        self.branches = []
        self.confirmation = .yes
        self.target = nil
        self.skip = nil
        self.options = []
        self.setsVariable = nil
        self.conclusion = nil
        self.call = nil
        self.vouch = nil
        self.writableFileSystem = nil
        self.variants = nil
        self.location = location
    }

    /// Every step this one can lead to, with where each reference is written.
    public var successors: [StepReference] {
        branches.map(\.next) + (skip.map { [$0] } ?? []) + options.map(\.next)
    }

    /// The names of the variables this step defines (captures, counts, a question's answer);
    /// `groupNames` gives a capture's named groups (the validator passes those it compiled).
    public func definedVariables(groupNames: (RegexPattern) -> [String] = \.groupNames) -> [String] {
        captures.flatMap(groupNames) + counts.map(\.name) + (setsVariable.map { [$0] } ?? [])
            + hostCaptures.flatMap { [$0.name, $0.name + "_count"] } + (placement.isHostSet ? ["unreachable_hosts", "unreachable_hosts_count"] : [])
            + (variants?.cases.flatMap { $0.captures.flatMap(groupNames) + $0.counts.map(\.name) } ?? [])
            + (call?.outputs.map(\.name) ?? []) + logCaptures.flatMap { groupNames($0.pattern) }
    }

    /// What the step's log probe captures; none for other steps.
    public var logCaptures: [LogCapture] {
        if case .log(let spec) = execution { spec.captures } else { [] }
    }
}

/// Where a step runs (`where:`).
public enum Placement: Sendable, Hashable {
    /// On the machine Medic runs on.
    case local
    /// On one other host, over ssh.
    case host(Template)
    /// On every host of a named set, over ssh.
    case hosts(String, location: SourceLocation)

    // What the rest of Medic asks of a placement is asked here, each member a switch, so that
    // the compiler points a new case at every question, and nothing outside tests for a case.

    /// Whether the step runs on a host set (and so has one result per host).
    public var isHostSet: Bool {
        switch self {
        case .hosts: true
        case .local, .host: false
        }
    }

    /// Whether the step runs on another machine: outside this machine's check sandbox (which a
    /// check there needs no `writable_fs` for), and where a `from: target` probe asks from.
    public var isRemote: Bool {
        switch self {
        case .local: false
        case .host, .hosts: true
        }
    }

    /// The template that names the one host it runs on (`${nginx_host}`): its variables are
    /// inputs the validator checks and a discovery waits for. Nil here and on a host set.
    public var hostTemplate: Template? {
        switch self {
        case .host(let template): template
        case .local, .hosts: nil
        }
    }

    /// How Medic reaches it, as `show` and graphs say: nil here, `ssh` for a host or a set.
    public var transport: String? {
        switch self {
        case .local: nil
        case .host, .hosts: "ssh"
        }
    }

    /// How the file writes it, for `show` and graphs.
    public var summary: String {
        switch self {
        case .local: "local"
        case .host(let template): "host \(template.raw)"
        case .hosts(let name, _): "hosts \(name)"
        }
    }
}

/// A reference to a step by id, with where the reference is written.
extension Step {
    /// The configuration files and folders `execution`, one of this check's forms, names by an
    /// input's or a capture's value (`ReadOnlyCheck.Finding.configurationOperands`); the runner
    /// asks for them to judge the files before the check runs unconfirmed.
    public func configurationOperands(of execution: Execution) -> [ConfigurationOperand] {
        guard kind == .check else { return [] }
        return ReadOnlyCheck.examine(execution, at: location).configurationOperands
    }
}

public struct StepReference: Sendable, Hashable {
    /// The id referred to.
    public var id: String
    /// Where the reference is written.
    public var location: SourceLocation

    /// Creates a reference.
    public init(_ id: String, at location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// A named regular expression, as in `count:`.
public struct NamedPattern: Sendable, Hashable {
    /// The variable name.
    public var name: String
    /// The expression.
    public var pattern: RegexPattern

    /// Creates a named pattern.
    public init(name: String, pattern: RegexPattern) {
        self.name = name
        self.pattern = pattern
    }
}

/// One branch out of a step.
public struct Branch: Sendable, Hashable {
    /// The condition; nil for `otherwise`.
    public var condition: Condition?
    /// Where to go.
    public var next: StepReference
    /// The sentence shown to the operator when the branch is taken.
    public var because: Template?
    /// Where the branch is written.
    public var location: SourceLocation

    /// Creates a branch.
    public init(condition: Condition?, next: StepReference, because: Template?, location: SourceLocation) {
        self.condition = condition
        self.next = next
        self.because = because
        self.location = location
    }

    /// Whether this is the `otherwise` branch.
    public var isOtherwise: Bool { condition == nil }
}

/// One choice of a question.
public struct QuestionOption: Sendable, Hashable {
    /// What the operator types.
    public var answer: String
    /// What the answer means.
    public var label: String
    /// Where to go.
    public var next: StepReference
    /// Where the option is written.
    public var location: SourceLocation

    /// Creates an option.
    public init(answer: String, label: String, next: StepReference, location: SourceLocation) {
        self.answer = answer
        self.label = label
        self.next = next
        self.location = location
    }
}

/// The end of a walk: what it found and what it means for the incident.
public struct Conclusion: Sendable, Hashable {
    /// How the walk ended.
    public var outcome: Outcome
    /// The id of the cause, one the runbook declares in `causes:`.
    public var cause: String
    /// The sentence for the incident record.
    public var summary: Template?
    /// Where the cause is named, for the validator's diagnostics.
    public var causeLocation: SourceLocation?

    /// Creates a conclusion.
    public init(outcome: Outcome, cause: String, summary: Template?, causeLocation: SourceLocation? = nil) {
        self.outcome = outcome
        self.cause = cause
        self.summary = summary
        self.causeLocation = causeLocation
    }
}

/// A `runbook` step's hand-over to another file.
public struct RunbookCall: Sendable, Hashable {
    /// The path as written, relative to the calling file.
    public var path: String
    /// The path resolved against the calling file's folder.
    public var resolvedPath: String
    /// Inputs passed explicitly.
    public var with: [(name: String, value: Template)]
    /// The outputs the called runbook declares, filled in when the bundle is assembled: after
    /// the step, the caller's variables of these names hold the values handed back.
    public var outputs: [OutputDefinition] = []
    /// Where the path is written.
    public var location: SourceLocation

    /// Creates a call.
    public init(path: String, resolvedPath: String, with: [(name: String, value: Template)], location: SourceLocation) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.with = with
        self.location = location
    }

    public static func == (a: RunbookCall, b: RunbookCall) -> Bool {
        a.path == b.path && a.resolvedPath == b.resolvedPath && a.location == b.location
            && a.with.map(\.name) == b.with.map(\.name) && a.with.map(\.value) == b.with.map(\.value) && a.outputs == b.outputs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(resolvedPath)
        hasher.combine(location)
    }
}

/// An author's word that a check is read-only where Medic cannot prove it, with the reason given.
public struct ReadOnlyVouch: Sendable, Hashable {
    /// Why the author holds the check to be read-only.
    public var reason: String
    /// Where `read_only` is written.
    public var location: SourceLocation

    /// Creates a vouch.
    public init(reason: String, location: SourceLocation) {
        self.reason = reason
        self.location = location
    }
}
