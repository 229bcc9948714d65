/// What the reader refuses beside the structure: characters no value may start with (the YAML
/// features Medic leaves out, and YAML's reserved indicators), and control characters, looked for
/// before the structure is read (`parse(bytes:)`) or beside it (`YAMLText.compose`).
extension YAMLParser {
    /// The error for a value that starts with a character no value may start with here: the
    /// YAML features Medic refuses, and the indicators YAML reserves.
    mutating func unsupportedStart(inFlow: Bool) -> YAMLSyntaxError? {
        let byte = scanner.peek()
        // Most values start with a letter or digit; only make a mark for the rest.
        let letterOrDigit =
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        if byte >= 0x80 || letterOrDigit {
            return nil
        }
        let mark = scanner.mark()
        let indicatorFollows = scanner.isBlankOrEnd(at: 1) || (inFlow && YAMLScanner.isFlowIndicator(scanner.peek(1)))
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "*"):
            return .refused(
                "YAML anchors and aliases are not allowed in Medic files", at: mark,
                hint: "write each value out in full; runbooks are read by people under pressure")
        case UInt8(ascii: "!"):
            return .refused("YAML tags are not allowed in Medic files", at: mark, hint: "remove the tag; each key decides how its value is read")
        case UInt8(ascii: "?") where indicatorFollows:
            return .invalid("complex keys ('? ') are not supported in Medic files", at: mark, hint: "write 'key: value'")
        case UInt8(ascii: ":") where indicatorFollows:
            return .invalid("unexpected ':'; a key is missing before it", at: mark)
        case UInt8(ascii: "-") where inFlow && indicatorFollows:
            return .invalid("a list entry ('- ') cannot be inside [ ] or { }", at: mark, hint: "separate the entries with ','")
        case UInt8(ascii: "|") where inFlow, UInt8(ascii: ">") where inFlow:
            return .invalid("a block scalar ('|' or '>') cannot be inside [ ] or { }", at: mark)
        case UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"):
            return .invalid("a value cannot start with \(scanner.currentCharacter) unless it is quoted", at: mark, hint: "put the value in quotes")
        default:
            return nil
        }
    }

    /// Refuses the control characters YAML does not allow anywhere in a file (all of C0 but
    /// tab and line breaks, DEL, C1 but NEL, U+FFFE and U+FFFF); they are never typed on purpose.
    static func refuseControlCharacters(in bytes: [UInt8]) throws(YAMLSyntaxError) {
        var next = 0
        while let index = Self.firstControlCharacterCandidate(in: bytes, from: next) {
            try refuseControlCharacter(in: bytes, at: index)
            next = index + 1
        }
    }

    /// The first byte from `start` that is a control character or a byte of a non-ASCII
    /// character, other than tab, line feed and carriage return.
    private static func firstControlCharacterCandidate(in bytes: [UInt8], from start: Int) -> Int? {
        bytes[start...].firstIndex { byte in byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) }
    }

    private static func refuseControlCharacter(in bytes: [UInt8], at index: Int) throws(YAMLSyntaxError) {
        let byte = bytes[index]
        var scalar: UInt32?
        if byte < 0x80 {
            if byte == 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { scalar = UInt32(byte) }
        } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]), bytes[index + 1] != 0x85 {
            scalar = UInt32(bytes[index + 1])
        } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
            scalar = 0xFFFE + UInt32(bytes[index + 2] - 0xBE)
        }
        guard let scalar else { return }
        var hex = String(scalar, radix: 16, uppercase: true)
        hex = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        throw .invalid(
            "the control character U+\(hex) is not allowed in YAML text", at: YAMLScanner(bytes: bytes).mark(ofOffset: index),
            hint: "write it as an escape in a double-quoted value: \"\\u\(hex)\"")
    }
}
