/// Why the record of a run could not be made or read: one plain sentence for the operator.
///
/// Once recording fails, the run must stop: nothing may happen that the journal does not show.
public struct TranscriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The sentence, lowercase-first, naming the file and the system's reason.
    public var description: String

    /// Creates an error with its sentence.
    public init(_ description: String) {
        self.description = description
    }

    /// "could not <action> <path>: <strerror(code)>".
    static func system(_ action: String, _ path: String, _ code: Int32) -> TranscriptError {
        TranscriptError("could not \(action) \(path): \(SystemFile.reason(code))")
    }
}
