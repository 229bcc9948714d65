/// A runbook: metadata, inputs and a decision tree of steps, as loaded from one file.
public struct Runbook: Sendable, Hashable {
    /// The path the runbook was loaded from.
    public var path: String
    /// The format version (`medic: 1`).
    public var formatVersion: Int
    /// A short name.
    public var id: String
    /// One line.
    public var title: String
    /// When to reach for this runbook.
    public var summary: String?
    /// The runbook's own version.
    public var version: String?
    /// The team that maintains it.
    public var owner: String?
    /// Who to call when it ends in `escalate`.
    public var escalation: String?
    /// The timeout of steps that set none.
    public var defaultTimeout: TimeSpan
    /// The inputs, in file order.
    public var inputs: [InputDefinition]
    /// The values handed back to a caller, in file order.
    public var outputs: [OutputDefinition] = []
    /// The causes its conclusions may name (`causes:`), in file order.
    public var causes: [Cause] = []
    /// The named host sets (`hosts:`), in file order.
    public var hostSets: [HostSetDefinition] = []
    /// How many hosts a host-set step works on at once (`defaults.forks`); nil: 5.
    public var forks: Int?
    /// The first step, as written (`start:`), or nil for the first step in the file.
    public var start: StepReference?
    /// The steps, in file order.
    public var steps: [Step] { didSet { stepIndex = Runbook.index(steps) } }
    /// Step positions by id, for constant-time lookup in large runbooks.
    private var stepIndex: [String: Int]
    /// Where the file starts.
    public var location: SourceLocation

    /// Creates a runbook.
    public init(
        path: String, formatVersion: Int = 1, id: String, title: String, summary: String? = nil,
        version: String? = nil, owner: String? = nil, escalation: String? = nil,
        defaultTimeout: TimeSpan = .seconds(30), inputs: [InputDefinition] = [], start: StepReference? = nil,
        steps: [Step] = []
    ) {
        self.path = path
        self.formatVersion = formatVersion
        self.id = id
        self.title = title
        self.summary = summary
        self.version = version
        self.owner = owner
        self.escalation = escalation
        self.defaultTimeout = defaultTimeout
        self.inputs = inputs
        self.start = start
        self.steps = steps
        self.stepIndex = Runbook.index(steps)
        self.location = .start(of: path)
    }

    private static func index(_ steps: [Step]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(steps.count)
        // Each step's id is read where it is: a copy of each whole step costs more than the index.
        for position in steps.indices where index[steps[position].id] == nil { index[steps[position].id] = position }
        return index
    }

    /// The id of the first step.
    public var startID: String? { start?.id ?? steps.first?.id }

    /// The step with `id`.
    public func step(_ id: String) -> Step? { stepIndex[id].map { steps[$0] } }

    /// The input named `name`.
    public func input(_ name: String) -> InputDefinition? { inputs.first { $0.name == name } }

    /// The names of its secret inputs: values that never reach argv, the screen or a file.
    public var secretNames: Set<String> { Set(inputs.filter(\.isSecret).map(\.name)) }

    /// The host set named `name`.
    public func hostSet(_ name: String) -> HostSetDefinition? { hostSets.first { $0.name == name } }

    /// Finds a declared cause by id.
    public func cause(_ id: String) -> Cause? { causes.first { $0.id == id } }

    /// The timeout that applies to `step`.
    public func timeout(of step: Step) -> TimeSpan { step.timeout ?? defaultTimeout }
}

/// A runbook with every runbook it calls, loaded and keyed by resolved path.
public struct RunbookBundle: Sendable {
    /// The runbook the operator started.
    public var root: Runbook
    /// Every runbook by resolved path, the root included.
    public var runbooks: [String: Runbook]
    /// The SHA-256 (hex) of the bytes each runbook was parsed from, by the same paths; empty for
    /// a bundle not read from files.
    public var digests: [String: String] = [:]

    /// Creates a bundle.
    public init(root: Runbook, runbooks: [String: Runbook]) {
        self.root = root
        self.runbooks = runbooks
        self.runbooks[root.path] = root
        // Each call learns what its runbook hands back, so the caller's steps can read it.
        for (path, runbook) in self.runbooks where runbook.steps.contains(where: { $0.call != nil }) {
            var linked = runbook
            linked.steps = runbook.steps.map { step in
                guard let call = step.call, let callee = self.runbooks[call.resolvedPath] else { return step }
                var step = step
                step.call?.outputs = callee.outputs
                return step
            }
            self.runbooks[path] = linked
        }
        if let root = self.runbooks[root.path] { self.root = root }
    }

    /// The runbook called by `call`.
    public func runbook(for call: RunbookCall) -> Runbook? { runbooks[call.resolvedPath] }

    /// The Ansible groups the bundle's host sets name (`{ansible_group: GROUP}`).
    public var ansibleGroupNames: Set<String> {
        Set(runbooks.values.flatMap { $0.hostSets.compactMap { if case .ansibleGroup(let group) = $0.source { group } else { nil } } })
    }

    /// Whether a host set of the bundle reads the Ansible inventory.
    public var namesAnsibleGroups: Bool { !ansibleGroupNames.isEmpty }
}
