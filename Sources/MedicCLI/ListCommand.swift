import ArgumentParser
import Foundation
import MedicCore
import MedicLoader
import MedicTerminal

/// `medic list [DIR]`: the runbooks in a folder with their id, title and validity.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the runbooks in a folder (default ./runbooks) with id, title and whether each is valid."
    )

    @Argument(help: "The folder to search.", completion: .directory)
    var directory = "runbooks"

    func run() throws {
        let files = try RunbookFiles.find(in: directory)
        if files.isEmpty {
            StandardStreams.error.write("no runbooks (*.yaml, *.yml) in \(directory)\n")
            return
        }
        let style = TerminalStyle.forStandardOutput()
        var rows: [(String, String, String, String)] = []
        var anyInvalid = false
        for file in files {
            let (bundle, diagnostics) = RunbookLoader().loadBundle(file)
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
            rows.append((loaded?.id ?? "?", loaded?.title ?? "(unreadable)", status, file))
        }
        let idWidth = max(2, rows.map(\.0.count).max() ?? 0)
        let titleWidth = min(48, max(5, rows.map(\.1.count).max() ?? 0))
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count) }
        StandardStreams.output.write(style.bold("\(pad("ID", idWidth))  \(pad("TITLE", titleWidth))  FILE  STATUS") + "\n")
        for row in rows {
            StandardStreams.output.write("\(pad(row.0, idWidth))  \(pad(row.1, titleWidth))  \(row.3)  \(row.2)\n")
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
