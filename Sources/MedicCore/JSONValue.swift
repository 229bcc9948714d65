/// A parsed JSON document, for `json:` conditions on HTTP bodies and for reading journals.
///
/// A small parser of its own keeps the core free of Foundation (`JSONValue+Reading.swift`). It
/// accepts exactly the JSON of RFC 8259 and refuses, with the line and column, everything else,
/// and also two things the RFC leaves to implementations: an object that gives a name twice
/// (which of the two a condition would see is anybody's guess, and parsers disagree) and a `\u`
/// escape of a lone surrogate (no Unicode text holds one). Nesting is limited so that a hostile
/// body cannot exhaust the stack.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `text`; nil when it is not JSON (`read(_:)` says why).
    public static func parse(_ text: String) -> JSONValue? {
        try? read(text).get()
    }

    /// Parses `text`, or says where and why it is not JSON.
    public static func read(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
        var reader = Reader(bytes: Array(text.utf8))
        do throws(JSONSyntaxError) {
            return .success(try reader.document())
        } catch {
            return .failure(error)
        }
    }

    /// The value at a dotted path such as `user.roles.0`.
    public func value(at path: String) -> JSONValue? {
        var current = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let members):
                guard let next = members[String(part)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The value as text for comparisons: strings bare, numbers as written, others as JSON.
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(_, let text): text
        case .string(let s): s
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object: "{…}"
        }
    }
}

/// Why a text is not JSON, and where: the first problem found.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, lowercase-first (`"a number cannot start with '+'"`).
    public var message: String
    /// The line of the problem, from 1.
    public var line: Int
    /// The column of the problem, from 1, in Unicode scalars.
    public var column: Int

    /// Creates an error.
    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line 1, column 7: …`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
