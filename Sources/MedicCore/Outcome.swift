/// How a walk ended, as recorded for the incident.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// The problem is fixed and verified.
    case resolved
    /// A human with more context must take over.
    case escalate
    /// Nothing is wrong now.
    case noFault = "no-fault"
}
