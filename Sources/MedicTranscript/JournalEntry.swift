import MedicCore

/// One record of the journal as read back: the envelope every line has, and the event's fields.
public struct JournalEntry: Sendable, Hashable {
    /// The line it was read from, counting from 1.
    public var line: Int
    /// The format version (`v`).
    public var version: Int
    /// The sequence number, from 1 without gaps in a whole journal.
    public var seq: Int
    /// When it was recorded, UTC: `2026-11-21T17:41:02.123Z`.
    public var time: String
    /// The event's name: `start`, `step`, `run`, … (docs/transcript-format.md).
    public var event: String
    /// The event's own fields, without `v`, `seq`, `time` and `event`.
    public var fields: [String: JSONValue]
    /// The line exactly as it is in the file, without its line end.
    public var text: String

    /// Creates an entry.
    public init(line: Int, version: Int, seq: Int, time: String, event: String, fields: [String: JSONValue], text: String) {
        self.line = line
        self.version = version
        self.seq = seq
        self.time = time
        self.event = event
        self.fields = fields
        self.text = text
    }

    /// The string field `name`; nil when absent, null or not a string.
    public func string(_ name: String) -> String? {
        if case .string(let value)? = fields[name] { return value }
        return nil
    }

    /// The integer field `name`; nil when absent, null or not an integer.
    public func int(_ name: String) -> Int? {
        if case .number(let value, _)? = fields[name] { return Int(exactly: value) }
        return nil
    }

    /// The boolean field `name`; false when absent or not a boolean.
    public func bool(_ name: String) -> Bool {
        if case .bool(let value)? = fields[name] { return value }
        return false
    }

    /// The array field `name`; empty when absent or not an array.
    public func array(_ name: String) -> [JSONValue] {
        if case .array(let items)? = fields[name] { return items }
        return []
    }
}

extension JSONValue {
    /// The string member `name` of an object; nil otherwise.
    func member(_ name: String) -> String? {
        if case .object(let members) = self, case .string(let value)? = members[name] { return value }
        return nil
    }

    /// The boolean member `name` of an object; false otherwise.
    func flag(_ name: String) -> Bool {
        if case .object(let members) = self, case .bool(let value)? = members[name] { return value }
        return false
    }
}
