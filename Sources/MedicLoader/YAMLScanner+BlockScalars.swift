/// Reading `|` (literal) and `>` (folded) block scalars, with the chomping indicators `-`
/// (strip the final line breaks) and `+` (keep them all) and an explicit indentation digit.
extension YAMLScanner {
    /// Reads a block scalar whose header is at the current position; `parentIndent` is the
    /// indentation of the collection it is in (-1 at the top of the document). Leaves the
    /// position on the first line that is not part of the scalar, or at the end.
    mutating func blockScalar(parentIndent: Int, into string: inout [UInt8]) throws(YAMLSyntaxError) -> ScalarSpan {
        let mark = mark()
        let literal = peek() == UInt8(ascii: "|")
        position += 1
        var chomping = 0  // -1 strips the final line breaks, 0 keeps one, +1 keeps them all
        var increment = 0
        for _ in 0..<2 {
            let byte = peek()
            if chomping == 0, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                chomping = byte == UInt8(ascii: "+") ? 1 : -1
                position += 1
            } else if increment == 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                guard byte != UInt8(ascii: "0") else {
                    throw .invalid("the indentation indicator of a block scalar is a digit from 1 to 9, not 0", at: self.mark())
                }
                increment = Int(byte - UInt8(ascii: "0"))
                position += 1
            }
        }
        let headerEnd = position
        skipBlanks()
        // A comment is separated from the header by blanks, as from anything else.
        if peek() == UInt8(ascii: "#"), position > headerEnd { skipComment() }
        guard atBreakOrEnd else {
            throw .invalid(
                "unexpected \(currentCharacter) after '\(literal ? "|" : ">")'; the text of a block scalar starts on the next line", at: self.mark(),
                hint: "after '|' or '>' only '-' or '+', an indentation digit and a comment may follow")
        }
        if atBreak { consumeLineBreak() }

        var indent = increment > 0 ? max(parentIndent, 0) + increment : 0
        let start = string.count
        var trailingBreaks = 0
        try blockScalarBreaks(indent: &indent, breaks: &trailingBreaks, parentIndent: parentIndent)
        var leadingBreak = false
        var leadingBlank = false
        while indentation == indent, !isAtEnd {
            // Folding joins two lines with a space unless either is more indented than the text.
            let trailingBlank = atBlank
            if !literal, leadingBreak, !leadingBlank, !trailingBlank {
                if trailingBreaks == 0 { string.append(UInt8(ascii: " ")) }
            } else if leadingBreak {
                string.append(UInt8(ascii: "\n"))
            }
            string.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: trailingBreaks))
            trailingBreaks = 0
            leadingBreak = false
            leadingBlank = atBlank
            let start = position
            while !atBreakOrEnd { position += 1 }
            string.append(contentsOf: bytes[start..<position])
            if isAtEnd { break }
            consumeLineBreak()
            leadingBreak = true
            try blockScalarBreaks(indent: &indent, breaks: &trailingBreaks, parentIndent: parentIndent)
        }
        if chomping != -1, leadingBreak { string.append(UInt8(ascii: "\n")) }
        if chomping == 1 { string.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: trailingBreaks)) }
        return ScalarSpan(
            start: start, end: string.count, style: literal ? .literal : .folded, mark: mark, written: true, indent: indent)
    }

    /// Skips empty lines and the indentation of the next line with text, counting the line
    /// breaks; when the indentation is not known yet, takes it from that line.
    private mutating func blockScalarBreaks(indent: inout Int, breaks: inout Int, parentIndent: Int) throws(YAMLSyntaxError) {
        var deepestEmptyLine = 0
        while true {
            while indent == 0 || indentation < indent, peek() == UInt8(ascii: " ") { position += 1 }
            // A tab after enough spaces on the first line of text is text; before them it indents.
            if peek() == UInt8(ascii: "\t"), indent == 0 ? indentation <= parentIndent : indentation < indent {
                throw .tabIndentation(at: mark())
            }
            guard atBreak else { break }
            deepestEmptyLine = max(deepestEmptyLine, indentation)
            consumeLineBreak()
            breaks += 1
        }
        guard indent == 0 else { return }
        indent = max(deepestEmptyLine, indentation, parentIndent + 1, 1)
        if !isAtEnd, indentation < deepestEmptyLine, indentation > parentIndent {
            throw .invalid(
                "an empty line at the start of this block scalar has more spaces than its first line of text", at: mark(),
                hint: "remove the spaces from the empty lines, or give the indentation with a digit: '|2'")
        }
    }
}
