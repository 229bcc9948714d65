import MedicCore

/// A comment that reads like part of the value before it.
extension YAMLText {
    /// Warns where a plain value is followed on its line by a comment whose text starts right
    /// after the `#` (`escalation: owners in #web-oncall`). YAML ends the value at the blank
    /// before the `#`, as it should, but that is rarely what the author meant; yamllint asks for
    /// a space after `#` for the same reason.
    static func warnOfCommentsLikeText(in root: YAMLNode, bytes: [UInt8], reader: NodeReader) {
        var lineStarts = [0]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\r"), index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { lineStarts.append(index) }
        }
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .mapping(let mapping): pending += mapping.map(\.value)
            case .sequence(let items): pending += items
            case .scalar(let scalar):
                guard scalar.style == .plain else { continue }
                check(scalar, bytes: bytes, lineStarts: lineStarts, reader: reader)
            }
        }
    }

    private static func check(_ scalar: YAMLScalar, bytes: [UInt8], lineStarts: [Int], reader: NodeReader) {
        let mark = scalar.mark
        guard lineStarts.indices.contains(mark.line - 1) else { return }
        let start = lineStarts[mark.line - 1]
        let end = mark.line < lineStarts.count ? lineStarts[mark.line] : bytes.count
        // Most lines have no `#` at all: look for one before making the value's text or decoding the line.
        guard bytes[start..<end].contains(UInt8(ascii: "#")) else { return }
        let text = Array(scalar.string.unicodeScalars)
        guard !text.isEmpty else { return }
        var line = Array(String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
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
