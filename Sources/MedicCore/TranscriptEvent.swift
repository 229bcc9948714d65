/// One entry of the incident journal (`transcript.jsonl`), before the recorder stamps it with a
/// sequence number and a time.
///
/// Every text in an event is already masked: secrets never reach a recorder.
public enum TranscriptEvent: Sendable, Hashable {
    /// The run started.
    case start(SessionStart)
    /// The inputs screen before step 1: every value, where it came from, and how it was accepted.
    case inputs(InputReviewRecord)
    /// A step was entered.
    case step(StepVisit)
    /// A check or action is about to run (written, and synced, before it starts).
    case run(RunRecord)
    /// What a step printed: an excerpt, the byte count and where the whole of it is.
    case output(OutputRecord)
    /// How a step ended.
    case result(ResultRecord)
    /// Each host's result of a step that ran on a host set (one batch of a rollout, or the
    /// hosts a stopped rollout never reached).
    case hosts(HostsRecord)
    /// Values captured from a step's output.
    case captured(stepID: String, values: [CapturedValue])
    /// A branch was taken, and why.
    case branch(BranchTaken)
    /// An action was put to the operator and answered.
    case confirm(ConfirmRecord)
    /// A question was answered: by the operator at the prompt (`by` nil), or by `--answer`
    /// (`by` "--answer").
    case answer(stepID: String, answer: String, by: String? = nil)
    /// A step could not go on (cancelled, no branch applies).
    case stalled(stepID: String, reason: String)
    /// The operator typed a command that changes the walk (`back`, `retry`, `skip`, `goto`, `set`).
    case command(stepID: String, text: String)
    /// The operator's note.
    case note(String)
    /// The run ended.
    case end(SessionEnd)
}

/// What the journal says about the start of a run.
public struct SessionStart: Sendable, Hashable {
    /// The root runbook's id and version.
    public var runbookID: String
    public var runbookVersion: String?
    /// Every runbook file used, with its SHA-256 in hex.
    public var files: [RunbookFileDigest]
    /// Medic's version.
    public var medicVersion: String
    /// `user@host`.
    public var operatorName: String
    /// The inputs in order, secrets masked.
    public var inputs: [InputValue]
    /// Flags that change how the run behaves: `--yes`, `--dry-run`.
    public var flags: [String]
    /// Whether a person is at a terminal.
    public var interactive: Bool

    /// Creates a start record.
    public init(
        runbookID: String, runbookVersion: String?, files: [RunbookFileDigest], medicVersion: String, operatorName: String,
        inputs: [InputValue], flags: [String], interactive: Bool
    ) {
        self.runbookID = runbookID
        self.runbookVersion = runbookVersion
        self.files = files
        self.medicVersion = medicVersion
        self.operatorName = operatorName
        self.inputs = inputs
        self.flags = flags
        self.interactive = interactive
    }
}

/// A runbook file and the SHA-256 of its bytes.
public struct RunbookFileDigest: Sendable, Hashable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// An input's value as recorded: masked when secret.
public struct InputValue: Sendable, Hashable {
    public var name: String
    public var value: String
    public var secret: Bool
    public init(name: String, value: String, secret: Bool) {
        self.name = name
        self.value = value
        self.secret = secret
    }
}

/// A check or action about to run.
public struct RunRecord: Sendable, Hashable {
    public var stepID: String
    public var kind: Step.Kind
    /// What runs, values filled in, secrets masked (`Invocation.display`).
    public var display: String
    /// Where it runs (`local`).
    public var placement: String
    /// True when the action is only shown (`--dry-run`) and will not run.
    public var dryRun: Bool
    /// For a check read-only only on its author's word, the reason they gave (`read_only`).
    public var unverified: String?
    /// For a step whose timeout goes past the 1h cap, the timeout and the runbook's reason.
    public var timeoutBeyondCap: TimeoutBeyondCap?
    public init(stepID: String, kind: Step.Kind, display: String, placement: String, dryRun: Bool) {
        self.stepID = stepID
        self.kind = kind
        self.display = display
        self.placement = placement
        self.dryRun = dryRun
    }

    /// The record of `invocation` about to run (or, when `dryRun`, only shown).
    public init(_ invocation: Invocation, dryRun: Bool) {
        self.init(
            stepID: invocation.stepID, kind: invocation.kind, display: invocation.display, placement: invocation.placementText, dryRun: dryRun)
        unverified = invocation.unverified
        timeoutBeyondCap = invocation.beyondCap
    }
}

/// A step's timeout past the 1h cap, and why the runbook gives it (`timeout_beyond_cap`).
public struct TimeoutBeyondCap: Sendable, Hashable {
    /// The timeout, as `TimeSpan` writes it (`10h`).
    public var timeout: String
    /// The runbook's reason.
    public var reason: String
    public init(timeout: String, reason: String) {
        self.timeout = timeout
        self.reason = reason
    }

    /// The line shown on the screen and in the report.
    public var sentence: String { "timeout \(timeout), past the 1h cap because: \(reason)" }
}

/// What a step printed.
public struct OutputRecord: Sendable, Hashable {
    public var stepID: String
    /// The first and last lines, masked; at most a few KiB.
    public var excerpt: String
    /// How many bytes the step printed in all.
    public var bytes: Int
    /// How many lines.
    public var lines: Int
    /// The file holding all of it, relative to the session directory; nil when nothing was kept.
    public var file: String?
    public init(stepID: String, excerpt: String, bytes: Int, lines: Int, file: String?) {
        self.stepID = stepID
        self.excerpt = excerpt
        self.bytes = bytes
        self.lines = lines
        self.file = file
    }
}

/// How a step ended.
public struct ResultRecord: Sendable, Hashable {
    public var stepID: String
    public var exitStatus: Int?
    public var httpStatus: Int?
    public var durationMilliseconds: Int
    public var timedOut: Bool
    public var cancelled: Bool
    /// Why it could not run at all.
    public var failureReason: String?
    /// Set when the step did not run: "dry run".
    public var notRun: String?
    /// Whether the step counts as a success (exit 0, expected HTTP status, open port).
    public var succeeded: Bool
    /// An HTTP probe's response headers, in order; credentials masked.
    public var headers: [HTTPHeader] = []
    public init(
        stepID: String, exitStatus: Int?, httpStatus: Int?, durationMilliseconds: Int, timedOut: Bool, cancelled: Bool,
        failureReason: String?, notRun: String?, succeeded: Bool
    ) {
        self.stepID = stepID
        self.exitStatus = exitStatus
        self.httpStatus = httpStatus
        self.durationMilliseconds = durationMilliseconds
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.failureReason = failureReason
        self.notRun = notRun
        self.succeeded = succeeded
    }
}

/// An action put to the operator.
public struct ConfirmRecord: Sendable, Hashable {
    public var stepID: String
    /// What the prompt asked for (`yes`, or the target's name).
    public var expected: String
    /// What the operator typed (masked), `--yes`, or a description such as "end of input".
    public var reply: String
    /// Whether the action was approved.
    public var approved: Bool
    /// Who approved: the operator's `user@host`, or `--yes`.
    public var by: String
    public init(stepID: String, expected: String, reply: String, approved: Bool, by: String) {
        self.stepID = stepID
        self.expected = expected
        self.reply = reply
        self.approved = approved
        self.by = by
    }
}

/// How the run ended.
public struct SessionEnd: Sendable, Hashable {
    /// The outcome of a run that stopped before a decision nobody was there to make; such a
    /// run can be resumed.
    public static let needsPerson = "needs-person"

    /// `resolved`, `escalate`, `no-fault`, `aborted` or `needs-person`.
    public var outcome: String
    /// The cause's id; empty when aborted or stopped.
    public var cause: String
    /// The cause's title, as the concluding runbook declares it; nil when aborted or stopped
    /// (or in a journal written before runbooks declared their causes).
    public var causeTitle: String?
    /// The cause's description, as the concluding runbook declares it; nil like `causeTitle`.
    public var causeDescription: String?
    /// What the ending says: the conclusion's summary (or why the run was aborted, or where and
    /// why it stopped), followed by a line for each action on the path that did not run and
    /// succeed (`ActionAccount.compose`).
    public var summary: String
    /// The conclusion step, when one was reached; the step the run stopped before, for `needs-person`.
    public var stepID: String?
    /// The exit status `medic run` ends with.
    public var exitStatus: Int32
    /// The conclusion's title, when one was reached.
    public var title: String?
    /// Who to hand the incident to: the runbook's `escalation`, when the outcome is `escalate`.
    public var escalateTo: String?
    /// Every action the path reached and what became of it.
    public var actions: [ActionRecord]
    /// The root runbook's inputs the path read, in the order they are declared; nil when not
    /// known (a journal written before Medic recorded it).
    public var inputsUsed: [String]?

    public init(
        outcome: String, cause: String, summary: String, stepID: String?, exitStatus: Int32, title: String? = nil,
        escalateTo: String? = nil, actions: [ActionRecord] = [], inputsUsed: [String]? = nil, causeTitle: String? = nil,
        causeDescription: String? = nil
    ) {
        self.inputsUsed = inputsUsed
        self.outcome = outcome
        self.cause = cause
        self.causeTitle = causeTitle
        self.causeDescription = causeDescription
        self.summary = summary
        self.stepID = stepID
        self.exitStatus = exitStatus
        self.title = title
        self.escalateTo = escalateTo
        self.actions = actions
    }
}

/// Writes the journal of a run. The real one is a session directory; tests use doubles.
public protocol Recorder: AnyObject {
    /// Appends `event` durably (on disk before this returns) and returns the time stamped on it
    /// (`2026-11-21T03:12:07.123Z`; empty when the recorder keeps no time), which the ending
    /// quotes. Throws when it could not, so the run can stop before anything else happens
    /// unrecorded.
    @discardableResult func record(_ event: TranscriptEvent) throws -> String
    /// Opens the file for the full output of one run of `stepID`.
    func openOutput(stepID: String) throws -> any OutputStore
    /// Learns a secret that became known during the run (asked late), to mask it too in
    /// everything written from now on.
    func learnSecret(_ value: String)
}

extension Recorder {
    /// A recorder that masks nothing itself learns nothing.
    public func learnSecret(_ value: String) {}
}

/// Where the full output of one step run goes.
public protocol OutputStore: AnyObject {
    /// Appends bytes (already masked).
    func write(_ bytes: ArraySlice<UInt8>) throws
    /// Closes the file and returns its path relative to the session directory.
    func close() throws -> String
}

/// The inputs screen as the journal keeps it: each input's value (masked when secret), where it
/// came from, what discovery flagged, and who accepted the values.
public struct InputReviewRecord: Sendable, Hashable {
    /// One input on the screen.
    public struct Entry: Sendable, Hashable {
        public var name: String
        /// The value; the mask for a secret, empty for a secret not asked yet.
        public var value: String
        /// Where it came from, as the screen says it (`discovered: …`, `default`, `--var`…).
        public var origin: String
        /// Where the value disagrees with what discovery found.
        public var flags: [String]
        /// What happened while discovering.
        public var notes: [String]

        public init(name: String, value: String, origin: String, flags: [String] = [], notes: [String] = []) {
            self.name = name
            self.value = value
            self.origin = origin
            self.flags = flags
            self.notes = notes
        }
    }

    /// The inputs in the runbook's order.
    public var entries: [Entry]
    /// Who accepted them: `operator` (typed yes), `--yes`, or `unattended` (no terminal).
    public var acceptedBy: String

    public init(entries: [Entry], acceptedBy: String) {
        self.entries = entries
        self.acceptedBy = acceptedBy
    }

    /// The record of `findings`, secrets masked.
    public init(_ findings: [InputFinding], acceptedBy: String) {
        self.init(
            entries: findings.map {
                Entry(
                    name: $0.name, value: $0.isSecret ? ($0.origin == .askedLate ? "" : Masking.mask) : $0.value,
                    origin: $0.origin.describe(name: $0.name), flags: $0.flags, notes: $0.notes)
            }, acceptedBy: acceptedBy)
    }
}

/// What the journal says about each host of a host-set step.
public struct HostsRecord: Sendable, Hashable {
    /// The step (a rollout's verify check has its own id).
    public var stepID: String
    /// Where it ran: `hosts SET (batch 1 of 3): a, b`.
    public var placement: String
    /// One entry per host, in the set's order.
    public var hosts: [HostRecord]
    /// For a rollout that stopped: why; the hosts listed were then not run.
    public var stopped: String?

    /// Creates a record.
    public init(stepID: String, placement: String, hosts: [HostRecord], stopped: String? = nil) {
        self.stepID = stepID
        self.placement = placement
        self.hosts = hosts
        self.stopped = stopped
    }
}

/// One host's result, masked.
public struct HostRecord: Sendable, Hashable {
    /// The host.
    public var host: String
    /// The exit status there; nil when nothing ran or it never ended on its own.
    public var exitStatus: Int?
    /// Whether ssh could not reach it.
    public var unreachable: Bool
    /// Whether the step hit its timeout there.
    public var timedOut: Bool
    /// Whether the operator cancelled it.
    public var cancelled: Bool
    /// Whether the step succeeded there.
    public var succeeded: Bool
    /// How long it took there.
    public var durationMilliseconds: Int
    /// Why it could not run there, when it could not (ssh's message for an unreachable host).
    public var failureReason: String?
    /// The output there: its first and last lines.
    public var excerpt: String
    /// How many bytes of output the walk saw there (what was kept of it, masked), which the step's
    /// output file holds after the host's section line (`sectionLine`), so that a resumed run
    /// reads back the whole of it; nil in a stopped rollout's record of the hosts it never
    /// reached, and in journals written before Medic recorded it.
    public var bytes: Int?

    /// Creates a host record.
    public init(
        host: String, exitStatus: Int?, unreachable: Bool, timedOut: Bool, cancelled: Bool, succeeded: Bool, durationMilliseconds: Int,
        failureReason: String?, excerpt: String, bytes: Int? = nil
    ) {
        self.host = host
        self.exitStatus = exitStatus
        self.unreachable = unreachable
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.succeeded = succeeded
        self.durationMilliseconds = durationMilliseconds
        self.failureReason = failureReason
        self.excerpt = excerpt
        self.bytes = bytes
    }
}
