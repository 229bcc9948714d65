/// How `medic` ends, as data: each status means one thing, documented in the README.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command did what was asked; a run ended `resolved`.
    case success = 0
    /// Medic itself could not go on (a missing file, a refused transcript directory…).
    case failure = 1
    /// A runbook or scenario has errors; nothing ran.
    case invalidRunbook = 2
    /// A run ended `escalate`.
    case escalated = 3
    /// The operator aborted or quit.
    case aborted = 4
    /// A run ended `no-fault`: nothing is wrong now.
    case noFault = 5
    /// `medic test`: at least one scenario failed.
    case testsFailed = 6
    /// A run stopped before a decision nobody was there to make (an action without `--yes`
    /// and no terminal, or input that ended at a confirmation, a question or a stalled step);
    /// `medic resume` at a terminal goes on from there.
    case needsPerson = 7
    /// The command line was wrong (ArgumentParser's usual status).
    case usage = 64

    /// The status a walk that ended with `outcome` exits with.
    public init(_ outcome: Outcome) {
        switch outcome {
        case .resolved: self = .success
        case .escalate: self = .escalated
        case .noFault: self = .noFault
        }
    }
}
