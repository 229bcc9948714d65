import ArgumentParser
import MedicCore
import MedicLoader
import MedicSession
import MedicTerminal
import MedicTranscript

#if canImport(Glibc)
    import Glibc
#endif

/// `medic scenario`: scenario files, made from what really happened.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Make scenario files (recorded incidents) for medic test and medic drill.",
        subcommands: [ScenarioCaptureCommand.self]
    )
}

/// `medic scenario capture DIR [-o FILE]`.
struct ScenarioCaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Turn a real run's session directory into a scenario file.",
        discussion: """
            Writes the results every step really had (exit status, output as the run kept it, HTTP status, headers \
            and body), the answers given at each action and question, and the path and ending the run took, with a \
            'captured' mapping naming the session, when and by which Medic. Secret inputs are never recorded: they \
            are left out with a comment. Refuses a damaged journal, a run that did not end or ended without a \
            conclusion (aborted, needs a person), a dry run, a resumed run, and a run steered with typed commands. \
            Put the file in the runbook's NAME.scenarios/ folder and run medic test.
            """
    )

    @Argument(help: "The session directory of the run.", completion: .directory)
    var directory: String

    @Option(name: .shortAndLong, help: "Write the scenario to FILE instead of standard output.", completion: .file(extensions: ["yaml", "yml"]))
    var output: String?

    @Option(name: .long, help: "The scenario's name (default: the file name of -o, else the runbook's id).")
    var name: String?

    @Flag(name: .long, help: "Replace FILE when it exists.")
    var force = false

    func run() throws {
        let session = FileSystem.absolutePath(directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory)
        let read = JournalReader.read(path: session + "/transcript.jsonl")
        var scenario: CapturedScenario
        do {
            scenario = try ScenarioCapture.capture(
                read, session: session,
                keptOutput: { record in
                    let limit = BoundedCapture.defaultLimit
                    let (head, tail) = try StepOutputReader.headAndTail(of: record, inSession: session, headBytes: limit, tailBytes: limit)
                    return BoundedCapture.text(head: head, tail: tail, totalBytes: record.bytes)
                },
                hostOutputs: { try StepOutputReader.hostOutputs(of: $0, hosts: $1, inSession: session) }, capturedAt: ScenarioCapture.now(),
                medic: MedicVersion.description)
        } catch {
            throw MedicError("cannot capture a scenario: \(error)")
        }
        if let name {
            scenario.name = name
        } else if let output {
            let file = output.split(separator: "/").last.map(String.init) ?? output
            scenario.name = file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file.hasSuffix(".yml") ? String(file.dropLast(4)) : file
        }
        let text = ScenarioWriter.yaml(scenario)
        // A scenario holds each step's output as the run kept it (each host's whole, up to 1 MiB):
        // one larger than the loader reads would be written, then refused by `medic test`.
        guard text.utf8.count <= RunbookLoader.maximumFileSize else {
            throw MedicError(
                "cannot capture a scenario: it would be \(text.utf8.count / (1024 * 1024)) MiB, more than the \(RunbookLoader.maximumFileSize / (1024 * 1024)) MiB a scenario file may be; nothing was written"
            )
        }
        guard let output else {
            StandardStreams.output.write(text)
            return
        }
        try write(text, to: output)
        StandardStreams.error.write("medic: wrote \(output) from \(session)\n")
    }

    /// Writes `text` to `path`, never through a symbolic link, and only over an existing file with `--force`.
    private func write(_ text: String, to path: String) throws {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw MedicError("\(path) exists; pass --force to replace it") }
            throw MedicError("could not write \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw MedicError("could not write \(path): \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(count)
        }
        guard fsync(descriptor) == 0 else { throw MedicError("could not write \(path): \(String(cString: strerror(errno)))") }
    }
}
