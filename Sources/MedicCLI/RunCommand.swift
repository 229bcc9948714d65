import ArgumentParser
import MedicCore
import MedicRuntime
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
            or are asked for. Secret inputs are never taken from the command line. Without a terminal \
            on standard input, actions are refused unless --yes is given.
            Exit statuses: 0 resolved, 3 escalated, 4 aborted or refused, 5 no fault found, \
            2 invalid runbook, 1 Medic could not go on (bad input, transcript not writable).
            """
    )

    @Argument(help: "The runbook to walk.", completion: .file(extensions: ["yaml", "yml"]))
    var runbook: String

    @Option(name: .customLong("var"), help: ArgumentHelp("Set an input (not secrets: they would show in ps).", valueName: "NAME=VALUE"))
    var assignments: [String] = []

    @Option(name: .customLong("var-file"), help: ArgumentHelp("Read NAME=VALUE lines (may hold secrets if only you can read it).", valueName: "FILE"))
    var varFile: String?

    @Flag(name: .customLong("dry-run"), help: "Run the checks; show and record the actions without running them.")
    var dryRun = false

    @Flag(name: .customLong("yes"), help: "Approve every action without asking; the transcript records each approval as --yes.")
    var autoApprove = false

    @Option(
        name: .customLong("transcript"),
        help: ArgumentHelp("The session directory to create (default: under $XDG_STATE_HOME/medic/sessions).", valueName: "DIR"))
    var transcriptPath: String?

    func run() throws {
        let bundle = try loadValidBundle(runbook)
        let interruptFD = Signals.install()
        let paths = StatePaths()
        var tap: ((String) -> Void)?
        let console = TerminalConsole(historyPath: paths.history, screenTap: { tap?($0) })
        let values = try InputCollector(runbook: bundle.root, console: console).collect(
            assignments: assignments, varFile: varFile, environment: ProcessEnvironment.current)
        let walk = Walk(bundle: bundle, inputs: values)
        let masking = Masking(secrets: bundle.root.inputs.filter(\.isSecret).compactMap { values[$0.name] }.filter { !$0.isEmpty })
        let session: SessionDirectory
        do {
            session = try SessionDirectory.create(at: transcriptPath, runbookID: bundle.root.id, masking: masking, screenSize: console.size)
        } catch {
            throw MedicError("\(error)")
        }
        tap = { session.screen($0) }
        console.show("Medic \(MedicVersion.current) · \(bundle.root.id): \(bundle.root.title)", .heading(.conclusion))
        console.show("session: \(session.path)", .dim)
        if dryRun { console.show("dry run: checks run for real; actions are shown and recorded, never run", .warning) }
        if autoApprove { console.show("--yes: every action will run without asking, and the transcript says so", .warning) }
        let operatorName = Operator.name()
        var flags: [String] = []
        if autoApprove { flags.append("--yes") }
        if dryRun { flags.append("--dry-run") }
        let files = bundle.runbooks.keys.sorted().map { path in
            RunbookFileDigest(path: path, sha256: (try? SHA256.hex(ofFile: path)) ?? "unreadable")
        }
        let start = SessionStart(
            runbookID: bundle.root.id, runbookVersion: bundle.root.version, files: files, medicVersion: MedicVersion.current,
            operatorName: operatorName,
            inputs: bundle.root.inputs.map {
                InputValue(name: $0.name, value: $0.isSecret ? Masking.mask : values[$0.name] ?? "", secret: $0.isSecret)
            },
            flags: flags, interactive: console.isInteractive)
        var options = RunOptions(dryRun: dryRun, autoApprove: autoApprove, operatorName: operatorName, sessionPath: session.path)
        options.screenHeadLines = 20
        let runner = LocalRunner(interruptDescriptor: interruptFD)
        let end = RunSession(walk: walk, console: console, runner: runner, recorder: session, options: options).run(start: start)
        do {
            try session.finish()
        } catch {
            console.show("could not write the report: \(error)", .error)
        }
        console.show("transcript: \(session.path)/transcript.md", .dim)
        if end.exitStatus != 0 { throw ExitCode(end.exitStatus) }
    }
}
