import MedicCore

/// A runner for steps on hosts: each host answers with its scripted result (per step id, then
/// per host), and every invocation is kept, so tests see which hosts each batch reached.
public final class HostRunnerDouble: StepRunner {
    /// Results by step id, then host.
    public var results: [String: [String: StepResult]]
    /// Every invocation run, in order.
    public private(set) var ran: [Invocation] = []

    /// The runs of a step (by step id, counted from 1) that the operator stops with Ctrl-C: they
    /// come back cancelled, every host of the batch with them.
    public var cancelledRuns: [String: Set<Int>] = [:]

    /// Creates a double.
    public init(results: [String: [String: StepResult]] = [:]) { self.results = results }

    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        ran.append(invocation)
        let runNumber = ran.filter { $0.stepID == invocation.stepID }.count
        if cancelledRuns[invocation.stepID]?.contains(runNumber) == true {
            let hosts = invocation.remote?.hosts.map { HostResult(host: $0, result: StepResult(cancelled: true)) }
            var result = StepResult(cancelled: true, hosts: hosts)
            result.failureReason = "cancelled"
            return result
        }
        let byHost = results[invocation.stepID] ?? [:]
        func answer(_ host: String) -> StepResult {
            byHost[host] ?? StepResult(exitStatus: nil, failureReason: "no scripted result for \(invocation.stepID) on \(host)")
        }
        guard let remote = invocation.remote else {
            let result = byHost["local"] ?? StepResult(exitStatus: 0)
            output(Array(result.output.utf8)[...])
            return result
        }
        if !remote.isHostSet {
            let result = answer(remote.hosts.first ?? "")
            output(Array(result.output.utf8)[...])
            return result
        }
        return StepResult(hosts: remote.hosts.map { HostResult(host: $0, result: answer($0)) })
    }

    /// The step ids run, in order.
    public var ranIDs: [String] { ran.map(\.stepID) }

    /// The hosts of each run of `stepID`, in order.
    public func hosts(of stepID: String) -> [[String]] {
        ran.filter { $0.stepID == stepID }.map { $0.remote?.hosts ?? [] }
    }
}
