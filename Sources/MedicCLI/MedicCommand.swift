import ArgumentParser
import MedicCore
import MedicTerminal

/// The `medic` command and its subcommands.
public struct MedicCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "medic",
        abstract: "A guided runbook assistant for on-call engineers.",
        discussion: """
            A RUNBOOK argument is a file, or a name looked up as NAME.yaml in $MEDIC_RUNBOOK_PATH, \
            ./runbooks, $XDG_DATA_HOME/medic/runbooks, the installed runbooks (PREFIX/share/medic/runbooks) \
            and $XDG_DATA_DIRS/medic/runbooks, in that order; an existing file always wins.
            Exit statuses: 0 success or resolved, 1 Medic could not go on, 2 invalid runbook, \
            3 escalated, 4 aborted, 5 no fault found, 6 scenario tests failed, 64 usage error.
            """,
        version: MedicVersion.description,
        subcommands: [
            RunCommand.self, ResumeCommand.self, DrillCommand.self, ValidateCommand.self, ShowCommand.self, GraphCommand.self, ListCommand.self,
            TestCommand.self, ScenarioCommand.self, TranscriptCommand.self, VersionCommand.self,
        ]
    )

    public init() {}

    /// The names a first argument may take: every subcommand's, and `help`.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
}

/// `medic version`: the same line as `medic --version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print Medic's version and the commit it was built from.")

    func run() throws {
        StandardStreams.output.write(MedicVersion.description + "\n")
    }
}

/// The version of Medic, recorded in transcripts.
public enum MedicVersion {
    /// The version string.
    public static let current = "0.1.0"

    /// The commit this binary was built from (`unknown` outside a git checkout; `-dirty` when
    /// tracked files had changes), recorded at build time by the BuildInfo plugin.
    public static let commit = BuildInfo.commit

    /// What `medic --version` prints: `medic 0.1.0 (commit 1302e15a9c4b)`.
    public static var description: String { "medic \(current) (commit \(commit))" }
}
