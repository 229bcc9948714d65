import ArgumentParser
import MedicCore
import MedicRuntime
import MedicTerminal

/// The whole program as a function from arguments to an exit status, so `main` stays one line
/// and tests can call it.
public enum Entry {
    /// Parses `arguments` (without the program name), runs the command, and returns its status.
    ///
    /// Synchronous on purpose: nothing in Medic awaits, and an async entry point would start the
    /// concurrency runtime's executor and its threads for nothing (memory on a box short of it).
    public static func run(_ arguments: [String]) -> Int32 {
        // Read the inputs given in the environment (MEDIC_VAR_<name>) once, and take them out of
        // it before anything is spawned: no child inherits one.
        _ = ProcessEnvironment.current
        ProcessEnvironment.withholdInputs()
        // A command that may hold a secret (and the matching process, which sees step output)
        // keeps it out of core files and away from other processes of the same user.
        if let first = arguments.first, [MatchWorker.argument, "run", "resume", "drill"].contains(first), let problem = CoreDumps.forbid() {
            StandardStreams.error.write(
                "medic: warning: core dumps could not be turned off (\(problem)); a crash could write secrets to a core file\n")
        }
        // Medic re-executed as the matching process of a run (never typed by a person).
        if arguments.first == MatchWorker.argument { return MatchWorker.serve(Array(arguments.dropFirst())) }
        if let first = arguments.first, !first.hasPrefix("-"), !MedicCommand.commandNames.contains(first) {
            // ArgumentParser would call it an "unexpected argument"; name it and offer the closest command.
            let hint = Spelling.suggestion(for: first, among: MedicCommand.commandNames).map { "; did you mean '\($0)'?" } ?? ""
            StandardStreams.error.write("medic: error: unknown command '\(first)'\(hint)\nRun 'medic --help' to list the commands.\n")
            return ExitStatus.usage.rawValue
        }
        do {
            var command = try MedicCommand.parseAsRoot(arguments)
            try command.run()
            return ExitStatus.success.rawValue
        } catch let error as MedicError {
            StandardStreams.error.write("medic: error: \(error.description)\n")
            return error.status.rawValue
        } catch {
            let code = MedicCommand.exitCode(for: error)
            let message = MedicCommand.fullMessage(for: error)
            if !message.isEmpty {
                let stream = code == .success ? StandardStreams.output : StandardStreams.error
                stream.write(message.hasSuffix("\n") ? message : message + "\n")
            }
            return code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue
        }
    }
}
