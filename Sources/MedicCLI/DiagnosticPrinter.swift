import MedicCore
import MedicTerminal

/// Prints diagnostics to standard error the way compilers do, with a closing count.
struct DiagnosticPrinter {
    var style = TerminalStyle.forStandardError()

    func print(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics.sortedForDisplay() {
            let severity = diagnostic.severity == .error ? style.red("error:") : style.yellow("warning:")
            var text = "\(style.bold(diagnostic.location.description + ":")) \(severity) \(diagnostic.message)\n"
            if let hint = diagnostic.hint { text += "\(diagnostic.location): \(style.dim("note:")) \(hint)\n" }
            StandardStreams.error.write(text)
        }
    }

    func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }
}
