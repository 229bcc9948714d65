/// Reading scalars: plain, single- and double-quoted (with YAML's escapes), and the `|` and `>`
/// block scalars with their chomping and indentation indicators. Line folding follows YAML 1.2
/// (and libyaml, which Medic used before): a single line break becomes a space, each further
/// empty line a newline.
///
/// A scalar is returned as a `ScalarSpan`: a scalar written plainly on one line is a span of the
/// file's own bytes, and only the text of scalars that quoting, escapes or folding change is
/// written, appended to the buffer the caller passes in.
extension YAMLScanner {
    private static let space = UInt8(ascii: " ")
    private static let newline = UInt8(ascii: "\n")

    // MARK: - Plain scalars

    /// The position of the `:` that makes the current line `key: …`, if it is one: the first
    /// `:` followed by a blank or the end of the line, before any comment.
    func implicitKeyColon() -> Int? {
        var index = position
        var previousBlank = false
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isBreak(byte) { return nil }
            if byte == UInt8(ascii: "#"), previousBlank { return nil }
            if byte == UInt8(ascii: ":"), index + 1 == bytes.count || Self.isBlank(bytes[index + 1]) || Self.isBreak(bytes[index + 1]) {
                return index
            }
            previousBlank = Self.isBlank(byte)
            index += 1
        }
        return nil
    }

    /// Reads a plain key that ends before `colon` (found by `implicitKeyColon`), leaving the
    /// position at the colon.
    mutating func plainKey(endingAt colon: Int) -> ScalarSpan {
        let mark = mark()
        var end = colon
        while end > position, Self.isBlank(bytes[end - 1]) { end -= 1 }
        let span = ScalarSpan(start: position, end: end, style: .plain, mark: mark, written: false)
        position = colon
        return span
    }

    /// Whether a word of a plain scalar may start here (after blanks or at a line's start).
    private func startsPlainWord(inFlow: Bool) -> Bool {
        let byte = peek()
        if isAtEnd || Self.isBlank(byte) || Self.isBreak(byte) || byte == UInt8(ascii: "#") { return false }
        if inFlow, Self.isFlowIndicator(byte) { return false }
        return !endsPlainAtColon(inFlow: inFlow)
    }

    private func endsPlainAtColon(inFlow: Bool) -> Bool {
        peek() == UInt8(ascii: ":") && (isBlankOrEnd(at: 1) || (inFlow && Self.isFlowIndicator(peek(1))))
    }

    /// Reads a plain scalar, continuing onto following lines indented more than
    /// `parentIndent` (any line, inside `[ ]` or `{ }`). Stops before `: `, ` #`, a line
    /// break that does not continue it, and in flow context before `,[]{}`.
    mutating func plainScalar(inFlow: Bool, parentIndent: Int, into text: inout [UInt8]) throws(YAMLSyntaxError) -> (
        span: ScalarSpan, multiline: Bool
    ) {
        let mark = mark()
        var segmentStart = position
        let foldedStart = text.count
        var multiline = false
        while true {
            while !isAtEnd, !atBlank, !atBreak, !endsPlainAtColon(inFlow: inFlow), !(inFlow && Self.isFlowIndicator(peek())) {
                position += 1
            }
            let contentEnd = position
            let saved = state
            skipBlanks()
            if !atBreak {
                // Blanks inside a line belong to the scalar when another word follows them.
                if position > contentEnd, startsPlainWord(inFlow: inFlow) { continue }
                state = saved
                break
            }
            var breaks = 0
            while atBreak {
                consumeLineBreak()
                breaks += 1
                while peek() == Self.space { position += 1 }
                if peek() == UInt8(ascii: "\t") {
                    let tab = self.mark()
                    skipBlanks()
                    if !inFlow, tab.column - 1 <= parentIndent, !atBreakOrEnd, peek() != UInt8(ascii: "#") {
                        throw .tabIndentation(at: tab)
                    }
                }
            }
            guard !atDocumentMarker, startsPlainWord(inFlow: inFlow), inFlow || indentation > parentIndent else {
                state = saved
                break
            }
            text.append(contentsOf: bytes[segmentStart..<contentEnd])
            if breaks == 1 {
                text.append(Self.space)
            } else {
                text.append(contentsOf: repeatElement(Self.newline, count: breaks - 1))
            }
            segmentStart = position
            multiline = true
        }
        guard multiline else { return (ScalarSpan(start: segmentStart, end: position, style: .plain, mark: mark, written: false), false) }
        text.append(contentsOf: bytes[segmentStart..<position])
        return (ScalarSpan(start: foldedStart, end: text.count, style: .plain, mark: mark, written: true), true)
    }

    // MARK: - Quoted scalars

    /// Reads a single- or double-quoted scalar, the position at its opening quote.
    mutating func quotedScalar(into text: inout [UInt8]) throws(YAMLSyntaxError) -> (span: ScalarSpan, multiline: Bool) {
        let mark = mark()
        let quote = peek()
        let single = quote == UInt8(ascii: "'")
        let style: YAMLScalar.Style = single ? .singleQuoted : .doubleQuoted
        position += 1
        // Most quoted values are one line without escapes: take them as they stand.
        var end = position
        while end < bytes.count, bytes[end] != quote, bytes[end] != UInt8(ascii: "\\") || single, !Self.isBreak(bytes[end]) { end += 1 }
        if end < bytes.count, bytes[end] == quote, !single || end + 1 >= bytes.count || bytes[end + 1] != quote {
            let span = ScalarSpan(start: position, end: end, style: style, mark: mark, written: false)
            position = end + 1
            return (span, false)
        }
        let start = text.count
        var multiline = false
        while true {
            if atDocumentMarker { throw .invalid("a document marker cannot appear inside a quoted value", at: self.mark()) }
            if isAtEnd { throw unclosed(mark) }
            var leadingBlanks = false
            while !isBlankOrEnd(at: 0) {
                let byte = peek()
                if single, byte == quote, peek(1) == quote {
                    text.append(quote)
                    position += 2
                } else if byte == quote {
                    break
                } else if !single, byte == UInt8(ascii: "\\"), Self.isBreak(peek(1)) {
                    // An escaped line break joins the lines without a space.
                    position += 1
                    consumeLineBreak()
                    leadingBlanks = true
                    break
                } else if !single, byte == UInt8(ascii: "\\") {
                    try escape(into: &text, opening: mark)
                } else {
                    text.append(byte)
                    position += 1
                }
            }
            if peek() == quote { break }
            var whitespace: [UInt8] = []
            var leadingBreak = false
            var trailingBreaks = 0
            while atBlank || atBreak {
                if atBlank {
                    if !leadingBlanks { whitespace.append(peek()) }
                    position += 1
                } else {
                    consumeLineBreak()
                    if leadingBlanks {
                        trailingBreaks += 1
                    } else {
                        whitespace.removeAll()
                        leadingBreak = true
                        leadingBlanks = true
                    }
                }
            }
            if leadingBlanks {
                multiline = true
                if leadingBreak, trailingBreaks == 0 {
                    text.append(Self.space)
                } else {
                    text.append(contentsOf: repeatElement(Self.newline, count: trailingBreaks))
                }
            } else {
                text += whitespace
            }
        }
        position += 1
        return (ScalarSpan(start: start, end: text.count, style: style, mark: mark, written: true), multiline)
    }

    /// The error for a quoted value still open at the end of the text, where the scanner is.
    private mutating func unclosed(_ opening: YAMLMark) -> YAMLSyntaxError {
        .invalid("the quoted value that starts at line \(opening.line), column \(opening.column) is never closed", at: mark())
    }

    /// Reads one escape of a double-quoted scalar, the position at its backslash.
    mutating func escape(into string: inout [UInt8], opening: YAMLMark) throws(YAMLSyntaxError) {
        let start = mark()
        guard position + 1 < bytes.count else {
            position += 1
            throw unclosed(opening)
        }
        let code = peek(1)
        var digits = 0
        let simple: Unicode.Scalar?
        switch code {
        case UInt8(ascii: "0"): simple = "\u{0}"
        case UInt8(ascii: "a"): simple = "\u{7}"
        case UInt8(ascii: "b"): simple = "\u{8}"
        case UInt8(ascii: "t"), UInt8(ascii: "\t"): simple = "\t"
        case UInt8(ascii: "n"): simple = "\n"
        case UInt8(ascii: "v"): simple = "\u{B}"
        case UInt8(ascii: "f"): simple = "\u{C}"
        case UInt8(ascii: "r"): simple = "\r"
        case UInt8(ascii: "e"): simple = "\u{1B}"
        // YAML 1.2 has no `\'`: a single quote needs no escape inside double quotes.
        case UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): simple = Unicode.Scalar(code)
        case UInt8(ascii: "N"): simple = "\u{85}"
        case UInt8(ascii: "_"): simple = "\u{A0}"
        case UInt8(ascii: "L"): simple = "\u{2028}"
        case UInt8(ascii: "P"): simple = "\u{2029}"
        case UInt8(ascii: "x"): (simple, digits) = (nil, 2)
        case UInt8(ascii: "u"): (simple, digits) = (nil, 4)
        case UInt8(ascii: "U"): (simple, digits) = (nil, 8)
        default:
            var end = position + 2
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            throw .invalid(
                "unknown escape '\(text(position, end))' in a double-quoted value", at: start,
                hint: "in double quotes a backslash starts an escape; write regular expressions in single quotes, or '\\\\' for a backslash")
        }
        position += 2
        if let simple {
            string.append(contentsOf: String(simple).utf8)
            return
        }
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let digit = Self.hexValue(peek()) else {
                throw .invalid("'\\\(Character(Unicode.Scalar(code)))' needs \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | digit
            position += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw .invalid("the escape '\(text(position - digits - 2, position))' is not a Unicode character", at: start)
        }
        string.append(contentsOf: String(scalar).utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

/// A scalar read but not yet stored: its text is `start..<end` of the file's bytes, or of the
/// parser's buffer of written text when `written`.
struct ScalarSpan {
    var start: Int
    var end: Int
    var style: YAMLScalar.Style
    var mark: YAMLMark
    var written: Bool
    /// A block scalar's indentation (the spaces taken off each line); 0 for any other scalar.
    var indent = 0
}
