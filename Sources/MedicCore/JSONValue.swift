/// A parsed JSON document, for `json:` conditions on HTTP bodies.
///
/// A small parser of its own keeps the core free of Foundation; it accepts RFC 8259 JSON and
/// nothing else, and limits nesting so a hostile body cannot exhaust the stack.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `text`; nil when it is not JSON.
    public static func parse(_ text: String) -> JSONValue? {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.index == parser.bytes.count ? value : nil
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

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func literal(_ word: String, _ value: JSONValue) -> JSONValue? {
            let utf8 = Array(word.utf8)
            guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else { return nil }
            index += utf8.count
            return value
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 256, index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "n"): return literal("null", .null)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "\""): return string().map(JSONValue.string)
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    skipSpace()
                    guard let item = value(depth: depth + 1) else { return nil }
                    members[key] = item
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    return nil
                }
            default:
                return number()
            }
        }

        mutating func number() -> JSONValue? {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start, let text = String(validating: bytes[start..<index], as: UTF8.self), let value = Double(text) else { return nil }
            return .number(value, text: text)
        }

        mutating func string() -> String? {
            index += 1  // opening quote
            var chunkStart = index
            var result = ""
            func flush(_ end: Int) {
                if end > chunkStart { result += String(decoding: bytes[chunkStart..<end], as: UTF8.self) }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return result
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    flush(index)
                    index += 1
                    guard index < bytes.count else { return nil }
                    let escaped: Unicode.Scalar
                    switch bytes[index] {
                    case UInt8(ascii: "\""): escaped = "\""
                    case UInt8(ascii: "\\"): escaped = "\\"
                    case UInt8(ascii: "/"): escaped = "/"
                    case UInt8(ascii: "b"): escaped = "\u{08}"
                    case UInt8(ascii: "f"): escaped = "\u{0C}"
                    case UInt8(ascii: "n"): escaped = "\n"
                    case UInt8(ascii: "r"): escaped = "\r"
                    case UInt8(ascii: "t"): escaped = "\t"
                    case UInt8(ascii: "u"):
                        guard let code = hex4(at: index + 1) else { return nil }
                        index += 4
                        var scalar = Unicode.Scalar(code)
                        if (0xD800...0xDBFF).contains(code), index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                            bytes[index + 2] == UInt8(ascii: "u"), let low = hex4(at: index + 3), (0xDC00...0xDFFF).contains(low)
                        {
                            scalar = Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                            index += 6
                        }
                        escaped = scalar ?? "\u{FFFD}"
                    default: return nil
                    }
                    result.unicodeScalars.append(escaped)
                    index += 1
                    chunkStart = index
                    continue
                }
                index += 1
            }
            return nil
        }

        func hex4(at position: Int) -> UInt32? {
            guard position + 4 <= bytes.count, let text = String(validating: bytes[position..<position + 4], as: UTF8.self) else { return nil }
            return UInt32(text, radix: 16)
        }
    }
}
