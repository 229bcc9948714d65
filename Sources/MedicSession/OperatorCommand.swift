import MedicCore

/// A command the operator types at a Medic prompt.
public enum OperatorCommand: Sendable, Hashable {
    case help
    case why
    case show(stepID: String?)
    case whereAmI
    case back
    case retry
    case skip
    case goto(String)
    case vars
    /// `set NAME=VALUE`, or `set NAME` to be asked for the value (secrets).
    case set(name: String, value: String?)
    case note(String)
    case quit
    /// `yes` at a confirmation; an answer elsewhere.
    case word(String)
    /// Nothing typed.
    case empty

    /// Whether the command decides where the walk goes or how it ends (`back`, `retry`, `skip`,
    /// `goto`, `quit`): a decision, which a line read without a terminal never makes.
    public var decides: Bool {
        switch self {
        case .back, .retry, .skip, .goto, .quit: true
        default: false
        }
    }

    /// Every command word, for completion and hints.
    public static let words = ["help", "why", "show", "where", "back", "retry", "skip", "goto", "vars", "set", "note", "quit"]

    /// The whole lines tab completes for the commands: each bare command, `goto ` and `goto
    /// STEP` for `steps`, `show` and `show STEP` for `shown`, `set NAME=` for each variable (`set
    /// NAME` for a secret, which is asked for), `note `. A trailing space only where an argument
    /// must follow, so choosing a completion never leaves a line that means something else.
    public static func completions(steps: [String], shown: [String], variables: [(name: String, secret: Bool)]) -> [String] {
        var lines: [String] = []
        for word in words {
            switch word {
            case "goto": lines += ["goto "] + steps.map { "goto " + $0 }
            case "show": lines += ["show"] + shown.map { "show " + $0 }
            case "set": lines += ["set "] + variables.map { "set " + $0.name + ($0.secret ? "" : "=") }
            case "note": lines.append("note ")
            default: lines.append(word)
            }
        }
        return lines
    }

    /// One line of help per command.
    public static let helpText = """
        help          this list
        why           why this step matters; at an action, what it changes and what is at stake
        show [STEP]   what STEP (or the last step) ran, a folded script or request whole, and all its output
        where         the path so far
        back          go back to the previous step
        retry         run the current step again
        skip          skip this step (a check takes its `otherwise`, an action its skip branch)
        goto STEP     jump to a step of this runbook
        vars          the inputs and captured values (secrets masked)
        set NAME=VAL  change a variable (`set NAME` asks, with echo off for secrets)
        note TEXT     add a note to the transcript
        quit          stop the run
        """

    /// Parses `line`. Anything that is not a command is a `.word` for the prompt to judge.
    public init(parsing line: String) {
        let trimmed = line.trimmingSpaces()
        guard !trimmed.isEmpty else {
            self = .empty
            return
        }
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let word = String(parts[0])
        let rest = parts.count > 1 ? String(parts[1]).trimmingSpaces() : ""
        switch (word, rest.isEmpty) {
        case ("help", true), ("?", true): self = .help
        case ("why", true): self = .why
        case ("show", _): self = .show(stepID: rest.isEmpty ? nil : rest)
        case ("where", true): self = .whereAmI
        case ("back", true): self = .back
        case ("retry", true): self = .retry
        case ("skip", true): self = .skip
        case ("goto", false): self = .goto(rest)
        case ("vars", true): self = .vars
        case ("set", false):
            if let equals = rest.firstIndex(of: "=") {
                self = .set(name: String(rest[..<equals]).trimmingSpaces(), value: String(rest[rest.index(after: equals)...]))
            } else {
                self = .set(name: rest, value: nil)
            }
        case ("note", false): self = .note(rest)
        case ("quit", true), ("exit", true): self = .quit
        default: self = .word(line)
        }
    }

    /// Whether the line is one of the commands (not a word for the prompt to judge).
    public var isCommand: Bool {
        switch self {
        case .word, .empty: false
        default: true
        }
    }

    /// A one-line hint for something that is not a command here.
    public static func hint(for line: String) -> String {
        let word = String(line.trimmingSpaces().split(separator: " ").first ?? "")
        // Commands are short, so a swap of two letters ("shwo") must still count as close.
        let close = words.map { ($0, Spelling.editDistance(word.lowercased(), $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
        if let close {
            return "unknown command '\(word)'; did you mean '\(close)'? (`help` lists the commands)"
        }
        return "unknown command '\(word)'; `help` lists the commands"
    }
}
