import ArgumentParser
import MedicCore
import MedicLoader
import MedicTerminal

/// `medic test RUNBOOK|DIR`: walks runbooks against their recorded scenarios, offline.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Walk runbooks against their scenarios (RUNBOOK.scenarios/*.yaml) with nothing executed, and report branch coverage.",
        discussion: "Exits 0 when every scenario passes, 6 when any fails, 2 when a runbook or scenario is invalid."
    )

    @Argument(help: "Runbooks (files, or names on the runbook search path), or folders of runbooks.", completion: RunbookArgument.completion)
    var targets: [String] = ["runbooks"]

    @Flag(name: .long, help: "Fail unless every branch and conclusion is reached by some scenario.")
    var requireFullCoverage = false

    @Flag(name: .shortAndLong, help: "List every uncovered branch, not only the first few.")
    var verbose = false

    func run() throws {
        var files: [String] = []
        var named: Set<String> = []
        for target in targets {
            if FileSystem.kind(of: target) == .directory {
                files += try RunbookFiles.find(in: target)
            } else {
                let file = try RunbookArgument.resolve(target)
                files.append(file)
                named.insert(file)
            }
        }
        let style = TerminalStyle.forStandardOutput()
        let out = StandardStreams.output
        var passed = 0
        var failed = 0
        var invalid = false
        var incomplete = false
        for file in files {
            let scenarioFiles = ScenarioLoader.files(for: file)
            if scenarioFiles.isEmpty, !named.contains(file) { continue }
            let bundle = try loadValidBundle(file)
            out.write(style.bold("\(bundle.root.id)") + " (\(file)): \(scenarioFiles.count) scenario\(scenarioFiles.count == 1 ? "" : "s")\n")
            var edges: Set<Coverage.Edge> = []
            var conclusions: Set<String> = []
            let runner = ScenarioRunner(bundle: bundle)
            for scenarioFile in scenarioFiles {
                let (scenario, diagnostics) = ScenarioLoader().load(scenarioFile, ansibleGroups: bundle.ansibleGroupNames, of: bundle.root)
                DiagnosticPrinter().print(diagnostics)
                guard let scenario else {
                    invalid = true
                    continue
                }
                let report = runner.run(scenario)
                edges.formUnion(report.edges)
                conclusions.formUnion(report.conclusions)
                let ending: String
                switch report.ending {
                case .concluded(let reached): ending = "\(reached.outcome.rawValue) · \(reached.cause) (\(reached.causeTitle))"
                case .aborted: ending = "aborted"
                case .needsPerson: ending = "stopped: needs a person"
                case .none: ending = "did not end"
                }
                if report.passed {
                    passed += 1
                    out.write("  \(style.green("PASS")) \(scenario.name)  \(style.dim("\(ending), \(report.path.count) steps"))\n")
                } else {
                    failed += 1
                    out.write("  \(style.red("FAIL")) \(scenario.name)  \(style.dim(scenarioFile))\n")
                    for failure in report.failures { out.write("       \(failure)\n") }
                    if report.scenario.expectedPath == nil { out.write("       path taken: \(report.path.joined(separator: " → "))\n") }
                }
            }
            let allEdges = Coverage.allEdges(of: bundle)
            let allConclusions = Coverage.allConclusions(of: bundle)
            let missingEdges = allEdges.subtracting(edges).sorted()
            let missingConclusions = allConclusions.subtracting(conclusions).sorted()
            let line =
                "  coverage: \(allEdges.count - missingEdges.count)/\(allEdges.count) branches, \(allConclusions.count - missingConclusions.count)/\(allConclusions.count) conclusions"
            out.write((missingEdges.isEmpty && missingConclusions.isEmpty ? style.green(line) : style.yellow(line)) + "\n")
            if !missingEdges.isEmpty || !missingConclusions.isEmpty { incomplete = true }
            for conclusion in missingConclusions { out.write("    no scenario reaches conclusion \(conclusion)\n") }
            for edge in missingEdges.prefix(verbose ? .max : 10) { out.write("    no scenario takes \(edge)\n") }
            if !verbose, missingEdges.count > 10 { out.write("    … and \(missingEdges.count - 10) more (--verbose lists them)\n") }
        }
        out.write("\(passed) passed, \(failed) failed\n")
        if invalid { throw ExitCode(ExitStatus.invalidRunbook.rawValue) }
        if failed > 0 || (requireFullCoverage && incomplete) { throw ExitCode(ExitStatus.testsFailed.rawValue) }
    }
}
