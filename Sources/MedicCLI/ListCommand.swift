import ArgumentParser
import MedicCore
import MedicLoader
import MedicTerminal

/// `medic list [DIR]`: the runbooks in a folder with their id, title and validity.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the runbooks in a folder, or on the runbook search path, with id, title and whether each is valid."
    )

    @Argument(help: "The folder to list (default: every runbook on the runbook search path, ./runbooks first).", completion: .directory)
    var directory: String?

    func run() throws {
        let search = RunbookSearch.current
        let files = try directory.map(RunbookFiles.find) ?? search.runbooks().map(\.path)
        if files.isEmpty {
            let place = directory ?? "the runbook search path (\(search.folders.joined(separator: ", ")))"
            StandardStreams.error.write("no runbooks (*.yaml, *.yml) in \(place)\n")
            return
        }
        let style = TerminalStyle.forStandardOutput()
        var rows: [(String, String, String, String)] = []
        var anyInvalid = false
        // One matching process for every file's defaults, started at the first that has one.
        let loader = RunbookLoader.bounded()
        for file in files {
            let (bundle, diagnostics) = loader.loadBundle(file)
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            let status: String
            if bundle == nil {
                anyInvalid = true
                status = style.red("invalid (\(errors) error\(errors == 1 ? "" : "s"))")
            } else if warnings > 0 {
                status = style.yellow("valid (\(warnings) warning\(warnings == 1 ? "" : "s"))")
            } else {
                status = style.green("valid")
            }
            // An invalid file has no bundle; read it alone for whatever id and title it has.
            let loaded = bundle?.root ?? RunbookLoader().loadFile(file).runbook
            let id = loaded?.id ?? ""
            // Shown as a line of a table: a title's control characters are made visible.
            let title = TerminalText.sanitize(loaded?.title ?? "").split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
            rows.append((id.isEmpty ? "?" : id, title.isEmpty ? (loaded == nil ? "(unreadable)" : "(no title)") : title, status, file))
        }
        // Every column but the last is padded to its widest cell, so each starts at the same column
        // on every line; a title longer than 48 characters is cut with "…".
        let titles = rows.map { $0.1.count > 48 ? String($0.1.prefix(47)) + "…" : $0.1 }
        let idWidth = max(2, rows.map(\.0.count).max() ?? 0)
        let titleWidth = max(5, titles.map(\.count).max() ?? 0)
        let fileWidth = max(4, rows.map(\.3.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        StandardStreams.output.write(style.bold("\(pad("ID", idWidth))  \(pad("TITLE", titleWidth))  \(pad("FILE", fileWidth))  STATUS") + "\n")
        for (row, title) in zip(rows, titles) {
            StandardStreams.output.write("\(pad(row.0, idWidth))  \(pad(title, titleWidth))  \(pad(row.3, fileWidth))  \(row.2)\n")
        }
        if anyInvalid { throw ExitCode(ExitStatus.invalidRunbook.rawValue) }
    }
}

/// Finding runbook files in a folder: the YAML files directly in it (scenario folders are not searched).
enum RunbookFiles {
    static func find(in directory: String) throws -> [String] {
        guard let files = YAMLFiles.paths(in: directory) else { throw ValidationError("'\(directory)' is not a folder") }
        return files
    }
}
