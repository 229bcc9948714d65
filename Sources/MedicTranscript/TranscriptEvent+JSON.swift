import MedicCore

extension TranscriptEvent {
    /// The event's name in the journal (`"event":"…"`).
    var journalName: String {
        switch self {
        case .start: "start"
        case .inputs: "inputs"
        case .step: "step"
        case .run: "run"
        case .output: "output"
        case .result: "result"
        case .hosts: "hosts"
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
            json.add("flags", flags: start.flags)
            json.add("interactive", start.interactive)
        case .inputs(let review):
            json.add("inputs", objects: review.entries) { json, entry in
                json.add("name", entry.name)
                json.add("value", entry.value)
                json.add("origin", entry.origin)
                json.add("flags", strings: entry.flags)
                json.add("notes", strings: entry.notes)
            }
            json.add("accepted_by", review.acceptedBy)
        case .step(let visit):
            json.add("step_id", visit.stepID)
            json.add("kind", own: visit.kind.rawValue)
            json.add("title", visit.title)
            json.add("why", visit.why)
            json.add("runbook_id", visit.runbookID)
        case .run(let run):
            json.add("step_id", run.stepID)
            json.add("kind", own: run.kind.rawValue)
            json.add("display", run.display)
            json.add("placement", run.placement)
            json.add("dry_run", run.dryRun)
            if let reason = run.unverified { json.add("unverified", reason) }
            if let over = run.timeoutBeyondCap {
                json.add("timeout", over.timeout)
                json.add("timeout_beyond_cap", over.reason)
            }
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
        case .hosts(let record):
            json.add("step_id", record.stepID)
            json.add("placement", record.placement)
            json.add("stopped", record.stopped)
            json.add("hosts", objects: record.hosts) { json, host in
                json.add("host", host.host)
                json.add("exit_status", host.exitStatus)
                json.add("unreachable", host.unreachable)
                json.add("timed_out", host.timedOut)
                json.add("cancelled", host.cancelled)
                json.add("succeeded", host.succeeded)
                json.add("duration_milliseconds", host.durationMilliseconds)
                json.add("failure_reason", host.failureReason)
                json.add("excerpt", host.excerpt)
                json.add("bytes", host.bytes)
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
            json.add("reply", decision: confirm.reply)
            json.add("approved", confirm.approved)
            json.add("by", decision: confirm.by)
        case .answer(let stepID, let answer, let by):
            json.add("step_id", stepID)
            json.add("answer", answer)
            if let by { json.add("by", decision: by) }
        case .stalled(let stepID, let reason):
            json.add("step_id", stepID)
            json.add("reason", reason)
        case .command(let stepID, let text):
            json.add("step_id", stepID)
            json.add("text", text)
        case .note(let text):
            json.add("text", text)
        case .end(let end):
            json.add("outcome", end.outcome, ownIfAmong: JSONWriter.outcomeWords)
            json.add("cause", end.cause)
            json.add("cause_title", end.causeTitle)
            json.add("cause_description", end.causeDescription)
            json.add("summary", end.summary)
            json.add("step_id", end.stepID)
            json.add("exit_status", Int(end.exitStatus))
            json.add("title", end.title)
            json.add("escalate_to", end.escalateTo)
            json.add("actions", objects: end.actions) { json, action in
                json.add("step_id", action.stepID)
                json.add("title", action.title)
                json.add("fate", own: action.fate.rawValue)
                json.add("by", decision: action.by)
                json.add("at", own: action.at.flatMap { $0.isEmpty ? nil : $0 })
                json.add("result", action.result.isEmpty ? nil : action.result)
                json.add("reply", decision: action.reply)
                json.add("started_at", own: action.startedAt)
                if action.isRollout {
                    json.add("batch_count", action.batchCount)
                    json.add("first_batch", action.firstBatch)
                    json.add("batches_run", action.batchesRun)
                    json.add("batches", objects: action.batches) { json, batch in
                        json.add("approved", batch.approved)
                        json.add("reply", decision: batch.reply)
                        json.add("by", decision: batch.by)
                        json.add("at", own: batch.at.isEmpty ? nil : batch.at)
                        if batch.resumed { json.add("resumed", true) }
                    }
                    json.add("hosts", objects: action.hosts) { json, host in
                        json.add("host", host.host)
                        json.add("state", own: host.state.rawValue)
                        json.add("detail", host.detail)
                    }
                }
                json.add("told", action.sentence)
            }
            if let used = end.inputsUsed { json.add("inputs_used", strings: used) }
        }
    }
}

extension TranscriptEvent {
    /// Reads back the event `writeFields` wrote: `name` is the journal's `event` and `fields`
    /// the rest of the line without the envelope. Nil when `name` is not an event of this
    /// format; throws the first field that is missing or of the wrong type.
    init?(journalName name: String, fields: [String: JSONValue]) throws(JournalFields.Missing) {
        let f = JournalFields(fields: fields)
        switch name {
        case "start":
            self = .start(
                SessionStart(
                    runbookID: try f.string("runbook_id"), runbookVersion: try f.nullableString("runbook_version"),
                    files: try f.objects("files") { file throws(JournalFields.Missing) in
                        RunbookFileDigest(path: try file.string("path"), sha256: try file.string("sha256"))
                    },
                    medicVersion: try f.string("medic_version"), operatorName: try f.string("operator_name"),
                    inputs: try f.objects("inputs") { input throws(JournalFields.Missing) in
                        InputValue(name: try input.string("name"), value: try input.string("value"), secret: try input.bool("secret"))
                    },
                    flags: try f.strings("flags"), interactive: try f.bool("interactive")))
        case "inputs":
            self = .inputs(
                InputReviewRecord(
                    entries: try f.objects("inputs") { entry throws(JournalFields.Missing) in
                        InputReviewRecord.Entry(
                            name: try entry.string("name"), value: try entry.string("value"), origin: try entry.string("origin"),
                            flags: try entry.strings("flags"), notes: try entry.strings("notes"))
                    }, acceptedBy: try f.string("accepted_by")))
        case "step":
            self = .step(
                StepVisit(
                    stepID: try f.string("step_id"), kind: try f.kind("kind"), title: try f.string("title"), why: try f.string("why"),
                    runbookID: try f.string("runbook_id")))
        case "run":
            var run = RunRecord(
                stepID: try f.string("step_id"), kind: try f.kind("kind"), display: try f.string("display"),
                placement: try f.string("placement"), dryRun: try f.bool("dry_run"))
            run.unverified = try f.nullableString("unverified")
            if let timeout = try f.nullableString("timeout"), let reason = try f.nullableString("timeout_beyond_cap") {
                run.timeoutBeyondCap = TimeoutBeyondCap(timeout: timeout, reason: reason)
            }
            self = .run(run)
        case "output":
            self = .output(
                OutputRecord(
                    stepID: try f.string("step_id"), excerpt: try f.string("excerpt"), bytes: try f.int("bytes"), lines: try f.int("lines"),
                    file: try f.nullableString("file")))
        case "result":
            var result = ResultRecord(
                stepID: try f.string("step_id"), exitStatus: try f.nullableInt("exit_status"), httpStatus: try f.nullableInt("http_status"),
                durationMilliseconds: try f.int("duration_milliseconds"), timedOut: try f.bool("timed_out"),
                cancelled: try f.bool("cancelled"), failureReason: try f.nullableString("failure_reason"),
                notRun: try f.nullableString("not_run"), succeeded: try f.bool("succeeded"))
            result.headers = try f.objects("headers", optional: true) { header throws(JournalFields.Missing) in
                HTTPHeader(name: try header.string("name"), value: try header.string("value"))
            }
            self = .result(result)
        case "hosts":
            self = .hosts(
                HostsRecord(
                    stepID: try f.string("step_id"), placement: try f.string("placement"),
                    hosts: try f.objects("hosts") { host throws(JournalFields.Missing) in
                        HostRecord(
                            host: try host.string("host"), exitStatus: try host.nullableInt("exit_status"), unreachable: try host.bool("unreachable"),
                            timedOut: try host.bool("timed_out"), cancelled: try host.bool("cancelled"), succeeded: try host.bool("succeeded"),
                            durationMilliseconds: try host.int("duration_milliseconds"), failureReason: try host.nullableString("failure_reason"),
                            excerpt: try host.string("excerpt"), bytes: try host.nullableInt("bytes"))
                    },
                    stopped: try f.nullableString("stopped")))
        case "captured":
            self = .captured(
                stepID: try f.string("step_id"),
                values: try f.objects("values") { value throws(JournalFields.Missing) in
                    CapturedValue(name: try value.string("name"), value: try value.string("value"))
                })
        case "branch":
            self = .branch(
                BranchTaken(
                    from: try f.string("from"), to: try f.string("to"), condition: try f.string("condition"),
                    because: try f.nullableString("because")))
        case "confirm":
            self = .confirm(
                ConfirmRecord(
                    stepID: try f.string("step_id"), expected: try f.string("expected"), reply: try f.string("reply"),
                    approved: try f.bool("approved"), by: try f.string("by")))
        case "answer": self = .answer(stepID: try f.string("step_id"), answer: try f.string("answer"), by: try f.nullableString("by"))
        case "stalled": self = .stalled(stepID: try f.string("step_id"), reason: try f.string("reason"))
        case "command": self = .command(stepID: try f.string("step_id"), text: try f.string("text"))
        case "note": self = .note(try f.string("text"))
        case "end":
            let status = try f.int("exit_status")
            guard let exitStatus = Int32(exactly: status) else { throw JournalFields.Missing(field: "exit_status") }
            // title, escalate_to, actions, inputs_used and the cause's title and description came
            // later: a journal without them still reads.
            self = .end(
                SessionEnd(
                    outcome: try f.string("outcome"), cause: try f.string("cause"), summary: try f.string("summary"),
                    stepID: try f.nullableString("step_id"), exitStatus: exitStatus, title: try f.nullableString("title"),
                    escalateTo: try f.nullableString("escalate_to"),
                    actions: try f.objects("actions", optional: true) { action throws(JournalFields.Missing) in
                        guard let fate = ActionRecord.Fate(rawValue: try action.string("fate")) else { throw JournalFields.Missing(field: "fate") }
                        var record = ActionRecord(
                            stepID: try action.string("step_id"), title: try action.string("title"), fate: fate,
                            by: try action.nullableString("by"), at: try action.nullableString("at"))
                        record.result = try action.nullableString("result") ?? ""
                        record.reply = try action.nullableString("reply")
                        record.startedAt = try action.nullableString("started_at")
                        // A rolling action's batches and hosts came later, and only for rollouts.
                        record.batchCount = try action.nullableInt("batch_count") ?? 0
                        record.firstBatch = try action.nullableInt("first_batch") ?? 1
                        record.batchesRun = try action.nullableInt("batches_run") ?? 0
                        record.batches = try action.objects("batches", optional: true) { batch throws(JournalFields.Missing) in
                            ActionRecord.BatchDecision(
                                approved: try batch.bool("approved"), reply: try batch.string("reply"), by: try batch.string("by"),
                                at: try batch.nullableString("at") ?? "", resumed: batch.fields["resumed"] == nil ? false : try batch.bool("resumed"))
                        }
                        record.hosts = try action.objects("hosts", optional: true) { host throws(JournalFields.Missing) in
                            guard let state = ActionRecord.HostFate.State(rawValue: try host.string("state")) else {
                                throw JournalFields.Missing(field: "state")
                            }
                            return ActionRecord.HostFate(host: try host.string("host"), state: state, detail: try host.string("detail"))
                        }
                        return record
                    },
                    inputsUsed: f.fields["inputs_used"] == nil ? nil : try f.strings("inputs_used"),
                    causeTitle: try f.nullableString("cause_title"), causeDescription: try f.nullableString("cause_description")))
        default:
            return nil
        }
    }
}
