/// What `why` says at an action's confirmation: what the action changes and what is at stake.
///
/// The screen above the prompt already holds the step's title, its teaching text and what will
/// run; the brief says what they do not: which of the commands change something, what the
/// action acts on, how it can go wrong, and where each answer and each result leads.
public struct ActionBrief: Sendable {
    /// The lines, each one sentence, without indentation.
    public let lines: [String]

    /// The brief for `step`, about to run as `invocation` and asked as `request`. `ranBefore`:
    /// the action already ran in this run.
    public init(step: Step, invocation: Invocation, request: ConfirmationRequest, ranBefore: Bool) {
        let masking = Masking(secrets: invocation.secrets)
        var lines = ["What it changes (\(Self.place(invocation))): \(Self.changes(invocation))."]
        if !request.expected.isEmpty, request.mode == .typeTarget {
            lines.append(
                "It acts on \(masking.apply(request.expected)); the runbook asks you to type that name, as it does for its most dangerous steps.")
        } else if step.target != nil, !request.expected.isEmpty {
            lines.append("It acts on \(masking.apply(request.expected)).")
        }
        switch invocation.payload {
        case .command, .script:
            lines.append(
                "If it runs past \(invocation.timeout), its whole process group is stopped (SIGTERM, then SIGKILL), which can leave the change half done."
            )
        case .http, .tcp, .log:
            lines.append("It gives up after \(invocation.timeout); a request that timed out may still have reached the server.")
        }
        if ranBefore {
            lines.append("It already ran in this run (`show \(invocation.stepID)` prints its output): running it again repeats the change.")
        }
        let results = step.branches.map { "\($0.condition?.description ?? "otherwise") → \($0.next.id)" }
        if !results.isEmpty { lines.append("Afterwards, by its result: " + results.joined(separator: "; ") + ".") }
        if let skip = step.skip {
            lines.append("If you decline (no or skip), the run goes on at \(skip.id) without it; abort stops the run.")
        } else {
            lines.append("If you decline (no or skip), the run ends: the runbook has no way around this step; abort stops it too.")
        }
        self.lines = lines
    }

    /// What the invocation changes, as far as Medic can tell.
    static func changes(_ invocation: Invocation) -> String {
        let unknown = "Medic knows no command in it that changes state, but the runbook calls it an action: treat it as one that does"
        switch invocation.payload {
        case .command(let argv):
            return StateChangingCommands.reason(argv: argv) ?? unknown
        case .script(let script):
            let reasons = StateChangingCommands.reasons(script: script)
            return reasons.isEmpty ? unknown : reasons.joined(separator: "; ")
        case .http(let request):
            return "it sends \(request.method) \(Masking(secrets: invocation.secrets).apply(request.url)), and the server decides what that changes"
        case .tcp(let host, let port):
            return "it only opens a TCP connection to \(host):\(port) and closes it"
        case .log(let window):
            return "it only reads \(window.path)"
        }
    }

    static func place(_ invocation: Invocation) -> String {
        guard let remote = invocation.remote else { return "on this machine" }
        return "on " + remote.description
    }
}
