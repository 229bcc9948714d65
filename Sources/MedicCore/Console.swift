/// The operator's side of a run: what they see and what they type.
///
/// The real console (`MedicTerminal.TerminalConsole`) edits lines with libedit, reads secrets
/// with echo off and colours text on a terminal; tests use a scripted double. The session
/// decides every word shown; the console only decides how it looks.
public protocol Console: AnyObject {
    /// Whether a person is at a terminal (standard input is one).
    var isInteractive: Bool { get }
    /// Shows `text` (one or more lines) in `style`.
    func show(_ text: String, _ style: ScreenStyle)
    /// Reads one line after `prompt`, offering `completions` for tab. With `fresh`, anything
    /// typed before the prompt appeared is discarded first, and the line is read with Medic's
    /// own key bindings only, never the user's (`~/.editrc`), and without history (Up recalls
    /// nothing), for decisions. A completion is
    /// a whole line (`goto check-app`); tab inserts the rest of the one that starts with what
    /// was typed, exactly, with a trailing space only when the completion has one (`goto `).
    ///
    /// The line typed is not recorded (see `recordTyped`).
    func readLine(prompt: String, completions: [String], fresh: Bool) -> ConsoleReply
    /// Records, in the session's screen recording, that `kept` was typed after `prompt`: the
    /// line in the form the session decided may be kept (a secret's value withheld). The console
    /// never records a typed line itself: only the session knows what in it is secret. Without
    /// a terminal nothing echoed the line, and this is also what puts it on screen: as kept.
    func recordTyped(_ kept: String, after prompt: String)
    /// Discards whatever was typed at the terminal and not yet read by a prompt (keys pressed
    /// while a step ran, or before the prompt was drawn); true when something was. Without a
    /// terminal nothing is discarded: piped lines are meant to be read, one per prompt.
    func discardTypeahead() -> Bool
    /// Reads a secret with echo off, never through line editing or history; nil at end of input.
    func readSecret(prompt: String) -> String?
    /// Remembers a line in the operator's history (already masked).
    func remember(_ line: String)
    /// The screen's width in columns, asked afresh each time so a resize counts; nil when
    /// standard output is not a terminal (then nothing is wrapped).
    var width: Int? { get }
    /// Whether Medic has been told to stop (SIGTERM, or the terminal hung up) and has not yet
    /// acted on it; asked without clearing it, to say truly why a step was cancelled.
    var stopPending: Bool { get }
}

extension Console {
    /// Nothing is recorded.
    public func recordTyped(_ kept: String, after prompt: String) {}
    /// Nothing was typed ahead.
    public func discardTypeahead() -> Bool { false }
    /// No width: nothing is wrapped.
    public var width: Int? { nil }
    /// Never told to stop.
    public var stopPending: Bool { false }
}

/// What the operator did at a prompt.
public enum ConsoleReply: Sendable, Hashable {
    /// A line (without its newline).
    case line(String)
    /// Ctrl-C.
    case interrupted
    /// End of input (Ctrl-D, or standard input closed).
    case endOfInput
    /// The terminal went away or Medic was told to stop (SIGHUP, SIGTERM).
    case hangUp
}

/// How a piece of text is meant, so the console can colour it.
public enum ScreenStyle: Sendable, Hashable {
    /// Ordinary text.
    case plain
    /// A step's heading; the kind decides the colour.
    case heading(Step.Kind)
    /// The teaching text.
    case why
    /// What runs, exactly.
    case command
    /// A line a step printed (already sanitized).
    case output
    /// Secondary information: durations, hidden-line markers, hints.
    case dim
    /// A good result.
    case success
    /// A bad result.
    case failure
    /// A branch taken and why.
    case branch
    /// Something the operator should notice.
    case warning
    /// Something went wrong in Medic or the run.
    case error
    /// The end of the walk, coloured by how it ended.
    case conclusion(Outcome?)
}
