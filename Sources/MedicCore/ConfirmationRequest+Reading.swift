/// Reading what the operator typed at a confirmation.
///
/// Only three things decide: exactly the approval word (`yes`, or the target's name), exactly
/// `no` or `skip`, and exactly `abort`. Everything else, however close, decides nothing: the
/// prompt says why and asks again, so a stray key can neither run nor skip a fix. Declining
/// wins: a target's name that is a word the prompt reads otherwise (`no`, `abort`, `quit`)
/// cannot approve, since typing it could not be told from meaning that word.
extension ConfirmationRequest {
    /// The words that decide at every confirmation, whatever the target's name.
    public static let decisionWords = ["yes", "no", "skip", "abort"]

    /// Why typing `expected` cannot approve, or nil when it can.
    static func clash(of expected: String, isCommand: (String) -> Bool) -> String? {
        let trimmed = expected.trimmingSpaces()
        // An empty target would let an empty line approve.
        if trimmed.isEmpty { return "the target's name is empty" }
        // `no`, `No ` or `ABORT` as a name: whoever types it may mean to decline or stop.
        if decisionWords.contains(trimmed.lowercased()) { return "the target's name, '\(expected)', is a decision at this prompt" }
        if isCommand(expected) { return "the target's name, '\(expected)', is a command at this prompt" }
        return nil
    }

    /// A decision taken at a confirmation.
    public enum Decision: Sendable, Hashable {
        /// Run the action.
        case approve
        /// Do not run it: take the step's skip branch (or end the run when it has none).
        case decline
        /// Stop the run here.
        case abort
    }

    /// The decision `line` makes, or nil when it makes none. Nothing is trimmed or folded.
    public func decision(for line: String) -> Decision? {
        switch line {
        case "no", "skip": return .decline
        case "abort": return .abort
        default: return line == expected && unapprovable == nil ? .approve : nil
        }
    }

    /// What to type, as one line: the approval word, how to skip, how to stop.
    public func hint(shownAs display: (String) -> String) -> String {
        let what =
            if let unapprovable {
                Self.capitalized(display(unapprovable)) + ", so it cannot be approved (`set` the value it is made of to put it again)"
            } else if mode == .typeTarget {
                "Type the target's name, \(display(expected)), to run it"
            } else {
                "Type yes to run it"
            }
        let around = skipTo == nil ? " (the runbook has no way around it: skipping ends the run)" : ""
        return "\(what); no or skip to skip it\(around); abort to stop the run."
    }

    /// Why `line`, which makes no decision, is not one, in one line. `display` masks and
    /// sanitizes typed text for the screen.
    public func whyNotADecision(_ line: String, shownAs display: (String) -> String) -> String {
        let typed = "'\(display(Self.shortened(line)))'"
        let trimmed = line.trimmingSpaces()
        if let unapprovable {
            return "\(display(unapprovable)), so this action cannot be approved by typing: `set` the value its name is made of "
                + "(the action is put to you again), or skip it"
        }
        if line.isEmpty { return "nothing was typed, and an empty line decides nothing" }
        // A carriage return or another control typed literally (Ctrl-V) is part of the line.
        if line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            // The display keeps line breaks; here they are what is wrong, so they are shown.
            let shown = "'" + display(Self.shortened(line)).replacing("\n", with: "^J") + "'"
            return "\(shown) holds a control character (typed with Ctrl-V?): only exactly what is asked counts"
        }
        if trimmed.isEmpty { return "only spaces were typed, and they decide nothing" }
        if mode == .typeTarget, ["yes", "y"].contains(trimmed.lowercased()), expected != trimmed {
            return "\(typed) does not approve this action: it asks for the target's name, \(display(expected))"
        }
        for word in [expected, "no", "skip", "abort"] {
            if trimmed == word { return "\(typed) has spaces around it: only exactly \(display(word)) counts" }
            if trimmed.lowercased() == word.lowercased() { return "\(typed) is not \(display(word)): it must be typed exactly, in the same case" }
        }
        for word in [expected, "no", "skip", "abort"] where word.lowercased().hasPrefix(trimmed.lowercased()) {
            return "\(typed) is not \(display(word)): only the whole word counts"
        }
        if mode == .typeTarget { return "\(typed) is not the target's name, nor no, skip or abort: it decides nothing" }
        return "\(typed) is not yes, no, skip or abort: it decides nothing"
    }

    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// Long typed text, cut for a one-line message.
    static func shortened(_ line: String) -> String {
        line.count > 40 ? String(line.prefix(40)) + "…" : line
    }
}

extension QuestionRequest {
    /// What to type, as one line.
    public var hint: String {
        "type 1-\(options.count) or one of \(options.map(\.answer).joined(separator: ", "))"
    }

    /// Why `line`, which is none of the choices, is not an answer, in one line with the hint.
    /// `display` masks and sanitizes typed text for the screen.
    public func whyNotAnAnswer(_ line: String, shownAs display: (String) -> String) -> String {
        let typed = "'\(display(ConfirmationRequest.shortened(line)))'"
        let trimmed = line.trimmingSpaces()
        let choices = options.map(\.answer) + options.indices.map { String($0 + 1) }
        let reason: String
        if trimmed.isEmpty {
            reason = line.isEmpty ? "nothing was typed" : "only spaces were typed"
        } else if choices.contains(trimmed) {
            reason = "\(typed) has spaces around it; answers are typed exactly"
        } else if let match = choices.first(where: { $0.lowercased() == trimmed.lowercased() }) {
            reason = "\(typed) is not \(display(match)); answers are typed exactly, in the same case"
        } else {
            reason = "\(typed) is not one of the answers"
        }
        return "\(reason): \(hint)"
    }
}
