import MedicCore

extension TranscriptEvent {
    /// The event's name in the journal (`"event":"…"`).
    var journalName: String {
        switch self {
        case .start: "start"
        case .step: "step"
        case .run: "run"
        case .output: "output"
        case .result: "result"
        case .captured: "captured"
        case .branch: "branch"
        case .confirm: "confirm"
        case .answer: "answer"
        case .stalled: "stalled"
        case .command: "command"
        case .note: "note"
        case .end: "end"
        }
    }

    /// Adds the event's own fields, in the documented order (docs/transcript-format.md).
    func writeFields(to json: inout JSONWriter) {
        switch self {
        case .start(let start):
            json.add("runbook_id", start.runbookID)
            json.add("runbook_version", start.runbookVersion)
            json.add("files", objects: start.files) { json, file in
                json.add("path", file.path)
                json.add("sha256", file.sha256)
            }
            json.add("medic_version", start.medicVersion)
            json.add("operator_name", start.operatorName)
            json.add("inputs", objects: start.inputs) { json, input in
                json.add("name", input.name)
                json.add("value", input.secret ? Masking.mask : input.value)
                json.add("secret", input.secret)
            }
            json.add("flags", strings: start.flags)
            json.add("interactive", start.interactive)
        case .step(let visit):
            json.add("step_id", visit.stepID)
            json.add("kind", visit.kind.rawValue)
            json.add("title", visit.title)
            json.add("why", visit.why)
            json.add("runbook_id", visit.runbookID)
        case .run(let run):
            json.add("step_id", run.stepID)
            json.add("kind", run.kind.rawValue)
            json.add("display", run.display)
            json.add("placement", run.placement)
            json.add("dry_run", run.dryRun)
        case .output(let output):
            json.add("step_id", output.stepID)
            json.add("excerpt", output.excerpt)
            json.add("bytes", output.bytes)
            json.add("lines", output.lines)
            json.add("file", output.file)
        case .result(let result):
            json.add("step_id", result.stepID)
            json.add("exit_status", result.exitStatus)
            json.add("http_status", result.httpStatus)
            json.add("duration_milliseconds", result.durationMilliseconds)
            json.add("timed_out", result.timedOut)
            json.add("cancelled", result.cancelled)
            json.add("failure_reason", result.failureReason)
            json.add("not_run", result.notRun)
            json.add("succeeded", result.succeeded)
            if !result.headers.isEmpty {
                json.add("headers", objects: result.headers) { json, header in
                    json.add("name", header.name)
                    json.add("value", header.value)
                }
            }
        case .captured(let stepID, let values):
            json.add("step_id", stepID)
            json.add("values", objects: values) { json, value in
                json.add("name", value.name)
                json.add("value", value.value)
            }
        case .branch(let branch):
            json.add("from", branch.from)
            json.add("to", branch.to)
            json.add("condition", branch.condition)
            json.add("because", branch.because)
        case .confirm(let confirm):
            json.add("step_id", confirm.stepID)
            json.add("expected", confirm.expected)
            json.add("reply", confirm.reply)
            json.add("approved", confirm.approved)
            json.add("by", confirm.by)
        case .answer(let stepID, let answer):
            json.add("step_id", stepID)
            json.add("answer", answer)
        case .stalled(let stepID, let reason):
            json.add("step_id", stepID)
            json.add("reason", reason)
        case .command(let stepID, let text):
            json.add("step_id", stepID)
            json.add("text", text)
        case .note(let text):
            json.add("text", text)
        case .end(let end):
            json.add("outcome", end.outcome)
            json.add("cause", end.cause)
            json.add("summary", end.summary)
            json.add("step_id", end.stepID)
            json.add("exit_status", Int(end.exitStatus))
            json.add("title", end.title)
            json.add("escalate_to", end.escalateTo)
            json.add("actions", objects: end.actions) { json, action in
                json.add("step_id", action.stepID)
                json.add("title", action.title)
                json.add("fate", action.fate.rawValue)
                json.add("by", action.by)
                json.add("at", action.at.flatMap { $0.isEmpty ? nil : $0 })
                json.add("result", action.result.isEmpty ? nil : action.result)
                json.add("reply", action.reply)
                json.add("started_at", action.startedAt)
                json.add("told", action.sentence)
            }
            if let used = end.inputsUsed { json.add("inputs_used", strings: used) }
        }
    }
}
