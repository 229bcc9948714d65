import ArgumentParser
import MedicCore
import MedicLoader

/// A RUNBOOK argument: a file, or a runbook's name on the search path (`RunbookSearch`).
enum RunbookArgument {
    /// The file `argument` names; a usage error (status 64) when it names none, so a mistyped
    /// name never reads as an invalid runbook.
    static func resolve(_ argument: String) throws -> String {
        let search = RunbookSearch.current
        guard let path = search.resolve(argument) else { throw MedicError(search.notFound(argument), status: .usage) }
        return path
    }

    /// Shell completion for a RUNBOOK argument: the runbook names on the search path, and the
    /// YAML files and folders that start with what was typed.
    static let completion = CompletionKind.custom { _, _, prefix in
        let names = prefix.contains("/") ? [] : RunbookSearch.current.runbooks().map(\.name)
        return names + files(matching: prefix)
    }

    /// Shell completion for `--scenario`: the scenarios of the runbook already on the line.
    static let scenarioCompletion = CompletionKind.custom { words, index, prefix in
        // The runbook is the first word after `drill` that is neither an option nor its value.
        guard let drill = words.firstIndex(of: "drill") else { return [] }
        var position = drill + 1
        var runbook: String?
        while position < words.count, runbook == nil {
            let word = words[position]
            if position == index {
                position += 1
            } else if ["-s", "--scenario", "--in"].contains(word) {
                position += 2
            } else if word.hasPrefix("-") {
                position += 1
            } else {
                runbook = word
            }
        }
        guard let runbook, let path = RunbookSearch.current.resolve(runbook) else { return [] }
        return ScenarioLoader.files(for: path).compactMap { ScenarioLoader().load($0).scenario?.name }.filter { $0.hasPrefix(prefix) }
    }

    private static func files(matching prefix: String) -> [String] {
        let folder = prefix.contains("/") ? String(prefix[...(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) : ""
        guard let entries = FileSystem.entries(in: folder.isEmpty ? "." : folder) else { return [] }
        return entries.sorted().compactMap { name -> String? in
            let path = folder + name
            guard path.hasPrefix(prefix), !name.hasPrefix(".") || prefix.hasSuffix(".") else { return nil }
            switch FileSystem.kind(of: path) {
            case .directory: return path + "/"
            case .file: return name.hasSuffix(".yaml") || name.hasSuffix(".yml") ? path : nil
            default: return nil
            }
        }
    }
}
