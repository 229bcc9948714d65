import ArgumentParser
import MedicCore
import MedicLoader
import MedicSession
import MedicTerminal
import MedicTranscript

/// `medic resume DIR`: goes on with a run that was interrupted (a lost SSH session, a crash).
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted run from its session directory.",
        discussion: """
            Rebuilds where the run stopped from its journal, without running anything, then enters \
            that step afresh: a check runs again, an action asks for a new confirmation (an action \
            that was started but whose result was never recorded is pointed out). The continuation \
            is recorded in a new session directory that names the old one. Secret inputs are not in \
            the journal: give them again (MEDIC_VAR_<name>, --var-file, or the prompt).
            """
    )

    @Argument(help: "The session directory of the interrupted run.", completion: .directory)
    var directory: String

    @Flag(name: .customLong("accept-changed-runbook"), help: "Go on even though a runbook file changed since the run started.")
    var acceptChangedRunbook = false

    @OptionGroup var options: SessionOptions

    func run() throws {
        let journal = JournalReader.read(path: directory + "/transcript.jsonl")
        for problem in journal.problems { StandardStreams.error.write("medic: warning: \(problem)\n") }
        guard let start = journal.entries.first(where: { $0.event == "start" }) else {
            throw MedicError("\(directory) holds no journal with a start record; nothing to resume")
        }
        if let end = journal.entries.last(where: { $0.event == "end" }) {
            throw MedicError("the run in \(directory) already ended (\(end.string("outcome") ?? "?")); nothing to resume")
        }
        let files = start.array("files").compactMap { file -> (path: String, sha256: String)? in
            guard case .object(let fields) = file, case .string(let path)? = fields["path"], case .string(let sha)? = fields["sha256"] else {
                return nil
            }
            return (path, sha)
        }
        guard let root = files.first?.path else { throw MedicError("the journal in \(directory) does not name its runbook") }
        let changed = files.filter { ((try? SHA256.hex(ofFile: $0.path)) ?? "unreadable") != $0.sha256 }.map(\.path)
        if !changed.isEmpty {
            let list = changed.joined(separator: ", ")
            guard acceptChangedRunbook else {
                throw MedicError(
                    "\(list) changed since the run started, so its steps may no longer mean what they did; pass --accept-changed-runbook to go on anyway"
                )
            }
            StandardStreams.error.write("medic: warning: \(list) changed since the run started; going on as asked\n")
        }
        let bundle = try loadValidBundle(root)
        let launch = Launch(options)
        var assignments: [String] = []
        for input in start.array("inputs") {
            guard case .object(let fields) = input, case .string(let name)? = fields["name"], case .string(let value)? = fields["value"],
                fields["secret"] != .bool(true), bundle.root.input(name) != nil
            else { continue }
            assignments.append("\(name)=\(value)")
        }
        let values = try InputCollector(runbook: bundle.root, console: launch.console).collect(
            assignments: assignments, varFile: options.varFile, environment: ProcessEnvironment.current)
        var walk = Walk(bundle: bundle, inputs: values)
        let outcome = JournalReplay.replay(records(journal.entries), on: &walk)
        if let problem = outcome.problem {
            throw MedicError("cannot rebuild the run from \(directory): \(problem)")
        }
        guard !walk.isEnded else { throw MedicError("the run in \(directory) had already ended; nothing to resume") }
        let console = launch.console
        console.show("The run stopped at \(walk.currentStepID) (\(walk.currentStep?.title ?? "")), after \(walk.path.count) steps.", .plain)
        if !outcome.completedActions.isEmpty {
            console.show("Actions that ran to completion and will not be repeated: \(outcome.completedActions.joined(separator: ", "))", .dim)
        }
        if let action = outcome.interruptedAction {
            console.show(
                "The action \(action) was approved and started, but its result was never recorded: check by hand what it did before you approve it again.",
                .warning)
        }
        try launch.walk(bundle, values: values, walk: walk, resumedFrom: directory)
    }

    /// The records that moved the walk, with each result's full output read back from its file.
    private func records(_ entries: [JournalEntry]) -> [JournalReplay.Record] {
        var records: [JournalReplay.Record] = []
        var outputFiles: [String: String] = [:]
        for entry in entries {
            let stepID = entry.string("step_id") ?? ""
            switch entry.event {
            case "output":
                if let file = entry.string("file") { outputFiles[stepID] = file }
            case "result":
                let output = outputFiles.removeValue(forKey: stepID).flatMap { keptOutput(directory + "/" + $0) } ?? ""
                var headers: [HTTPHeader] = []
                for header in entry.array("headers") {
                    if case .object(let fields) = header, case .string(let name)? = fields["name"], case .string(let value)? = fields["value"] {
                        headers.append(HTTPHeader(name: name, value: value))
                    }
                }
                let result = StepResult(
                    exitStatus: entry.int("exit_status"), output: output, timedOut: entry.bool("timed_out"), cancelled: entry.bool("cancelled"),
                    httpStatus: entry.int("http_status"), headers: headers, durationMilliseconds: entry.int("duration_milliseconds") ?? 0,
                    failureReason: entry.string("failure_reason"))
                records.append(.result(stepID: stepID, result: result, notRun: entry.string("not_run") != nil))
            case "confirm":
                records.append(.confirm(stepID: stepID, approved: entry.bool("approved"), reply: entry.string("reply") ?? ""))
            case "answer":
                records.append(.answer(stepID: stepID, answer: entry.string("answer") ?? ""))
            case "command":
                records.append(.command(entry.string("text") ?? ""))
            default:
                break
            }
        }
        return records
    }

    /// A step's output as the run kept it: conditions read at most the first MiBs, as they did.
    private func keptOutput(_ path: String) -> String? {
        guard case .success(let bytes) = FileSystem.contents(of: path, upTo: 2 << 20, followingLinks: false) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
