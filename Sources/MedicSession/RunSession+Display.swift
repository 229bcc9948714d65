import MedicCore

/// The words a run shows: headings, what runs, results and branches.
extension RunSession {
    func showHeading(_ visit: StepVisit) {
        stepsShown += 1
        console.show("", .plain)
        console.show("[\(stepsShown)] \(visit.kind.label)  \(TerminalText.sanitize(visit.title))  (\(visit.stepID))", .heading(visit.kind))
        if visit.kind == .action || visit.kind == .question, !visit.why.isEmpty {
            console.show(indent(TerminalText.sanitize(visit.why)), .why)
        }
    }

    func showCommand(_ invocation: Invocation) {
        let display = TerminalText.sanitize(invocation.display)
        let lead = invocation.kind == .action ? "  will run (\(invocation.placement.rawValue)):" : nil
        if let lead { console.show(lead, .plain) }
        switch invocation.payload {
        case .command: console.show("  $ " + display, .command)
        case .script: console.show(indent(display, by: "  ┆ "), .command)
        case .http, .tcp: console.show(indent(display, by: "  → "), .command)
        }
    }

    func showResult(_ result: StepResult, succeeded: Bool, kind: Step.Kind) {
        var parts: [String] = []
        if result.cancelled {
            parts.append("cancelled (Ctrl-C)")
        } else if result.timedOut {
            parts.append("timed out and stopped")
        } else if let status = result.httpStatus {
            parts.append(status == 0 ? "no HTTP answer" : "HTTP \(status)")
            let server = result.header("Server")
            if !server.isEmpty { parts.append("server: \(TerminalText.sanitize(server))") }
        } else if let status = result.exitStatus {
            parts.append("exit \(status)")
        }
        if let reason = result.failureReason { parts.append(TerminalText.sanitize(walk.masking.apply(reason))) }
        parts.append(Self.duration(result.durationMilliseconds))
        console.show("  " + parts.joined(separator: " · "), succeeded ? .success : .failure)
    }

    func showBranch(_ taken: BranchTaken) {
        let reason = taken.because.map { TerminalText.sanitize($0) } ?? taken.condition
        console.show("  ↳ \(reason)  [\(TerminalText.sanitize(taken.condition)) → \(taken.to)]", .branch)
    }

    static func duration(_ milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let tenths = milliseconds / 100
        if milliseconds < 60_000 { return "\(tenths / 10).\(tenths % 10) s" }
        return "\(milliseconds / 60_000) min \(milliseconds % 60_000 / 1000) s"
    }

    func indent(_ text: String, by prefix: String = "  ") -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
    }
}
