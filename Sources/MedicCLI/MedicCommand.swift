import ArgumentParser
import MedicCore

/// The `medic` command and its subcommands.
public struct MedicCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "medic",
        abstract: "A guided runbook assistant for on-call engineers.",
        discussion: """
            Exit statuses: 0 success or resolved, 1 Medic could not go on, 2 invalid runbook, \
            3 escalated, 4 aborted, 5 no fault found, 6 scenario tests failed, 64 usage error.
            """,
        version: MedicVersion.current,
        subcommands: [
            RunCommand.self, ResumeCommand.self, DrillCommand.self, ValidateCommand.self, ShowCommand.self, GraphCommand.self, ListCommand.self,
            TestCommand.self, TranscriptCommand.self,
        ]
    )

    public init() {}
}

/// The version of Medic, recorded in transcripts.
public enum MedicVersion {
    /// The version string.
    public static let current = "0.1.0"
}
