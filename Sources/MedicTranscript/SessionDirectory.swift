import MedicCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The record of one run on disk: the journal, the full output of each step, the screen
/// recording and, at the end, the report.
///
/// ```
/// <session>/              0700, created new for each run
///   transcript.jsonl      0600  the journal: one JSON object per line, synced per event
///   session.cast          0600  asciicast v2 of what the operator saw
///   transcript.md         0600  the incident report, written by finish()
///   output/NNN-<step>.log 0600  everything one step run printed
/// ```
///
/// Every file is created new (`O_EXCL`, never through a symbolic link) inside a directory that
/// did not exist before. `docs/transcript-format.md` documents the format. A session is used
/// from one thread, the run's: it is not `Sendable`.
public final class SessionDirectory: Recorder {
    /// The session directory, as given or as chosen.
    public let path: String
    /// Why the screen recording stopped, when writing it failed; the journal is not affected.
    public private(set) var screenFailure: TranscriptError?

    private var masking: Masking
    private let directory: Int32
    private var outputDirectory: Int32
    private var journal: SystemFile?
    private var journalLength = 0
    private var nextSequence = 1
    private var failure: TranscriptError?
    private var screenRecording: ScreenRecording?
    private var outputCount = 0

    private var journalPath: String { path + "/transcript.jsonl" }

    /// Masks `value` too in every line written from now on (a secret asked late).
    public func learnSecret(_ value: String) {
        masking = masking.adding(value)
    }

    private init(path: String, masking: Masking, directory: Int32) {
        self.path = path
        self.masking = masking
        self.directory = directory
        self.outputDirectory = -1
    }

    deinit {
        _ = journal?.close()
        _ = screenRecording?.file.close()
        if outputDirectory >= 0 { Glibc.close(outputDirectory) }
        if directory >= 0 { Glibc.close(directory) }
    }

    /// Creates a new session directory and its files.
    ///
    /// - Parameters:
    ///   - path: The directory to create; nil for the default under `$XDG_STATE_HOME/medic/sessions`.
    ///     Missing parents are created with mode 0700. The directory itself must not exist, and
    ///     a symbolic link there is refused: a session is never written into twice.
    ///   - runbookID: The root runbook's id, for the default name and the recording's title.
    ///   - masking: The secrets of the run, masked again in every line written (defence in depth:
    ///     the session masks events before recording them).
    ///   - screenSize: The terminal's columns and rows; 80×24 when nil.
    /// - Throws: `TranscriptError` naming the path when the directory or a file cannot be made.
    public static func create(at path: String?, runbookID: String, masking: Masking, screenSize: (width: Int, height: Int)?) throws
        -> SessionDirectory
    {
        let now = Clock.nowMilliseconds()
        let environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } }
        let chosen = try path ?? defaultPath(runbookID: runbookID, milliseconds: now, environment: environment)
        try createParents(of: chosen)
        let directory = try makeDirectory(chosen)
        // From here on the session owns the descriptors, and closes them if creation fails.
        let session = SessionDirectory(path: chosen, masking: masking, directory: directory)
        if mkdirat(directory, "output", 0o700) != 0 { throw TranscriptError.system("create the folder", chosen + "/output", errno) }
        session.outputDirectory = openat(directory, "output", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard session.outputDirectory >= 0, fchmod(session.outputDirectory, 0o700) == 0 else {
            throw TranscriptError.system("open the folder", chosen + "/output", errno)
        }
        session.journal = try createFile("transcript.jsonl", in: directory, session: chosen).get()
        let castFile = try createFile("session.cast", in: directory, session: chosen).get()
        session.screenRecording = try ScreenRecording(
            file: castFile, path: chosen + "/session.cast", width: screenSize?.width ?? 80, height: screenSize?.height ?? 24,
            timestamp: now / 1000, environment: environment, title: "medic run \(runbookID)", masking: masking)
        // The names must survive a crash as much as the lines do.
        syncDirectory(directory)
        let parentPath = parent(of: chosen)
        let parent = open(parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if parent >= 0 {
            syncDirectory(parent)
            Glibc.close(parent)
        }
        return session
    }

    /// Creates the session directory itself with mode 0700 and opens it, refusing what exists.
    private static func makeDirectory(_ path: String) throws -> Int32 {
        var status = stat()
        if lstat(path, &status) == 0 {
            if status.st_mode & S_IFMT == S_IFLNK {
                throw TranscriptError("could not create the session directory \(path): it is a symbolic link; give a new directory")
            }
            throw alreadyExists(path)
        }
        if mkdir(path, 0o700) != 0 {
            if errno == EEXIST { throw alreadyExists(path) }
            throw TranscriptError.system("create the session directory", path, errno)
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw TranscriptError.system("open the session directory", path, errno) }
        // mkdir's mode is filtered by the umask; the directory must be exactly 0700.
        guard fchmod(descriptor, 0o700) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw TranscriptError.system("set the mode of the session directory", path, code)
        }
        return descriptor
    }

    private static func alreadyExists(_ path: String) -> TranscriptError {
        TranscriptError("could not create the session directory \(path): it already exists; a session is never written twice, give a new directory")
    }

    private static func createFile(_ name: String, in directory: Int32, session: String) -> Result<SystemFile, TranscriptError> {
        SystemFile.create(name, in: directory, mode: 0o600).mapError { .system("create", session + "/" + name, $0.code) }
    }

    /// Appends `event` to `transcript.jsonl`, syncs it to the disk before returning, and returns
    /// the time stamped on it.
    ///
    /// A failed append is cut back out of the file, so every line in the journal is a record
    /// that was reported as made. After one failure every later call fails too: the journal
    /// never claims events after a gap.
    @discardableResult public func record(_ event: TranscriptEvent) throws -> String {
        if let failure { throw failure }
        guard let journal else { throw TranscriptError("could not record to \(journalPath): the session is finished") }
        let now = Clock.nowMilliseconds()
        let line = journalLine(event, sequence: nextSequence, milliseconds: now) + "\n"
        if let problem = journal.writeAll(line) ?? journal.syncData() {
            journal.truncate(to: journalLength)
            let error = TranscriptError.system("record to", journalPath, problem.code)
            failure = error
            throw error
        }
        journalLength += line.utf8.count
        nextSequence += 1
        return Clock.iso8601(milliseconds: now)
    }

    /// The journal line for `event`, without its newline: every string value masked (by the
    /// writer, in the form it has in memory, before it is escaped).
    ///
    /// Only data is masked, never a field's name, a number, the line's own syntax or Medic's own
    /// words (the time, the event's name, a kind, `--yes`: `JSONWriter.add(_:own:)`): those are
    /// Medic's, not the secret's, and masking them would corrupt the record (a secret `x` would turn
    /// `"expected"` into `"e••••pected"`, and the reader would skip the record). So every record
    /// is whole and readable whatever a secret's value is, `e`, `"` or `:` included.
    func journalLine(_ event: TranscriptEvent, sequence: Int, milliseconds: Int64) -> String {
        var json = JSONWriter(masking: masking)
        json.add("v", 1)
        json.add("seq", sequence)
        json.add("time", own: Clock.iso8601(milliseconds: milliseconds))
        json.add("event", own: event.journalName)
        event.writeFields(to: &json)
        return json.object
    }

    /// Opens `output/NNN-<step>.log` (mode 0600, created new) for the full output of one run of
    /// `stepID`; NNN counts the step runs of the session from 001.
    public func openOutput(stepID: String) throws -> any OutputStore {
        if let failure { throw failure }
        outputCount += 1
        let number = String(outputCount)
        let name = String(repeating: "0", count: max(0, 3 - number.count)) + number + "-" + Self.safeName(stepID) + ".log"
        let file = try SystemFile.create(name, in: outputDirectory, mode: 0o600)
            .mapError { TranscriptError.system("create", path + "/output/" + name, $0.code) }.get()
        syncDirectory(outputDirectory)
        return StepOutputFile(file: file, relativePath: "output/" + name, fullPath: path + "/output/" + name, stepID: stepID)
    }

    /// Appends what the operator's screen showed to `session.cast`, masked, with the seconds
    /// since the session started. Never pass keystrokes. A failure stops the recording and is
    /// kept in `screenFailure`; the run goes on, since the journal is the evidence.
    public func screen(_ text: String) {
        guard screenFailure == nil, var recording = screenRecording else { return }
        if let problem = recording.append(masking.apply(text)) {
            screenFailure = .system("record the screen to", recording.path, problem.code)
        }
        screenRecording = recording
    }

    /// Ends the session: syncs the screen recording, then writes `transcript.md` (mode 0600)
    /// from the journal as it is on disk, and syncs it.
    ///
    /// Later calls to `record` fail. Throws when the report cannot be written.
    public func finish() throws {
        guard let journal else { throw TranscriptError("could not finish the session in \(path): it is already finished") }
        self.journal = nil
        _ = journal.close()
        if let recording = screenRecording {
            screenRecording = nil
            if let problem = recording.file.syncData() ?? recording.file.close(), screenFailure == nil {
                screenFailure = .system("record the screen to", recording.path, problem.code)
            }
        }
        let read = JournalReader.read(path: journalPath)
        let report = masking.apply(MarkdownReport.render(read.entries, problems: read.problems, sessionPath: path))
        let reportPath = path + "/transcript.md"
        let file = try SystemFile.create("transcript.md", in: directory, mode: 0o600)
            .mapError { TranscriptError.system("create", reportPath, $0.code) }.get()
        let problem = file.writeAll(report) ?? file.syncData()
        let closeProblem = file.close()
        if let problem = problem ?? closeProblem { throw TranscriptError.system("write the report to", reportPath, problem.code) }
        syncDirectory(directory)
    }
}
