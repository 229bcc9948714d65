import MedicCore

/// One record of the journal as read back: the envelope every line has, and what it records.
public struct JournalEntry: Sendable, Hashable {
    /// The line it was read from, counting from 1.
    public var line: Int
    /// The format version (`v`).
    public var version: Int
    /// The sequence number, from 1 without gaps in a whole journal.
    public var seq: Int
    /// When it was recorded, UTC: `2026-11-21T17:41:02.123Z`.
    public var time: String
    /// What the line records.
    public var record: JournalRecord
    /// The line exactly as it is in the file, without its line end.
    public var text: String

    /// Creates an entry.
    public init(line: Int, version: Int, seq: Int, time: String, record: JournalRecord, text: String) {
        self.line = line
        self.version = version
        self.seq = seq
        self.time = time
        self.record = record
        self.text = text
    }

    /// The event the line records; nil for a withheld record.
    public var event: TranscriptEvent? {
        if case .event(let event) = record { return event }
        return nil
    }
}

/// What one journal line records.
public enum JournalRecord: Sendable, Hashable {
    /// An event of the run, read back into its type.
    case event(TranscriptEvent)
    /// An event the recorder withheld because masking a secret in it would have broken the line
    /// (`withheld_event` names its kind).
    case withheld(event: String, reason: String)
}
