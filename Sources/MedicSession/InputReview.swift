import MedicCore

/// The inputs screen before step 1: every input with its value and where it came from, what
/// discovery flagged, and at a terminal one question: accept, or `set NAME=VALUE` and look again.
public struct InputReview {
    /// How the review ended.
    public enum Ending: Sendable, Hashable {
        /// The values to run with (accepted, or printed for an unattended run).
        case accepted([InputFinding])
        /// A value is refused and nobody is at a terminal to change it: nothing runs.
        case refused(String)
        /// The operator stopped at the question (Ctrl-C, end of input).
        case stopped
    }

    let inputs: [InputDefinition]
    let console: any Console
    /// What matches the inputs' patterns.
    let matcher: any PatternMatcher

    /// Creates the review of `inputs` on `console`.
    public init(inputs: [InputDefinition], console: any Console, matcher: any PatternMatcher = InProcessMatcher()) {
        self.matcher = matcher
        self.inputs = inputs
        self.console = console
    }

    /// Shows `findings` and, when `ask` (a terminal, no `--yes`), asks until the operator accepts
    /// them with a deliberate `yes`. Without asking, a refused value or a required input with no
    /// value ends the review as `refused`. A value a `refuse_if` rule could not be checked
    /// against in time (or at Ctrl-C) is refused, and says why; SIGTERM meanwhile stops the review.
    public func review(_ findings: [InputFinding], ask: Bool) -> Ending {
        var findings = findings
        // Told to stop (SIGTERM) while a rule's pattern was matched: the review ends there.
        if InputFinder.checkRefusals(&findings, inputs: inputs, matcher: matcher) != nil { return .stopped }
        show(findings)
        guard ask else {
            if let blocker = blocker(findings) { return .refused(blocker) }
            return .accepted(findings)
        }
        let names = findings.filter { !$0.isSecret }.map(\.name)
        while true {
            // Tab offers what can be changed; the acceptance is typed whole, like an approval.
            console.discardTypedAhead()
            let reply = console.readLine(
                prompt: "accept these values? yes, or set NAME=VALUE › ", completions: names.map { "set \($0)=" }, fresh: true)
            guard case .line(let line) = reply else { return .stopped }
            let answer = line.trimmingSpaces()
            if answer == "yes" {
                if let blocker = blocker(findings) {
                    console.show("\(blocker); change it with set NAME=VALUE", .warning)
                    continue
                }
                return .accepted(findings)
            }
            guard answer.hasPrefix("set "), let (name, value) = InputAssignments.parse(String(answer.dropFirst(4)).trimmingSpaces()) else {
                console.show("type yes to accept these values, or set NAME=VALUE to change one", .warning)
                continue
            }
            guard let input = inputs.first(where: { $0.name == name }), let index = findings.firstIndex(where: { $0.name == name }) else {
                let hint = Spelling.suggestion(for: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
                console.show("there is no input '\(name)'\(hint)", .warning)
                continue
            }
            if input.isSecret {
                console.show("'\(name)' is secret: it is asked, with echo off, when the first step that reads it is reached", .warning)
                continue
            }
            if let problem = input.problem(with: value, matcher: matcher) {
                console.show("'\(name)': \(problem)", .warning)
                continue
            }
            findings[index].value = value
            findings[index].origin = .operatorTyped
            // Set again, even to the same value: its rules are checked again (a check that was
            // cancelled or ran out of time is tried anew).
            findings[index].refusalBasis = nil
            findings[index].flags =
                findings[index].candidates.isEmpty || findings[index].candidates.contains(value)
                ? [] : ["set to \(value), but discovery found \(findings[index].candidates.joined(separator: ", "))"]
            if InputFinder.checkRefusals(&findings, inputs: inputs, matcher: matcher) != nil { return .stopped }
            show(findings)
        }
    }

    /// Why the run cannot start with `findings`, or nil when it can.
    func blocker(_ findings: [InputFinding]) -> String? {
        if let refused = findings.first(where: { $0.refusal != nil }), let reason = refused.refusal {
            return "'\(refused.name)' is refused: \(reason)"
        }
        for finding in findings where !finding.isSecret {
            guard let input = inputs.first(where: { $0.name == finding.name }) else { continue }
            if let problem = input.problem(with: finding.value, matcher: matcher) { return "'\(finding.name)': \(problem)" }
        }
        return nil
    }

    /// The screen: one line per input, then its flags, notes, other candidates and refusal.
    func show(_ findings: [InputFinding]) {
        console.show("inputs", .heading(.check))
        let nameWidth = findings.map(\.name.count).max() ?? 0
        let valueWidth = min(40, findings.map { TerminalText.sanitize($0.shownValue).count }.max() ?? 0)
        let indent = String(repeating: " ", count: nameWidth + 4)
        for finding in findings {
            let value = TerminalText.sanitize(finding.shownValue)
            let name = finding.name + String(repeating: " ", count: nameWidth - finding.name.count)
            let shown = value + String(repeating: " ", count: max(0, valueWidth - value.count))
            console.show("  \(name)  \(shown)  \(finding.origin.describe(name: finding.name))", finding.refusal == nil ? .plain : .error)
            for flag in finding.flags { console.show("\(indent)! \(TerminalText.sanitize(flag))", .warning) }
            if finding.candidates.count > 1, !isMany(finding.name) {
                console.show("\(indent)also found: \(finding.candidates.dropFirst().map(TerminalText.sanitize).joined(separator: ", "))", .dim)
            }
            for note in finding.notes { console.show("\(indent)· \(TerminalText.sanitize(note))", .dim) }
            if let refusal = finding.refusal { console.show("\(indent)✗ refused: \(TerminalText.sanitize(refusal))", .error) }
        }
    }

    private func isMany(_ name: String) -> Bool {
        inputs.first { $0.name == name }?.discovery?.many ?? false
    }
}
