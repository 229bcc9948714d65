import ArgumentParser
import MedicCore
import MedicLoader
import MedicSession
import MedicTerminal
import MedicTranscript

/// `medic resume DIR`: goes on with a run that was interrupted (a lost SSH session, a crash), or
/// that stopped because it needed a person (no terminal at an action).
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted or stopped (needs a person) run from its session directory.",
        discussion: """
            Rebuilds where the run stopped from its journal, without running anything, then enters \
            that step afresh: a check runs again, an action asks for a new confirmation (an action \
            that was started but whose result was never recorded is pointed out, and one approved but never \
            started is told apart from it). A run that \
            stopped because it needed a person (exit status 7) is resumed the same way. The continuation \
            is recorded in a new session directory that names the old one. Secret inputs are not in \
            the journal: give them again (MEDIC_VAR_<name>, --var-file, or the prompt). --yes and \
            --answer STEP=ANSWER work as in `medic run`, for the continuation.
            """
    )

    @Argument(help: "The session directory of the interrupted run.", completion: .directory)
    var directory: String

    @Flag(name: .customLong("accept-changed-runbook"), help: "Go on even though a runbook file changed since the run started.")
    var acceptChangedRunbook = false

    @Option(
        name: .customLong("runbook"),
        help: ArgumentHelp(
            "The runbook the run followed, where the journal cannot name it: part of its path is a secret's value (masked), or the folder moved. The runbooks it calls are looked for beside it as they were beside the old one; every runbook loaded must have the digest the journal records (or --accept-changed-runbook).",
            valueName: "path"),
        completion: .file(extensions: ["yaml", "yml"]))
    var runbook: String?

    @OptionGroup var options: SessionOptions

    func run() throws {
        let history = try self.history()
        let events = history.map(\.event)
        guard let start = events.lazy.compactMap({ if case .start(let start) = $0 { start } else { nil } }).last else {
            throw MedicError("\(directory) holds no journal with a start record; nothing to resume")
        }
        // A run that stopped for want of a person ended undecided: it is there to be resumed.
        let end = events.lazy.compactMap({ if case .end(let end) = $0 { end } else { nil } }).last
        if let end, end.outcome != SessionEnd.needsPerson {
            throw MedicError("the run in \(directory) already ended (\(end.outcome)); nothing to resume")
        }
        guard let rootFile = start.files.first else { throw MedicError("the journal in \(directory) does not name its runbook") }
        let root = try rootPath(recorded: rootFile.path)
        let bundle = try loadValidBundle(root)
        // The digests the new run records are of the bytes just parsed; compare those, never a second read.
        // Both ways: every recorded file must be loaded with its recorded digest, and every file
        // loaded must be one the journal records (a file it does not name was never checked).
        let loaded = bundle.runbooks.keys.map { (path: FileSystem.absolutePath($0), sha256: bundle.digests[$0]) }
        var accounted: Set<String> = []
        var changed: [String] = []
        for file in start.files {
            let expected = currentPath(of: file.path, recordedRoot: rootFile.path, root: root)
            let match = loaded.first { SessionLink.path($0.path, matches: expected) && $0.sha256 == file.sha256 }
            if let match { accounted.insert(match.path) } else { changed.append(file.path) }
        }
        changed += loaded.map(\.path).filter { !accounted.contains($0) }.sorted()
        if !changed.isEmpty {
            let list = changed.joined(separator: ", ")
            guard acceptChangedRunbook else {
                throw MedicError(
                    "\(list) changed since the run started, so its steps may no longer mean what they did; pass --accept-changed-runbook to go on anyway"
                )
            }
            StandardStreams.error.write("medic: warning: \(list) changed since the run started; going on as asked\n")
        }
        let launch = try Launch(options, bundle: bundle)
        let assignments = start.inputs.filter { !$0.secret && bundle.root.input($0.name) != nil }.map { "\($0.name)=\($0.value)" }
        var collector = InputCollector(runbook: bundle.root, console: launch.console)
        collector.matcher = launch.matcher
        let (values, late) = try collector.collect(
            assignments: assignments, varFile: options.varFile, environment: ProcessEnvironment.current)
        var walk = Walk(bundle: bundle, inputs: values)
        // Replaying the journal runs nothing; a secret is asked when a step still to run reads it.
        walk.deferInputs(late)
        // The replay matches the recorded outputs again: within the steps' deadlines, and Ctrl-C
        // is answered, as in the run.
        walk.matcher = launch.matcher
        let outcome = JournalReplay.replay(
            events, keptOutput: { try keptOutput($0, session: history[$1].session) },
            hostOutputs: { try StepOutputReader.hostOutputs(of: $0, hosts: $1, inSession: history[$2].session) }, on: &walk)
        if let problem = outcome.problem {
            throw MedicError("cannot rebuild the run from \(directory): \(problem)")
        }
        guard !walk.isEnded else { throw MedicError("the run in \(directory) had already ended; nothing to resume") }
        let console = launch.console
        console.show("The run stopped at \(walk.currentStepID) (\(walk.currentStep?.title ?? "")), after \(walk.path.count) steps.", .plain)
        if let end, let stopped = end.summary.split(separator: "\n").first {
            console.show("It \(TerminalText.sanitize(String(stopped))).", .dim)
        }
        if !outcome.completedActions.isEmpty {
            console.show("Actions that ran to completion and will not be repeated: \(outcome.completedActions.joined(separator: ", "))", .dim)
        }
        if let action = outcome.interruptedAction {
            if outcome.interruptedActionStarted {
                console.show(
                    "The action \(action) was approved and started, but its result was never recorded: check by hand what it did before you approve it again.",
                    .warning)
            } else {
                // The run record is written, and synced, before an action starts: without one it never did.
                console.show("The action \(action) was approved, but the journal records no start of it: it did not run.", .warning)
            }
        }
        // What became of the earlier runs' actions, with the times their journals stamped.
        var earlier = ActionAccount()
        for item in history { earlier.observe(item.event, at: item.time) }
        try launch.walk(bundle, values: values, walk: walk, resumedFrom: FileSystem.absolutePath(directory), earlier: earlier)
    }

    /// The absolute path of the runbook to load: `--runbook` when given, else the one the journal
    /// records, when that still names it.
    private func rootPath(recorded: String) throws -> String {
        if let runbook { return FileSystem.absolutePath(runbook) }
        if SessionLink.isMasked(recorded) {
            throw MedicError(
                "the journal in \(directory) names its runbook as \(recorded): part of that path is the value of a secret input, so it was masked; name the file with --runbook PATH (its digest is checked against the journal's)"
            )
        }
        // Older journals recorded the paths as typed, relative to the folder the run started in.
        let root = FileSystem.absolutePath(recorded)
        if !recorded.hasPrefix("/"), FileSystem.kind(of: root) == nil {
            throw MedicError(
                "the journal in \(directory) names its runbook as \(recorded), relative to the folder the run started in; run `medic resume` from that folder, or name the file with --runbook PATH"
            )
        }
        return root
    }

    /// Where a runbook file the journal records (`recorded`, one of the start record's files) is
    /// now: with `--runbook`, a file that was in the old runbook's folder (or below it) is looked
    /// for at the same place under the new one's; otherwise, and for any other file, where the
    /// journal says.
    private func currentPath(of recorded: String, recordedRoot: String, root: String) -> String {
        guard runbook != nil else { return FileSystem.absolutePath(recorded) }
        if recorded == recordedRoot { return root }
        let newFolder = SessionLink.split(root).folder
        // An older journal's bare file name: every relative path was relative to its folder.
        guard recordedRoot.contains("/") else { return recorded.hasPrefix("/") ? recorded : newFolder + "/" + recorded }
        let oldFolder = SessionLink.split(recordedRoot).folder + "/"
        guard recorded.hasPrefix(oldFolder) else { return FileSystem.absolutePath(recorded) }
        return newFolder + "/" + recorded.dropFirst(oldFolder.count)
    }

    /// The events of the run recorded in `directory`, after those of the runs it continues
    /// (`--resumed-from`, oldest first), each with the session directory that recorded it and
    /// the time stamped on it.
    private func history() throws -> [(event: TranscriptEvent, session: String, time: String)] {
        var history: [(event: TranscriptEvent, session: String, time: String)] = []
        var next: String? = directory
        var seen: Set<String> = []
        while let session = next {
            guard seen.insert(FileSystem.absolutePath(session)).inserted else {
                throw MedicError("the run in \(session) continues itself through --resumed-from; nothing to resume")
            }
            let journal = JournalReader.read(path: session + "/transcript.jsonl")
            if session != directory, case .unreadable(_, let reason)? = journal.problems.first {
                throw MedicError("the run in \(directory) continues the one in \(session), whose journal could not be read: \(reason)")
            }
            for problem in journal.problems { StandardStreams.error.write("medic: warning: \(session): \(problem)\n") }
            var events: [(event: TranscriptEvent, time: String)] = []
            for entry in journal.entries {
                switch entry.record {
                case .event(let event): events.append((event, entry.time))
                case .withheld(let kind, _) where ["output", "result", "confirm", "answer", "command"].contains(kind):
                    throw MedicError(
                        "line \(entry.line) of the journal in \(session) withheld a '\(kind)' record, so the run cannot be rebuilt past it")
                case .withheld: break
                }
            }
            history = events.map { ($0.event, session, $0.time) } + history
            let flags: [String] =
                events.lazy.compactMap { item -> [String]? in if case .start(let start) = item.event { start.flags } else { nil } }.first ?? []
            let prefix = "--resumed-from="
            guard let link = flags.first(where: { $0.hasPrefix(prefix) }).map({ String($0.dropFirst(prefix.count)) }) else { break }
            if SessionLink.isMasked(link) {
                throw MedicError(
                    "the run in \(session) continues the one recorded in \(link): part of that path is the value of a secret input, so it was masked, and the earlier run's journal cannot be found; nothing was run"
                )
            }
            next = SessionLink.resolved(link, from: session)
        }
        return history
    }

    /// A step's output as the run kept it in memory, its first and last MiB, so that conditions
    /// read what they read then.
    private func keptOutput(_ record: OutputRecord, session: String) throws -> (text: String, parts: [String]?) {
        let limit = BoundedCapture.defaultLimit
        let (head, tail) = try StepOutputReader.headAndTail(of: record, inSession: session, headBytes: limit, tailBytes: limit)
        return (
            BoundedCapture.text(head: head, tail: tail, totalBytes: record.bytes),
            BoundedCapture.keptParts(head: head, tail: tail, totalBytes: record.bytes)
        )
    }
}
