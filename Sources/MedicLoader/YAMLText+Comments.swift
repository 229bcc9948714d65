import MedicCore

/// A comment that reads like part of the value before it.
extension YAMLText {
    /// Warns where a plain value is followed on its line by a comment whose text starts right
    /// after the `#` (`escalation: owners in #web-oncall`). YAML ends the value at the blank
    /// before the `#`, as it should, but that is rarely what the author meant; yamllint asks for
    /// a space after `#` for the same reason.
    static func warnOfCommentsLikeText(in root: YAMLNode, lines: [Int: Range<Int>], bytes: [UInt8], reader: NodeReader) {
        // Most files have no such line: the tree is walked only for one that has.
        guard !lines.isEmpty else { return }
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .mapping(let mapping): pending += mapping.map(\.value)
            case .sequence(let items): pending += items
            case .scalar(let scalar):
                guard scalar.style == .plain, let line = lines[scalar.mark.line] else { continue }
                check(scalar, line: bytes[line], reader: reader)
            }
        }
    }

    /// The lines of `bytes`, by number from 1 (a line ends at `\n`, `\r\n` or a lone `\r`, as
    /// the reader counts them), on which a `#` after a blank is followed by text: the only lines
    /// where `check` can find a value ending in such a comment. Each line's bytes include its break.
    static func linesWithCommentsLikeText(_ bytes: [UInt8]) -> [Int: Range<Int>] {
        var lines: [Int: Range<Int>] = [:]
        let span = bytes.span
        var line = 1
        var start = 0
        var found = false
        var index = 0
        while index < span.count {
            let byte = span[index]
            index += 1
            if byte == UInt8(ascii: "#"), index - 1 > start, index < span.count {
                let before = span[index - 2]
                let after = span[index]
                found =
                    found
                    || ((before == UInt8(ascii: " ") || before == UInt8(ascii: "\t"))
                        && after != UInt8(ascii: " ") && after != UInt8(ascii: "\t") && after != UInt8(ascii: "#")
                        && after != UInt8(ascii: "\n") && after != UInt8(ascii: "\r"))
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index < span.count, span[index] == UInt8(ascii: "\n") { index += 1 }
                if found { lines[line] = start..<index }
                found = false
                line += 1
                start = index
            }
        }
        if found { lines[line] = start..<span.count }
        return lines
    }

    /// Warns when `scalar`, written on `line` (its bytes, break included), is followed there by a
    /// comment whose text starts right after the `#`.
    private static func check(_ scalar: YAMLScalar, line bytes: ArraySlice<UInt8>, reader: NodeReader) {
        let mark = scalar.mark
        let text = Array(scalar.string.unicodeScalars)
        guard !text.isEmpty else { return }
        var line = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        if mark.line == 1, line.first == "\u{FEFF}" { line.removeFirst() }
        let first = mark.column - 1
        // Only a value written on one line is its own text in the file; others are folded.
        guard first + text.count <= line.count, line[first..<first + text.count].elementsEqual(text) else { return }
        var position = first + text.count
        while position < line.count, line[position] == " " || line[position] == "\t" { position += 1 }
        guard position > first + text.count, position + 1 < line.count, line[position] == "#" else { return }
        let next = line[position + 1]
        guard next != " ", next != "\t", next != "#", next != "\n", next != "\r" else { return }
        var word = ""
        word.unicodeScalars.append(contentsOf: line[position...].prefix { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" })
        reader.warning(
            "'\(word)' starts a comment, so the value ends before it",
            at: SourceLocation(file: reader.file, line: mark.line, column: position + 1),
            hint: "quote the value to keep '\(word)' in it, or write '# ' to start a comment")
    }
}
