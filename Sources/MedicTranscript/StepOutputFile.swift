import MedicCore

/// The file holding the full output of one step run (`output/NNN-<step>.log`).
///
/// Bytes go straight to `write(2)`, so memory stays flat however much a step prints; they are
/// already masked by the session. `close` syncs the file before saying where it is.
final class StepOutputFile: OutputStore {
    private var file: SystemFile?
    let relativePath: String
    let fullPath: String
    let stepID: String
    /// Whether anything was written, so an empty file needs no sync.
    private var written = false

    init(file: SystemFile, relativePath: String, fullPath: String, stepID: String) {
        self.file = file
        self.relativePath = relativePath
        self.fullPath = fullPath
        self.stepID = stepID
    }

    deinit {
        _ = file?.close()
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        guard let file else { throw TranscriptError("could not write the output of step '\(stepID)' to \(fullPath): it is already closed") }
        written = written || !bytes.isEmpty
        if let failure = bytes.withUnsafeBytes({ file.writeAll($0) }) {
            throw TranscriptError.system("write the output of step '\(stepID)' to", fullPath, failure.code)
        }
    }

    func close() throws -> String {
        guard let file else { return relativePath }
        self.file = nil
        let failure = written ? file.syncData() : nil
        let closeFailure = file.close()
        if let failure = failure ?? closeFailure {
            throw TranscriptError.system("save the output of step '\(stepID)' to", fullPath, failure.code)
        }
        return relativePath
    }
}
