import ArgumentParser
import MedicCore
import MedicLoader
import MedicSession
import MedicTerminal

/// `medic drill [RUNBOOK] [--scenario NAME]`: practise an incident with nothing executed.
struct DrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Practise a runbook against a recorded incident: the same walk as `medic run`, with nothing executed.",
        discussion: """
            Without arguments, lists the runbooks on the runbook search path that have scenarios; with a runbook only, \
            lists its scenarios. A drill answers every check and action from the scenario, still asks \
            you to confirm actions, and at the end compares your decisions at each action and the conclusion \
            you reached with the incident's. Exits 0 when both match, 6 when not.
            """
    )

    @Argument(help: "The runbook to drill: a file, or a name on the runbook search path.", completion: RunbookArgument.completion)
    var runbook: String?

    @Option(name: .shortAndLong, help: "The scenario to drill (its name or file name).", completion: RunbookArgument.scenarioCompletion)
    var scenario: String?

    @Flag(name: .customLong("verbose"), help: "Show each check's script or request whole (not folded to its first line) and the values it captures.")
    var verbose = false

    @Option(name: .customLong("in"), help: "Where to look for runbooks when none is given (default: the runbook search path).")
    var folder: String?

    func run() throws {
        let out = StandardStreams.output
        let style = TerminalStyle.forStandardOutput()
        guard let argument = runbook else {
            try listRunbooks(out, style)
            return
        }
        let runbook = try RunbookArgument.resolve(argument)
        let bundle = try loadValidBundle(runbook)
        let scenarios = try loadScenarios(of: runbook, bundle)
        guard let name = scenario else {
            out.write(style.bold(bundle.root.id) + ": \(bundle.root.title)\n")
            for scenario in scenarios { out.write("  \(style.cyan(scenario.name))\n" + (scenario.description.map { "      \($0)\n" } ?? "")) }
            out.write("\nstart one with: medic drill \(argument) --scenario NAME\n")
            return
        }
        guard let chosen = scenarios.first(where: { $0.name == name || $0.path.hasSuffix("/\(name).yaml") }) else {
            let hint = Spelling.suggestion(for: name, among: scenarios.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
            throw MedicError("\(runbook) has no scenario '\(name)'; \(hint)`medic drill \(runbook)` lists them")
        }
        try drill(bundle, chosen)
    }

    private func drill(_ bundle: RunbookBundle, _ scenario: Scenario) throws {
        _ = Signals.install()
        let console = TerminalConsole(historyPath: StatePaths().history)
        console.show("DRILL · \(bundle.root.id): \(bundle.root.title)", .heading(.conclusion))
        console.show("scenario: \(scenario.name)", .plain)
        if let description = scenario.description { console.show(TerminalText.sanitize(description), .why) }
        console.show(
            "Nothing runs: every result comes from the scenario. Confirm actions as you would for real; `why` explains a step, `help` lists commands.",
            .dim)
        let (values, _) = InputResolution.resolve(bundle.root.inputs, provided: scenario.inputs)
        var walk = Walk(bundle: bundle, inputs: values)
        walk.ansibleGroups = scenario.inventory ?? [:]
        var options = RunOptions(operatorName: "trainee", sessionPath: "(drill: nothing is saved)")
        options.practice = true
        options.verbose = verbose
        let recorder = DrillRecorder()
        let session = RunSession(walk: walk, console: console, runner: DrillRunner(scenario: scenario), recorder: recorder, options: options)
        let end = session.run(
            start: SessionStart(
                runbookID: bundle.root.id, runbookVersion: bundle.root.version, files: [], medicVersion: MedicVersion.current,
                operatorName: "trainee", inputs: [], flags: ["drill"], interactive: console.isInteractive))
        let reference = ScenarioRunner(bundle: bundle).run(scenario)
        let outcomeMatches = scenario.expectedOutcome.map { $0.rawValue == end.outcome } ?? true
        let causeMatches = scenario.expectedCause.map { $0 == end.cause } ?? true
        let grade = DrillGrade(actions: session.account.actions, expected: reference.decisions, conclusionMatches: outcomeMatches && causeMatches)
        console.show("", .plain)
        console.show("How did it go?", .heading(.conclusion))
        // Each cause with its title as the runbook declares it (the scenario's was checked against it).
        let expectedCause = scenario.expectedCause.map { id in bundle.root.cause(id).map { "\(id) (\($0.title))" } ?? id }
        let expected = [scenario.expectedOutcome?.rawValue, expectedCause].compactMap { $0 }.joined(separator: " · ")
        let reachedCause = end.causeTitle.map { "\(end.cause) (\($0))" } ?? end.cause
        // Aborted and stopped runs have no cause to show.
        let reached = end.cause.isEmpty ? end.outcome : "\(end.outcome) · \(reachedCause)"
        console.show("  expected: \(expected.isEmpty ? "(not recorded)" : expected)", .plain)
        console.show("  you reached: \(reached)", grade.conclusionMatches ? .success : .failure)
        if grade.rows.isEmpty {
            console.show("  no action was put to you, and none was expected", .dim)
        } else {
            console.show("  your decisions at each action, and the incident's:", .plain)
            for row in grade.rows {
                let name = row.title.isEmpty ? row.stepID : "\(TerminalText.sanitize(row.title)) (\(row.stepID))"
                let yours = row.yours.map { $0 == .notDecided ? "you did not decide" : "you \($0.rawValue)" } ?? "you never reached it"
                let wanted = row.expected.map { "expected \($0.rawValue)" } ?? "not on the incident's path"
                console.show("    \(row.matches ? "✓" : "✗") \(name): \(yours); \(wanted)", row.matches ? .success : .failure)
            }
        }
        console.show("  steps walked: \(session.path.count)", .dim)
        if let expectedPath = scenario.expectedPath {
            if expectedPath == session.path {
                console.show("  your path is the expected one, step for step", .success)
            } else {
                console.show("  your path differs from the expected one (- expected, + yours):", .warning)
                console.show(PathDiff.render(expected: expectedPath, actual: session.path), .plain)
            }
        }
        let differences = grade.differences.count
        if grade.passed {
            console.show("  drill passed: the expected conclusion, and every decision as the incident needed", .success)
            return
        }
        var reasons: [String] = []
        if !grade.conclusionMatches { reasons.append("not the expected conclusion") }
        if differences > 0 { reasons.append("\(differences) decision\(differences == 1 ? "" : "s") not as the incident needed") }
        console.show("  drill failed: " + reasons.joined(separator: "; "), .failure)
        throw ExitCode(ExitStatus.testsFailed.rawValue)
    }

    /// The names of the scenarios of the runbook on the command line, for the shell's
    /// completion of `--scenario` (the runbook is the first YAML file among `words` that is not
    /// itself a `--scenario` value).
    private func loadScenarios(of runbook: String, _ bundle: RunbookBundle) throws -> [Scenario] {
        var scenarios: [Scenario] = []
        for file in ScenarioLoader.files(for: runbook) {
            let (scenario, diagnostics) = ScenarioLoader().load(file, ansibleGroups: bundle.ansibleGroupNames, of: bundle.root)
            DiagnosticPrinter().print(diagnostics)
            if let scenario { scenarios.append(scenario) }
        }
        guard !scenarios.isEmpty else {
            throw MedicError("\(runbook) has no scenarios to drill (they live in \(ScenarioLoader.folder(for: runbook))/)")
        }
        return scenarios
    }

    private func listRunbooks(_ out: StandardStreams.Stream, _ style: TerminalStyle) throws {
        let search = RunbookSearch.current
        let files: [String]
        if let folder {
            guard let found = YAMLFiles.paths(in: folder) else { throw MedicError("'\(folder)' is not a folder of runbooks", status: .usage) }
            files = found
        } else {
            files = search.runbooks().map(\.path)
        }
        let place = folder ?? "the runbook search path (\(search.folders.joined(separator: ", ")))"
        var any = false
        for file in files {
            let count = ScenarioLoader.files(for: file).count
            guard count > 0 else { continue }
            any = true
            let loaded = RunbookLoader().loadFile(file).runbook
            out.write("  \(style.cyan(file))  \(count) scenario\(count == 1 ? "" : "s")  \(loaded?.title ?? "")\n")
        }
        if !any {
            out.write("no runbook in \(place) has scenarios\n")
        } else {
            out.write("\nlist a runbook's scenarios with: medic drill RUNBOOK\n")
        }
    }
}
