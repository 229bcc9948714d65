/// What the reader refuses before it reads structure: characters no value may start with (the
/// YAML features Medic leaves out, and YAML's reserved indicators) and control characters.
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
    func refuseControlCharacters() throws(YAMLSyntaxError) {
        let bytes = scanner.bytes
        var next = 0
        while let index = Self.firstControlCharacterCandidate(in: bytes, from: next) {
            try refuseControlCharacter(in: bytes, at: index)
            next = index + 1
        }
    }

    /// The first byte from `start` that is a control character or a byte of a non-ASCII
    /// character, other than tab, line feed and carriage return, checked eight bytes at a time.
    private static func firstControlCharacterCandidate(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { buffer in
            var index = start
            while index + 8 <= buffer.count {
                let word = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // Bytes below 0x20 or with the top bit set, and DEL, make the word worth a look.
                let low = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                let delete = ((word ^ 0x7F7F_7F7F_7F7F_7F7F) &- 0x0101_0101_0101_0101) & ~(word ^ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
                if low | delete | (word & 0x8080_8080_8080_8080) == 0 {
                    index += 8
                    continue
                }
                for offset in 0..<8 {
                    let byte = buffer[index + offset]
                    if byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { return index + offset }
                }
                index += 8
            }
            while index < buffer.count {
                let byte = buffer[index]
                if byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { return index }
                index += 1
            }
            return nil
        }
    }

    private func refuseControlCharacter(in bytes: [UInt8], at index: Int) throws(YAMLSyntaxError) {
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
            "the control character U+\(hex) is not allowed in YAML text", at: scanner.mark(ofOffset: index),
            hint: "write it as an escape in a double-quoted value: \"\\u\(hex)\"")
    }
}
