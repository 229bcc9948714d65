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
        commandsShown[invocation.stepID] = invocation
        let lead = invocation.kind == .action ? "  will run (\(invocation.placementText)):" : nil
        if let lead { console.show(lead, .plain) }
        let folded = invocation.kind == .check && !options.verbose
        for line in Self.commandLines(invocation, folded: folded, width: console.width) { console.show(line.text, line.style) }
        if let over = invocation.beyondCap { console.show("  " + TerminalText.sanitize(over.sentence), .warning) }
    }

    /// What runs, as screen lines: a command on one line (wrapped at argument boundaries to
    /// `width`), a script under `┆`, a request or a connection under `→` (a script or a request
    /// folded to its first line when `folded`).
    static func commandLines(_ invocation: Invocation, folded: Bool, width: Int?) -> [(text: String, style: ScreenStyle)] {
        let display = TerminalText.sanitize(invocation.display)
        switch invocation.payload {
        case .command(let argv):
            let masking = Masking(secrets: invocation.secrets)
            let arguments = argv.map { TerminalText.sanitize(masking.apply(ShellQuoting.quote($0))) }
            // Masking argument by argument must give what masking the whole line gives; when a
            // secret spans arguments it does not, and the line is wrapped as text instead.
            guard arguments.joined(separator: " ") == display else { return [("  $ " + display, .command)] }
            return ScreenWrap.command(arguments, lead: "  $ ", width: width ?? 0).map { ($0, .command) }
        case .script: return fold(display, under: "  ┆ ", folded: folded, stepID: invocation.stepID)
        case .http, .tcp, .log: return fold(display, under: "  → ", folded: folded, stepID: invocation.stepID)
        }
    }

    /// `text`'s lines under `gutter`; when `folded`, only the first, then how many more there are
    /// and how to see them (outside the gutter, so it cannot be read as one of them).
    private static func fold(_ text: String, under gutter: String, folded: Bool, stepID: String) -> [(text: String, style: ScreenStyle)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard folded, lines.count > 1 else { return lines.map { (gutter + $0, .command) } }
        let more = lines.count - 1
        return [(gutter + lines[0], .command), ("    … \(more) more line\(more == 1 ? "" : "s") (show \(stepID))", .dim)]
    }

    func showResult(_ result: StepResult, succeeded: Bool, kind: Step.Kind) {
        var parts: [String] = []
        if result.cancelled {
            // Ctrl-C, or SIGTERM / a hang-up that the next prompt will act on.
            parts.append(console.stopPending ? "cancelled (told to stop)" : "cancelled (Ctrl-C)")
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
