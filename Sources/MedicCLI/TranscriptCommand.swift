import ArgumentParser
import MedicCore
// StandardStreams moves to MedicTerminal on main; importing it here keeps this file building after the merge.
import MedicTerminal
import MedicTranscript

#if canImport(Glibc)
    import Glibc
#endif

/// `medic transcript`: the record of a run, read back.
struct TranscriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcript",
        abstract: "Read back the record of a run (a session directory written by medic run).",
        subcommands: [TranscriptRenderCommand.self]
    )
}

/// `medic transcript render DIR [--format md|json]`.
struct TranscriptRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print a session's incident report (md) or its journal's records as one JSON array (json).",
        discussion: """
            Reads DIR/transcript.jsonl, so it also works for a run that was killed before writing transcript.md. \
            A damaged journal still renders: each problem (an incomplete last line, missing records) is printed to \
            standard error as a warning. Exits 1 when the journal cannot be read.
            """
    )

    /// What to print.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md
        case json
    }

    @Argument(help: "The session directory, or its transcript.jsonl.", completion: .directory)
    var directory: String

    @Option(name: .long, help: "md (the incident report) or json (the journal's records).")
    var format: Format = .md

    func run() throws {
        let path = directory.hasSuffix(".jsonl") ? directory : (directory.hasSuffix("/") ? directory : directory + "/") + "transcript.jsonl"
        let read = JournalReader.read(path: path)
        for problem in read.problems {
            if case .unreadable = problem {
                StandardStreams.error.write("medic: error: \(problem)\n")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
            StandardStreams.error.write("medic: warning: \(problem)\n")
        }
        switch format {
        case .md:
            StandardStreams.output.write(MarkdownReport.render(read.entries, problems: read.problems, sessionPath: sessionDirectory(of: path)))
        case .json:
            // Each record exactly as written: already JSON, field order kept.
            let items = read.entries.map { "  " + $0.text }
            StandardStreams.output.write(items.isEmpty ? "[]\n" : "[\n" + items.joined(separator: ",\n") + "\n]\n")
        }
    }

    /// The session directory holding the journal at `path`, resolved to an absolute path when it exists.
    private func sessionDirectory(of path: String) -> String {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let directory = folder.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : folder
        guard let resolved = realpath(directory, nil) else { return directory }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
