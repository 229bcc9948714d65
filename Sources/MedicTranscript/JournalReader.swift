import MedicCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a journal (`transcript.jsonl`) back into typed entries, saying what is wrong with it.
///
/// Reading never fails as a whole: every complete line that is a record of this format becomes
/// an entry holding its `TranscriptEvent`, and each problem (a torn last line after a crash, a
/// gap in `seq`, a line that is not a record, an event or a field this Medic does not know) is
/// reported next to them and the line skipped, never half-trusted, so a damaged journal still
/// renders.
public enum JournalReader {
    /// The journal format version this reader understands.
    public static let version = 1

    /// Reads the journal at `path`.
    public static func read(path: String) -> JournalReadResult {
        switch readBytes(path) {
        case .success(let bytes): parse(bytes)
        case .failure(let failure):
            JournalReadResult(entries: [], problems: [.unreadable(path: path, reason: SystemFile.reason(failure.code))])
        }
    }

    /// Parses the bytes of a journal.
    public static func parse(_ bytes: [UInt8]) -> JournalReadResult {
        var entries: [JournalEntry] = []
        var problems: [JournalProblem] = []
        var lineStart = 0
        var lineNumber = 0
        var previous: Int?
        while lineStart < bytes.count {
            lineNumber += 1
            let newline = bytes[lineStart...].firstIndex(of: 0x0A)
            let lineEnd = newline ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            guard newline != nil else {
                // The last line has no line end: the recorder was stopped while writing it, so it
                // was never reported as recorded, even when its text happens to be whole.
                problems.append(.incompleteLastLine(line: lineNumber))
                break
            }
            guard let text = String(validating: bytes[lineStart..<lineEnd], as: UTF8.self), let line = envelope(of: text) else {
                problems.append(.invalidLine(line: lineNumber))
                continue
            }
            if let previous, line.seq != previous + 1 {
                problems.append(.gap(line: lineNumber, after: previous, next: line.seq))
            }
            previous = line.seq
            guard line.version == version else {
                problems.append(.unsupportedVersion(line: lineNumber, version: line.version))
                continue
            }
            let record: JournalRecord
            switch self.record(line.event, line.fields) {
            case .success(let read): record = read
            case .failure(.unknown):
                problems.append(.unknownEvent(line: lineNumber, event: line.event))
                continue
            case .failure(.invalid(let field)):
                problems.append(.invalidField(line: lineNumber, event: line.event, field: field))
                continue
            }
            entries.append(JournalEntry(line: lineNumber, version: line.version, seq: line.seq, time: line.time, record: record, text: text))
        }
        return JournalReadResult(entries: entries, problems: problems)
    }

    /// The envelope every record has (`v`, `seq`, `time`, `event`) and the fields after it.
    private static func envelope(of text: String) -> (version: Int, seq: Int, time: String, event: String, fields: [String: JSONValue])? {
        guard case .object(var fields)? = JSONValue.parse(text),
            case .number(let version, _)? = fields.removeValue(forKey: "v"),
            case .number(let seq, _)? = fields.removeValue(forKey: "seq"),
            case .string(let time)? = fields.removeValue(forKey: "time"),
            case .string(let event)? = fields.removeValue(forKey: "event"),
            let versionNumber = Int(exactly: version), let seqNumber = Int(exactly: seq)
        else { return nil }
        return (versionNumber, seqNumber, time, event, fields)
    }

    private enum Unread: Error {
        case unknown
        case invalid(field: String)
    }

    /// The typed record of a line whose envelope was read.
    private static func record(_ event: String, _ fields: [String: JSONValue]) -> Result<JournalRecord, Unread> {
        if event == "withheld" {
            guard case .string(let kind)? = fields["withheld_event"] else { return .failure(.invalid(field: "withheld_event")) }
            guard case .string(let reason)? = fields["reason"] else { return .failure(.invalid(field: "reason")) }
            return .success(.withheld(event: kind, reason: reason))
        }
        do {
            guard let read = try TranscriptEvent(journalName: event, fields: fields) else { return .failure(.unknown) }
            return .success(.event(read))
        } catch {
            return .failure(.invalid(field: error.field))
        }
    }

    private static func readBytes(_ path: String) -> Result<[UInt8], SystemFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(SystemFailure(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(SystemFailure(errno))
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk[0..<count]
        }
    }
}

/// The entries of a journal and what is wrong with it.
public struct JournalReadResult: Sendable, Hashable {
    /// Every record that could be read, in file order.
    public var entries: [JournalEntry]
    /// What is wrong with the journal; empty for a journal written to the end.
    public var problems: [JournalProblem]

    /// Creates a result.
    public init(entries: [JournalEntry], problems: [JournalProblem]) {
        self.entries = entries
        self.problems = problems
    }
}

/// Something wrong with a journal, as one sentence.
public enum JournalProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The last line has no line end: the run was stopped while writing it.
    case incompleteLastLine(line: Int)
    /// A complete line that is not a journal record.
    case invalidLine(line: Int)
    /// A record of a format version this Medic does not know.
    case unsupportedVersion(line: Int, version: Int)
    /// A record of an event this Medic does not know.
    case unknownEvent(line: Int, event: String)
    /// A record whose field `field` is missing or not of its documented type.
    case invalidField(line: Int, event: String, field: String)
    /// Sequence numbers jump: records are missing between `after` and `next`.
    case gap(line: Int, after: Int, next: Int)

    /// The sentence for the operator.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "could not read \(path): \(reason)"
        case .incompleteLastLine(let line): "line \(line) is incomplete: the run was interrupted while writing it"
        case .invalidLine(let line): "line \(line) is not a journal record; it was skipped"
        case .unsupportedVersion(let line, let version):
            "line \(line) has format version \(version); this Medic reads version \(JournalReader.version), so it was skipped"
        case .unknownEvent(let line, let event): "line \(line) is a '\(event)' record, which this Medic does not know; it was skipped"
        case .invalidField(let line, let event, let field):
            "line \(line) is a '\(event)' record whose '\(field)' is missing or not valid; it was skipped"
        case .gap(let line, let after, let next):
            next > after
                ? "line \(line) has seq \(next) after \(after): \(next - after - 1) record\(next - after - 1 == 1 ? " is" : "s are") missing"
                : "line \(line) has seq \(next) after \(after): the sequence goes backwards"
        }
    }
}
