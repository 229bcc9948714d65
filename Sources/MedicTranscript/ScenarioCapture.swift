import MedicCore

/// Turns the journal of a real run into a scenario (`medic scenario capture`): the results the
/// steps really had, the answers really given, and the path and ending the run really took.
///
/// Only a whole journal of a run that ran for real and reached a conclusion is captured. A
/// damaged journal, a run that did not end (killed, or stopped for want of a person), an aborted
/// run, a dry run, a continuation (`medic resume`), and a run the operator steered with typed
/// commands (`back`, `retry`, `goto`…) or Ctrl-C are refused with the reason: none of them is an
/// incident a scenario can replay as it happened.
public enum ScenarioCapture {
    /// The current time as the journal stamps times, for `capturedAt`.
    public static func now() -> String { Clock.iso8601(milliseconds: Clock.nowMilliseconds()) }

    /// Builds the scenario of the run whose journal `read` is, recorded in `session` (an
    /// absolute path). `keptOutput` gives a step's output as the run kept it in memory, read back
    /// from its output file; `hostOutputs` what each host of a host set's step printed, as the
    /// walk saw it (`StepOutputReader.hostOutputs`: nil when the journal does not record it, and
    /// each host's excerpt stands in); `capturedAt` and `medic` say when and by which Medic it
    /// is captured.
    public static func capture(
        _ read: JournalReadResult, session: String, keptOutput: (OutputRecord) throws -> String,
        hostOutputs: (OutputRecord, HostsRecord) throws -> [String]?, capturedAt: String, medic: String
    ) throws(TranscriptError) -> CapturedScenario {
        if let problem = read.problems.first {
            throw TranscriptError("the journal in \(session) is damaged (\(problem)); only a whole journal is captured")
        }
        guard case .event(.start(let start))? = read.entries.first?.record, let startTime = read.entries.first?.time else {
            throw TranscriptError("the journal in \(session) does not begin with a start record")
        }
        if start.flags.contains("--dry-run") {
            throw TranscriptError("the run in \(session) was a dry run: its actions never ran, so it records no incident")
        }
        if start.flags.contains(where: { $0.hasPrefix("--resumed-from=") }) {
            throw TranscriptError("the run in \(session) continues an interrupted one; capture is only from a run made in one go")
        }
        guard let runbook = start.files.first else { throw TranscriptError("the journal in \(session) does not name its runbook") }
        var scenario = CapturedScenario(
            name: start.runbookID, runbookID: start.runbookID,
            provenance: ScenarioProvenance(
                session: session, started: startTime, at: capturedAt, medic: medic, runMedic: start.medicVersion, runbook: runbook.path,
                sha256: runbook.sha256))
        scenario.inputs = start.inputs
        var outputs: [String: OutputRecord] = [:]
        var hostRecords: [String: HostsRecord] = [:]
        var ending: SessionEnd?
        var checks: Set<String> = []
        for entry in read.entries.dropFirst() {
            guard case .event(let event) = entry.record else {
                throw TranscriptError("line \(entry.line) of the journal in \(session) was withheld, so the run cannot be captured whole")
            }
            if ending != nil { throw TranscriptError("the journal in \(session) goes on after its end record (line \(entry.line))") }
            switch event {
            case .start:
                throw TranscriptError("the journal in \(session) has a second start record (line \(entry.line))")
            case .step(let visit):
                scenario.path.append(visit.stepID)
                if visit.kind == .check { checks.insert(visit.stepID) }
            case .output(let output):
                outputs[output.stepID] = output
            case .hosts(let record):
                // The hosts a stopped rollout never reached are the walk's own doing, not a result.
                if record.stopped == nil { hostRecords[record.stepID] = record }
            case .result(let result):
                if result.notRun != nil { throw TranscriptError("'\(result.stepID)' did not run (\(result.notRun ?? "")); nothing to capture") }
                if result.cancelled {
                    throw TranscriptError("'\(result.stepID)' was cancelled with Ctrl-C; a scenario cannot replay a cancelled step")
                }
                var output = ""
                let kept = outputs.removeValue(forKey: result.stepID)
                if let kept {
                    do {
                        output = try keptOutput(kept)
                    } catch {
                        throw TranscriptError("the output of '\(result.stepID)' could not be read back: \(error)")
                    }
                }
                var recorded = StepResult(
                    exitStatus: result.exitStatus, output: output, timedOut: result.timedOut, httpStatus: result.httpStatus,
                    headers: result.headers, failureReason: result.failureReason)
                if let record = hostRecords.removeValue(forKey: result.stepID) {
                    // A rollout's batches are one recorded result: each host's, once.
                    let earlier = scenario.results[result.stepID]?.last?.hosts
                    let batch = record.placement.contains("(batch ") && !record.placement.contains("(batch 1 of")
                    // Each host's output whole, as the walk saw it (a journal of an earlier Medic: its excerpt).
                    let hosts: [HostResult]
                    do {
                        hosts = try record.results(readBack: try kept.flatMap { try hostOutputs($0, record) })
                    } catch {
                        throw TranscriptError("the output of '\(result.stepID)' on its hosts could not be read back: \(error)")
                    }
                    recorded = StepResult(hosts: hosts)
                    if batch, let earlier, var list = scenario.results[result.stepID] {
                        list[list.count - 1] = StepResult(hosts: earlier + hosts)
                        scenario.results[result.stepID] = list
                        continue
                    }
                }
                if scenario.results[result.stepID] == nil { scenario.resultOrder.append(result.stepID) }
                scenario.results[result.stepID, default: []].append(recorded)
            case .confirm(let confirm) where checks.contains(confirm.stepID):
                // A check the author vouched for as read-only is confirmed once per runbook digest
                // (docs/runbook-format.md): not an action's decision, and a walk without the run
                // asks nothing, so it is neither an answer nor an action reached.
                if !confirm.approved {
                    throw TranscriptError(
                        "the vouched check '\(confirm.stepID)' was declined, which leaves it unrun; a scenario cannot replay that")
                }
            case .confirm(let confirm):
                let answer: String
                if confirm.approved {
                    answer = "yes"
                } else if ["skip", "abort"].contains(confirm.reply) {
                    throw TranscriptError("the action '\(confirm.stepID)' was answered '\(confirm.reply)', which a scenario cannot replay")
                } else {
                    answer = "no"
                }
                scenario.actions.append(confirm.stepID)
                try scenario.answer(confirm.stepID, answer)
            case .answer(let stepID, let answer, _):
                try scenario.answer(stepID, answer)
            case .command(let stepID, let text):
                throw TranscriptError("at '\(stepID)' the operator typed '\(text)', which changes the walk in a way a scenario cannot replay")
            case .end(let end):
                ending = end
            case .inputs, .run, .captured, .branch, .stalled, .note:
                break
            }
        }
        guard let ending else {
            throw TranscriptError("the run in \(session) did not end (its journal has no end record): it was killed or is still running")
        }
        guard let outcome = Outcome(rawValue: ending.outcome) else {
            throw TranscriptError("the run in \(session) ended '\(ending.outcome)' without a conclusion; only a concluded run is captured")
        }
        scenario.outcome = outcome
        scenario.cause = ending.cause
        scenario.causeTitle = ending.causeTitle
        scenario.conclusion = ending.title
        return scenario
    }
}

/// A scenario taken from a real run, ready to be written (`ScenarioWriter`).
public struct CapturedScenario: Sendable {
    /// The scenario's name (the runbook's id until the caller names it).
    public var name: String
    /// The runbook the run walked.
    public var runbookID: String
    /// Where and when it was captured.
    public var provenance: ScenarioProvenance
    /// The inputs of the run, in order; a secret's value is masked and is never written.
    public var inputs: [InputValue] = []
    /// Every recorded result per step, in the order they happened.
    public var results: [String: [StepResult]] = [:]
    /// The steps with results, in the order of their first result.
    public var resultOrder: [String] = []
    /// The answers per action (`yes`/`no`) and question, in order.
    public var answers: [(stepID: String, answer: String)] = []
    /// The actions put to the operator, in order.
    public var actions: [String] = []
    /// Every step entered, in order.
    public var path: [String] = []
    /// How the run ended.
    public var outcome: Outcome = .escalate
    public var cause = ""
    /// The cause's title as the runbook declared it in the run (nil in an older journal).
    public var causeTitle: String?
    /// The conclusion's title.
    public var conclusion: String?

    /// Creates an empty capture.
    public init(name: String, runbookID: String, provenance: ScenarioProvenance) {
        self.name = name
        self.runbookID = runbookID
        self.provenance = provenance
    }

    /// Records an answer; a step answered twice differently cannot be one scenario answer.
    mutating func answer(_ stepID: String, _ answer: String) throws(TranscriptError) {
        if let earlier = answers.first(where: { $0.stepID == stepID }) {
            guard earlier.answer == answer else {
                throw TranscriptError("'\(stepID)' was answered '\(earlier.answer)' and later '\(answer)'; a scenario holds one answer per step")
            }
            return
        }
        answers.append((stepID, answer))
    }
}
