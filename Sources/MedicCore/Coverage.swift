/// Which branches and conclusions of a bundle a set of walks reached.
public enum Coverage {
    /// One way out of a step: a branch, a question's option, or an action's skip.
    public struct Edge: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The id of the runbook the step is in.
        public var runbookID: String
        /// The step's id in that runbook.
        public var stepID: String
        /// `when …`, `otherwise`, `answer X` or `declined`.
        public var label: String
        /// Where it goes.
        public var to: String

        public var description: String { "\(runbookID): \(stepID) → \(to) (\(label))" }

        public static func < (a: Edge, b: Edge) -> Bool { (a.runbookID, a.stepID, a.to, a.label) < (b.runbookID, b.stepID, b.to, b.label) }
    }

    /// Every edge of every runbook in `bundle`.
    public static func allEdges(of bundle: RunbookBundle) -> Set<Edge> {
        var edges: Set<Edge> = []
        for runbook in bundle.runbooks.values {
            for step in runbook.steps {
                for branch in step.branches {
                    edges.insert(
                        Edge(runbookID: runbook.id, stepID: step.id, label: branch.condition?.description ?? "otherwise", to: branch.next.id))
                }
                for option in step.options {
                    edges.insert(Edge(runbookID: runbook.id, stepID: step.id, label: "answered \(option.answer)", to: option.next.id))
                }
                if let skip = step.skip { edges.insert(Edge(runbookID: runbook.id, stepID: step.id, label: "declined", to: skip.id)) }
            }
        }
        return edges
    }

    /// Every conclusion of every runbook in `bundle`, as `runbook-id: step-id`.
    public static func allConclusions(of bundle: RunbookBundle) -> Set<String> {
        Set(bundle.runbooks.values.flatMap { runbook in runbook.steps.filter { $0.kind == .conclusion }.map { "\(runbook.id): \($0.id)" } })
    }

    /// Follows a walk's effects and records the edges and conclusions it reaches.
    public struct Tracker: Sendable {
        /// The edges taken so far.
        public private(set) var edges: Set<Edge> = []
        /// The conclusions reached so far, nested ones included.
        public private(set) var conclusions: Set<String> = []
        let bundle: RunbookBundle

        /// Creates a tracker.
        public init(bundle: RunbookBundle) { self.bundle = bundle }

        /// Records `effect`.
        public mutating func observe(_ effect: WalkEffect) {
            switch effect {
            case .branched(let taken):
                let runbookID = Coverage.runbookID(of: taken.from, root: bundle.root.id)
                let from = Coverage.local(taken.from)
                let to = Coverage.local(taken.to)
                edges.insert(
                    Edge(runbookID: runbookID, stepID: from, label: taken.condition.hasPrefix("skipped") ? "otherwise" : taken.condition, to: to))
            case .entered(let visit) where visit.kind == .conclusion:
                conclusions.insert("\(visit.runbookID): \(Coverage.local(visit.stepID))")
            default:
                break
            }
        }
    }

    static func runbookID(of qualified: String, root: String) -> String {
        let parts = qualified.split(separator: "/")
        return parts.count > 1 ? String(parts[parts.count - 2]) : root
    }

    static func local(_ qualified: String) -> String {
        qualified.split(separator: "/").last.map(String.init) ?? qualified
    }
}
