import MedicCore

extension JournalEntry {
    /// The record as the typed event it was written from, for the events the report's first
    /// screen and timeline read (all but `output` and `captured`); nil for those and for a record too damaged to be one. Fields a newer Medic may leave out take
    /// their neutral value, as the format's compatibility rule asks.
    var summaryEvent: TranscriptEvent? {
        switch event {
        case "start":
            return .start(
                SessionStart(
                    runbookID: string("runbook_id") ?? "", runbookVersion: string("runbook_version"), files: [],
                    medicVersion: string("medic_version") ?? "", operatorName: string("operator_name") ?? "",
                    inputs: array("inputs").map {
                        InputValue(name: $0.member("name") ?? "", value: $0.member("value") ?? "", secret: $0.flag("secret"))
                    },
                    flags: array("flags").compactMap { if case .string(let flag) = $0 { flag } else { nil } },
                    interactive: bool("interactive")))
        case "step":
            guard let id = string("step_id"), let kind = string("kind").flatMap(Step.Kind.init(rawValue:)) else { return nil }
            return .step(
                StepVisit(stepID: id, kind: kind, title: string("title") ?? "", why: string("why") ?? "", runbookID: string("runbook_id") ?? ""))
        case "run":
            guard let id = string("step_id"), let kind = string("kind").flatMap(Step.Kind.init(rawValue:)) else { return nil }
            return .run(
                RunRecord(stepID: id, kind: kind, display: string("display") ?? "", placement: string("placement") ?? "", dryRun: bool("dry_run")))
        case "result":
            guard let id = string("step_id") else { return nil }
            return .result(
                ResultRecord(
                    stepID: id, exitStatus: int("exit_status"), httpStatus: int("http_status"),
                    durationMilliseconds: int("duration_milliseconds") ?? 0, timedOut: bool("timed_out"), cancelled: bool("cancelled"),
                    failureReason: string("failure_reason"), notRun: string("not_run"), succeeded: bool("succeeded")))
        case "confirm":
            guard let id = string("step_id") else { return nil }
            return .confirm(
                ConfirmRecord(
                    stepID: id, expected: string("expected") ?? "", reply: string("reply") ?? "", approved: bool("approved"),
                    by: string("by") ?? ""))
        case "branch":
            guard let to = string("to") else { return nil }
            return .branch(BranchTaken(from: string("from") ?? "", to: to, condition: string("condition") ?? "", because: string("because")))
        case "answer":
            guard let id = string("step_id") else { return nil }
            return .answer(stepID: id, answer: string("answer") ?? "")
        case "stalled":
            guard let id = string("step_id") else { return nil }
            return .stalled(stepID: id, reason: string("reason") ?? "")
        case "note":
            return .note(string("text") ?? "")
        case "command":
            guard let id = string("step_id") else { return nil }
            return .command(stepID: id, text: string("text") ?? "")
        case "end":
            var end = SessionEnd(
                outcome: string("outcome") ?? "", cause: string("cause") ?? "", summary: string("summary") ?? "",
                stepID: string("step_id"), exitStatus: Int32(clamping: int("exit_status") ?? 0), title: string("title"),
                escalateTo: string("escalate_to"))
            end.actions = array("actions").compactMap(Self.action)
            end.inputsUsed =
                fields["inputs_used"] == nil ? nil : array("inputs_used").compactMap { if case .string(let name) = $0 { name } else { nil } }
            return .end(end)
        default:
            return nil
        }
    }

    /// One item of an `end` record's `actions`.
    private static func action(_ value: JSONValue) -> ActionRecord? {
        guard case .object(let fields) = value, case .string(let id)? = fields["step_id"],
            case .string(let name)? = fields["fate"], let fate = ActionRecord.Fate(rawValue: name)
        else { return nil }
        var record = ActionRecord(stepID: id, title: value.member("title") ?? "", fate: fate, by: value.member("by"), at: value.member("at"))
        record.reply = value.member("reply")
        record.startedAt = value.member("started_at")
        record.result = value.member("result") ?? ""
        return record
    }
}

extension ActionAccount {
    /// The account of the actions in a journal read back, as the session that wrote it kept it.
    public init(journal entries: [JournalEntry]) {
        self.init()
        for entry in entries {
            if let event = entry.summaryEvent { observe(event, at: entry.time) }
        }
    }
}
