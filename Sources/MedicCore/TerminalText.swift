/// Making untrusted bytes safe to print on a terminal.
///
/// Logs hold whatever clients sent: an nginx error log line can carry escape sequences that
/// would move the cursor, retitle the window or hide text, and a bidi control can make a name
/// read as another. Everything a step printed is shown with control characters (C0 but tab and
/// line feed, DEL, C1) and bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9) made visible
/// and invalid UTF-8 escaped, never interpreted.
public enum TerminalText {
    /// `bytes` as one printable line: tabs kept, other C0/C1 controls and DEL shown as `^X` or
    /// `\u{…}`, bidi controls as `\u{…}`, invalid UTF-8 as `\xNN`.
    public static func sanitize<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = ""
        out.reserveCapacity(bytes.count)
        // Decode scalar by scalar; a bad byte is shown escaped and decoding resumes after it.
        // The decoder buffers bytes it has read ahead, so each scalar gets a fresh one.
        var buffered = Array(bytes)[...]
        while !buffered.isEmpty {
            var decoder = UTF8()
            var it = buffered.makeIterator()
            switch decoder.decode(&it) {
            case .scalarValue(let scalar):
                let length = UTF8.width(scalar)
                append(scalar, to: &out)
                buffered = buffered.dropFirst(length)
            case .error:
                out += "\\x" + hex(buffered[buffered.startIndex])
                buffered = buffered.dropFirst()
            case .emptyInput:
                buffered = []
            }
        }
        return out
    }

    /// `text` with control characters made visible; for strings that are already valid Unicode.
    public static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                out += "\n"
            } else {
                append(scalar, to: &out)
            }
        }
        return out
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar.value {
        case 0x09: out.unicodeScalars.append(scalar)
        case 0x00..<0x20: out += "^" + String(Unicode.Scalar(UInt8(scalar.value + 0x40)))
        case 0x7F: out += "^?"
        case 0x80..<0xA0: out += "\\u{" + String(scalar.value, radix: 16) + "}"
        // Bidi controls reorder what follows them: a name can read as another on screen.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
