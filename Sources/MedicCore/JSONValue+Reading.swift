/// Reading JSON text by RFC 8259's grammar, byte by byte over its UTF-8.
extension JSONValue {
    /// How deep arrays and objects may nest; RFC 8259 (section 9) lets a parser set the limit.
    public static let maximumDepth = 256

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// `JSON-text = ws value ws`, and nothing after it.
        mutating func document() throws(JSONSyntaxError) -> JSONValue {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw error("the text starts with a byte order mark, which JSON does not allow") }
            skipSpace()
            let value = try value(depth: 0)
            skipSpace()
            if index < bytes.count { throw error("unexpected \(character) after the end of the value") }
            return value
        }

        /// `ws = *( %x20 / %x09 / %x0A / %x0D )`.
        private mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard let byte = current else { throw error("expected a value, found the end of the text") }
            switch byte {
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "+"): throw error("a number cannot start with '+'")
            case UInt8(ascii: "."): throw error("a number needs a digit before its '.'")
            default: throw error("expected a value, found \(character)")
            }
        }

        private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
            let utf8 = word.utf8
            for (offset, expected) in utf8.enumerated() where index + offset >= bytes.count || bytes[index + offset] != expected {
                index += offset
                throw error("expected '\(word)'")
            }
            index += utf8.count
            return value
        }

        private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            try checkDepth(depth)
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                if current == UInt8(ascii: "]") { throw error("a value is missing after ','") }
                items.append(try value(depth: depth))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(items)
                default: throw error("expected ',' or ']' in the array, found \(character)")
                }
            }
        }

        private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            try checkDepth(depth)
            index += 1
            var members: [String: JSONValue] = [:]
            // Where each name was given, to name the first when one comes again.
            var firstSeen: [String: (name: String, offset: Int)] = [:]
            skipSpace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else {
                    throw error(
                        current == UInt8(ascii: "}") ? "a member is missing after ','" : "expected a name in double quotes, found \(character)")
                }
                let nameStart = index
                let name = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after the name, found \(character)") }
                index += 1
                skipSpace()
                let item = try value(depth: depth)
                if let first = firstSeen[name] {
                    // Swift's String equality is canonical equivalence: "é" written as one scalar
                    // and as two are the same key to a dictionary, but different names in JSON.
                    let how = first.name.unicodeScalars.elementsEqual(name.unicodeScalars) ? "" : " (in another Unicode form)"
                    let (line, column) = position(of: first.offset)
                    throw error(
                        "the name \"\(name)\" is given twice in this object\(how); it was first given at line \(line), column \(column)",
                        at: nameStart)
                }
                firstSeen[name] = (name, nameStart)
                members[name] = item
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                default: throw error("expected ',' or '}' in the object, found \(character)")
                }
            }
        }

        private func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
            if depth > JSONValue.maximumDepth { throw error("arrays and objects nest more than \(JSONValue.maximumDepth) levels deep") }
        }

        /// `number = [ minus ] int [ frac ] [ exp ]`, `int = zero / ( digit1-9 *DIGIT )`,
        /// `frac = "." 1*DIGIT`, `exp = ( "e" / "E" ) [ minus / plus ] 1*DIGIT`.
        private mutating func number() throws(JSONSyntaxError) -> JSONValue {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, isDigit(first) else { throw error("expected a digit after '-'") }
            index += 1
            if first == UInt8(ascii: "0"), let next = current, isDigit(next) { throw error("a number cannot start with '0' followed by more digits") }
            skipDigits()
            if current == UInt8(ascii: ".") {
                index += 1
                guard let next = current, isDigit(next) else { throw error("expected a digit after the '.' of a number") }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let next = current, isDigit(next) else { throw error("expected a digit in the exponent of a number") }
                skipDigits()
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            // Every text the grammar accepts is one Double reads (a huge exponent reads as infinity).
            return .number(Double(text) ?? .nan, text: text)
        }

        private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        private mutating func skipDigits() {
            while let byte = current, isDigit(byte) { index += 1 }
        }

        /// A string, the position at its opening quote. Control characters must be escaped; a
        /// surrogate pair may be written as two `\u` escapes, a lone surrogate is refused.
        private mutating func string() throws(JSONSyntaxError) -> String {
            let opening = index
            index += 1
            var result = ""
            var chunkStart = index
            while true {
                guard let byte = current else { throw error("the string is never closed", at: opening) }
                switch byte {
                case UInt8(ascii: "\""):
                    result += String(decoding: bytes[chunkStart..<index], as: UTF8.self)
                    index += 1
                    return result
                case UInt8(ascii: "\\"):
                    result += String(decoding: bytes[chunkStart..<index], as: UTF8.self)
                    result.unicodeScalars.append(try escape())
                    chunkStart = index
                case 0x00..<0x20:
                    throw error("a control character (U+\(hex(UInt32(byte)))) must be escaped inside a string")
                default:
                    index += 1
                }
            }
        }

        /// One escape, the position at its backslash; moves past it.
        private mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
            let start = index
            index += 1
            guard let code = current else { throw error("the string is never closed") }
            index += 1
            switch code {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hex4(escapeAt: start)
                if (0xDC00...0xDFFF).contains(unit) {
                    throw error("'\\u\(hex(unit))' is the second half of a surrogate pair without its first half", at: start)
                }
                if (0xD800...0xDBFF).contains(unit) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("'\\u\(hex(unit))' is the first half of a surrogate pair, and no second half follows", at: start)
                    }
                    let secondStart = index
                    index += 2
                    let low = try hex4(escapeAt: secondStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("'\\u\(hex(unit))' is the first half of a surrogate pair, and no second half follows", at: start)
                    }
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                return Unicode.Scalar(unit) ?? "\u{FFFD}"
            default:
                index -= 1
                throw error("unknown escape '\\\(character.dropFirst().dropLast())' in a string", at: start)
            }
        }

        /// The four hex digits after `\u`, the position at the first.
        private mutating func hex4(escapeAt start: Int) throws(JSONSyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                let digit: UInt32
                switch current {
                case let byte? where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte): digit = UInt32(byte - UInt8(ascii: "0"))
                case let byte? where (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case let byte? where (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("'\\u' needs four hexadecimal digits", at: start)
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        private func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        /// The character at the position, quoted, for messages.
        private var character: String {
            guard index < bytes.count else { return "the end of the text" }
            var end = index + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        }

        /// The line and column of byte `offset`: lines end at LF, CR LF or CR; columns count scalars.
        private func position(of offset: Int) -> (line: Int, column: Int) {
            var line = 1
            var column = 1
            var position = 0
            while position < min(offset, bytes.count) {
                let byte = bytes[position]
                if byte == 0x0A || (byte == 0x0D && (position + 1 >= bytes.count || bytes[position + 1] != 0x0A)) {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80, byte != 0x0D {
                    column += 1
                }
                position += 1
            }
            return (line, column)
        }

        private func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
            let (line, column) = position(of: offset ?? index)
            return JSONSyntaxError(message: message, line: line, column: column)
        }
    }
}
