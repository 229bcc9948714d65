import ArgumentParser
import MedicCore
import MedicLoader
import MedicRuntime
import MedicSession
import MedicTerminal
import MedicTranscript

#if canImport(Glibc)
    import Glibc
#endif

/// `medic run RUNBOOK`: the interactive walk.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Walk a runbook: checks run at once, actions run only after you type yes.",
        discussion: """
            Inputs come from --var NAME=VALUE, --var-file FILE, MEDIC_VAR_<name> in the environment, \
            or are asked for. Secret inputs are never taken from the command line. An action runs \
            only after exactly yes (or the target's name); without a terminal on standard input the \
            run stops before the first action unless --yes is given, and before the first question \
            unless --answer STEP=ANSWER answered it, and `medic resume DIR` at a terminal goes on \
            from there.
            Exit statuses: 0 resolved, 3 escalated, 4 aborted, 5 no fault found, 7 stopped before a \
            decision that needs a person, 2 invalid runbook, 1 Medic could not go on (bad input, \
            transcript not writable).
            """
    )

    @Argument(help: "The runbook to walk: a file, or a name on the runbook search path.", completion: RunbookArgument.completion)
    var runbook: String

    @Option(name: .customLong("var"), help: ArgumentHelp("Set an input (not secrets: they would show in ps).", valueName: "NAME=VALUE"))
    var assignments: [String] = []

    @OptionGroup var options: SessionOptions

    func run() throws {
        let bundle = try loadValidBundle(RunbookArgument.resolve(runbook))
        let launch = try Launch(options, bundle: bundle)
        let console = launch.console
        let root = bundle.root
        var collector = InputCollector(runbook: root, console: console)
        collector.matcher = launch.matcher
        var given = try collector.given(assignments: assignments, varFile: options.varFile, environment: ProcessEnvironment.current)
        // A required input a discovery reads (the host it runs on, above all) is asked first, so
        // that the discovery can run with it.
        given = try collector.askBeforeDiscovery(given)
        // Discovery runs read-only checks through the same runner as the steps: on this
        // machine, or over ssh for a discovery with `where: {host: …}`.
        let runner = SystemRunner(interruptDescriptor: launch.interruptDescriptor, ssh: SSHSettings.fromEnvironment(forks: launch.forks))
        var findings = InputFinder(runbook: root, runner: runner, matcher: launch.matcher, judge: StrictModesJudge()).find(given: given) { name in
            console.show("discovering \(name)…", .dim)
        }
        // A SIGTERM while a discovery ran stopped that discovery; it ends the command too.
        if Signals.takeStop() { throw MedicError("told to stop while discovering the inputs; nothing was run") }
        findings = try collector.askMissing(findings)
        // The operator is asked to accept when Medic chose values on the host or something is
        // flagged; a runbook that discovers nothing shows its inputs and goes on.
        let discovers = root.inputs.contains { $0.discovery != nil }
        let flagged = findings.contains { !$0.flags.isEmpty || $0.refusal != nil }
        let ask = console.isInteractive && !options.autoApprove && (discovers || flagged)
        switch InputReview(inputs: root.inputs, console: console, matcher: launch.matcher).review(findings, ask: ask) {
        case .accepted(let accepted): findings = accepted
        case .refused(let reason): throw MedicError("\(reason); give another value (--var NAME=VALUE); nothing was run")
        case .stopped: throw MedicError("stopped at the inputs screen; nothing was run")
        }
        let acceptedBy =
            ask ? "operator" : options.autoApprove ? "--yes" : console.isInteractive ? "shown (nothing discovered or flagged)" : "no terminal"
        var values: [String: String] = [:]
        for finding in findings { values[finding.name] = finding.value }
        var walk = Walk(bundle: bundle, inputs: values)
        walk.deferInputs(findings.filter { $0.origin == .askedLate }.map(\.name))
        try launch.walk(bundle, values: values, walk: walk, resumedFrom: nil, review: InputReviewRecord(findings, acceptedBy: acceptedBy))
    }
}

/// What `run` and `resume` share: the console, the session directory, the start record, the
/// walk itself and the report at the end.
struct Launch {
    let transcriptPath: String?
    let dryRun: Bool
    let autoApprove: Bool
    /// Checks' scripts shown whole (`--verbose`).
    let verbose: Bool
    let forks: Int?
    let console: TerminalConsole
    /// The signal pipe the runner watches, so Ctrl-C cancels a running step.
    let interruptDescriptor: Int32?
    /// Where the runbook's patterns are matched: a process Medic kills at a step's deadline or on
    /// Ctrl-C, started on the first question and kept for the run.
    let matcher: MatchWorker
    /// The questions answered before the run (`--answer`), checked against the runbook.
    let answers: PresetAnswers
    private let tap = ScreenTap()

    /// Checks `options` against `bundle` before anything runs: an `--answer` that answers none
    /// of its questions is an error.
    init(_ options: SessionOptions, bundle: RunbookBundle) throws {
        switch PresetAnswers.parse(options.answers, in: bundle) {
        case .success(let answers): self.answers = answers
        case .failure(let problem): throw MedicError("\(problem.message); nothing was run")
        }
        transcriptPath = options.transcriptPath
        dryRun = options.dryRun
        autoApprove = options.autoApprove
        verbose = options.verbose
        forks = options.forks
        interruptDescriptor = Signals.install()
        matcher = MatchWorker(interruptDescriptor: interruptDescriptor)
        let tap = self.tap
        console = TerminalConsole(historyPath: StatePaths().history, screenTap: { tap.session?.screen($0) })
    }

    /// Walks `walk` (fresh, or rebuilt from a journal when `resumedFrom` is set) to its end and
    /// exits with the status that says how it ended; `earlier` is the account of the actions of
    /// the interrupted run being resumed.
    func walk(
        _ bundle: RunbookBundle, values: [String: String], walk: Walk, resumedFrom: String?, earlier: ActionAccount = ActionAccount(),
        review: InputReviewRecord? = nil
    ) throws {
        var walk = walk
        if bundle.runbooks.values.contains(where: { $0.hostSets.contains { if case .ansibleGroup = $0.source { true } else { false } } }) {
            // The inventory is read once, before anything runs, so every step sees the same groups.
            switch InventoryReader.read() {
            case .success(let groups): walk.ansibleGroups = groups
            case .failure(let problem): throw MedicError("the runbook names Ansible groups, and \(problem.reason)")
            }
        }
        let session: SessionDirectory
        do {
            session = try SessionDirectory.create(at: transcriptPath, runbookID: bundle.root.id, masking: walk.masking, screenSize: console.size)
        } catch {
            throw MedicError("\(error)")
        }
        tap.session = session
        console.show("Medic \(MedicVersion.current) · \(bundle.root.id): \(bundle.root.title)", .heading(.conclusion))
        console.show("session: \(session.path)", .dim)
        if let resumedFrom { console.show("resuming the run recorded in \(resumedFrom)", .warning) }
        if dryRun { console.show("dry run: checks run for real; actions are shown and recorded, never run", .warning) }
        if autoApprove { console.show("--yes: every action will run without asking, and the transcript says so", .warning) }
        let operatorName = Operator.name()
        var flags: [String] = []
        if autoApprove { flags.append("--yes") }
        flags += answers.flags
        if dryRun { flags.append("--dry-run") }
        if let resumedFrom { flags.append("--resumed-from=" + SessionLink.written(resumedFrom, from: session.path)) }
        // The runbook that was run comes first, then the ones it calls; each named by its absolute
        // path (so `resume` finds it from any folder) with the digest of the bytes that were parsed.
        let files = ([bundle.root.path] + bundle.runbooks.keys.filter { $0 != bundle.root.path }.sorted()).map { path in
            RunbookFileDigest(path: FileSystem.absolutePath(path), sha256: bundle.digests[path] ?? "unknown")
        }
        let start = SessionStart(
            runbookID: bundle.root.id, runbookVersion: bundle.root.version, files: files, medicVersion: MedicVersion.current,
            operatorName: operatorName,
            inputs: bundle.root.inputs.map {
                InputValue(name: $0.name, value: $0.isSecret ? Masking.mask : values[$0.name] ?? "", secret: $0.isSecret)
            },
            flags: flags, interactive: console.isInteractive)
        var options = RunOptions(dryRun: dryRun, autoApprove: autoApprove, operatorName: operatorName, sessionPath: session.path)
        options.verbose = verbose
        options.answers = answers
        options.vouches = VouchFolder.inStateFolder { getenv($0).map { String(cString: $0) } }
        options.configurationJudge = StrictModesJudge()
        walk.matcher = matcher
        let runner = SystemRunner(interruptDescriptor: interruptDescriptor, ssh: SSHSettings.fromEnvironment(forks: forks), matcher: matcher)
        if let note = runner.sandbox.note { console.show(note, .warning) }
        let runSession = RunSession(walk: walk, console: console, runner: runner, recorder: session, options: options)
        runSession.carryOver(earlier)
        runSession.inputReview = review
        let end = resumedFrom == nil ? runSession.run(start: start) : runSession.resume(start: start)
        do {
            try session.finish()
        } catch {
            console.show("could not write the report: \(error)", .error)
        }
        console.show("transcript: \(session.path)/transcript.md", .dim)
        if end.exitStatus != 0 { throw ExitCode(end.exitStatus) }
    }
}

/// Where the screen recording goes once the session directory exists.
final class ScreenTap {
    var session: SessionDirectory?
}
