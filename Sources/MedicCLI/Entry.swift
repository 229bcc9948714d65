import ArgumentParser
import MedicCore
import MedicTerminal

/// The whole program as a function from arguments to an exit status, so `main` stays one line
/// and tests can call it.
public enum Entry {
    /// Parses `arguments` (without the program name), runs the command, and returns its status.
    public static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try MedicCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let error as MedicError {
            StandardStreams.error.write("medic: error: \(error.description)\n")
            return ExitStatus.failure.rawValue
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
