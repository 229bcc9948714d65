import ArgumentParser
import MedicCore
import MedicLoader
import MedicRuntime
import MedicTerminal

/// `medic validate FILE...`: every problem of every file, compiler-style.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check runbooks and print every problem as file:line:col: error|warning: message.",
        discussion: "Exits 0 when no file has an error (warnings are allowed), 2 otherwise."
    )

    @Argument(help: "The runbooks to check: files, or names on the runbook search path.", completion: RunbookArgument.completion)
    var files: [String]

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        // Each file once, however many of the others call it; each problem once.
        let unique = RunbookLoader.bounded().check(try files.map(RunbookArgument.resolve))
        let printer = DiagnosticPrinter()
        printer.print(unique)
        let failed = unique.hasErrors || (strict && !unique.isEmpty)
        let verdict = failed ? "invalid" : "valid"
        StandardStreams.error.write("\(files.count == 1 ? files[0] : "\(files.count) files"): \(verdict) (\(printer.summary(unique)))\n")
        if failed { throw ExitCode(ExitStatus.invalidRunbook.rawValue) }
    }
}

/// Loads a runbook for a command that needs a valid one, printing diagnostics and exiting 2 if not.
func loadValidBundle(_ path: String) throws -> RunbookBundle {
    let (bundle, diagnostics) = RunbookLoader.bounded().loadBundle(path)
    let printer = DiagnosticPrinter()
    printer.print(diagnostics)
    guard let bundle else {
        StandardStreams.error.write("\(path): invalid (\(printer.summary(diagnostics))); nothing was run\n")
        throw ExitCode(ExitStatus.invalidRunbook.rawValue)
    }
    return bundle
}

extension RunbookLoader {
    /// A loader whose validation matches inputs' patterns over their defaults in a matching
    /// process it kills after `InputDefinition.patternMilliseconds` a default (`MatchWorker`),
    /// started only when a runbook has a default to check against a pattern. Commands load
    /// before they install Medic's signal handlers, so Ctrl-C and SIGTERM end Medic there, and
    /// the process dies with it.
    static func bounded() -> RunbookLoader {
        RunbookLoader(matcher: MatchWorker(interruptDescriptor: nil))
    }
}
