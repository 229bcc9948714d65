import MedicCore

/// The asciicast v2 file of what the operator saw (`session.cast`): a header line, then one
/// `[seconds, "o", text]` line per write to the screen. Keystrokes are never recorded.
///
/// Lines are written but not synced one by one (the screen is written often and the journal is
/// the evidence); `finish` syncs the file.
struct ScreenRecording {
    let file: SystemFile
    let path: String
    private let start = Clock.monotonicNanoseconds()
    private var length = 0

    /// Creates the recording with its header.
    init(
        file: SystemFile, path: String, width: Int, height: Int, timestamp: Int64, environment: (String) -> String?, title: String,
        masking: Masking
    ) throws {
        self.file = file
        self.path = path
        var env = JSONWriter(masking: masking)
        env.add("TERM", environment("TERM") ?? "")
        env.add("SHELL", environment("SHELL") ?? "")
        var header = JSONWriter(masking: masking)
        header.add("version", 2)
        header.add("width", width)
        header.add("height", height)
        header.add("timestamp", Int(timestamp))
        header.add("env", json: env.object)
        header.add("title", title)
        let line = header.object + "\n"
        if let failure = file.writeAll(line) { throw TranscriptError.system("record the screen to", path, failure.code) }
        length = line.utf8.count
    }

    /// Appends one output event; a failed append is cut back so every line stays whole.
    mutating func append(_ text: String) -> SystemFailure? {
        let line = "[" + ScreenRecording.seconds(Clock.monotonicNanoseconds() - start) + ",\"o\"," + JSONWriter.quoted(text) + "]\n"
        if let failure = file.writeAll(line) {
            file.truncate(to: length)
            return failure
        }
        length += line.utf8.count
        return nil
    }

    /// `12.345678`: seconds with microseconds, as asciinema writes them.
    static func seconds(_ nanoseconds: UInt64) -> String {
        let micro = nanoseconds / 1000
        let fraction = String(micro % 1_000_000)
        return String(micro / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
