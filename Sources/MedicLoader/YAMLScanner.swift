/// The character level of Medic's YAML reader: a cursor over the UTF-8 bytes of a file that
/// knows lines and columns, blanks, comments and line breaks, and reads scalars
/// (`YAMLScanner+Scalars.swift`). `YAMLParser` builds the structure on top of it.
///
/// Line breaks are `\n`, `\r\n` and `\r`, as in YAML 1.2. Columns in marks count Unicode
/// scalars; indentation is counted in bytes, which is the same thing because only spaces indent.
struct YAMLScanner {
    /// A saved position, to look ahead and come back.
    struct State {
        fileprivate var position: Int
        fileprivate var line: Int
        fileprivate var lineStart: Int
    }

    let bytes: [UInt8]
    /// The byte offset of the cursor; moved within a line only, line breaks go through
    /// `consumeLineBreak()` so that lines are counted.
    var position: Int
    private(set) var line = 1
    private(set) var lineStart: Int
    // The column of the last mark made on this line, so that marks along a long line cost
    // the distance from the previous one, not from the start of the line.
    private var columnCache: (position: Int, column: Int)

    init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A byte order mark is not content and does not count as a column.
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        lineStart = position
        columnCache = (position, 1)
    }

    // MARK: - Looking

    var isAtEnd: Bool { position >= bytes.count }

    /// The byte `offset` bytes ahead, or 0 past the end (a file never holds a NUL: it is refused
    /// as binary before it is parsed; every end-of-text check is `isAtEnd`, not a 0).
    func peek(_ offset: Int = 0) -> UInt8 {
        let index = position + offset
        return index < bytes.count ? bytes[index] : 0
    }

    /// How far the current position is from the start of its line, in bytes.
    var indentation: Int { position - lineStart }

    var atBlank: Bool { Self.isBlank(peek()) }
    var atBreak: Bool { Self.isBreak(peek()) }
    /// At a line break or the end of the text.
    var atBreakOrEnd: Bool { Self.isBreak(peek()) || isAtEnd }
    /// Whether the byte `offset` ahead is a blank, a line break or the end of the text.
    func isBlankOrEnd(at offset: Int) -> Bool {
        let byte = peek(offset)
        return Self.isBlank(byte) || Self.isBreak(byte) || position + offset >= bytes.count
    }

    /// At `---` or `...` in the first column, followed by a blank or the end of the line.
    var atDocumentMarker: Bool {
        guard position == lineStart else { return false }
        let first = peek()
        guard first == UInt8(ascii: "-") || first == UInt8(ascii: ".") else { return false }
        return peek(1) == first && peek(2) == first && isBlankOrEnd(at: 3)
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    static func isBreak(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }
    static func isFlowIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"): true
        default: false
        }
    }

    // MARK: - Moving

    var state: State {
        get { State(position: position, line: line, lineStart: lineStart) }
        set {
            position = newValue.position
            line = newValue.line
            lineStart = newValue.lineStart
        }
    }

    /// Moves ahead within the current line.
    mutating func advance(_ count: Int = 1) { position = min(position + count, bytes.count) }

    /// Consumes one line break and starts the next line.
    mutating func consumeLineBreak() {
        if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { position += 1 }
        advance()
        line += 1
        lineStart = position
    }

    /// Skips spaces and tabs on the current line.
    mutating func skipBlanks() {
        while atBlank { position += 1 }
    }

    /// Skips a comment up to (not including) the line break.
    mutating func skipComment() {
        while !atBreakOrEnd { position += 1 }
    }

    /// Skips the rest of the current line (blanks and a comment, which the caller has checked)
    /// and every following line that holds only blanks or a comment, stopping at the first
    /// character of the next line with content, or at the end.
    ///
    /// In block context a tab in the indentation of a line with content is an error: YAML
    /// indents with spaces only, and a tab's width is anybody's guess.
    mutating func skipToNextContentLine() throws(YAMLSyntaxError) {
        while true {
            if position == lineStart { try skipIndentation() } else { skipBlanks() }
            if peek() == UInt8(ascii: "#") { skipComment() }
            guard atBreak else { return }
            consumeLineBreak()
        }
    }

    private mutating func skipIndentation() throws(YAMLSyntaxError) {
        while peek() == UInt8(ascii: " ") { position += 1 }
        guard peek() == UInt8(ascii: "\t") else { return }
        let tab = mark()
        skipBlanks()
        if !atBreakOrEnd, peek() != UInt8(ascii: "#") {
            throw .tabIndentation(at: tab)
        }
    }

    /// Skips blanks, line breaks and comments inside `[ ]` or `{ }`, where indentation does
    /// not matter but a document marker still may not appear.
    mutating func skipFlowSpace() throws(YAMLSyntaxError) {
        while true {
            skipBlanks()
            if peek() == UInt8(ascii: "#"), position == lineStart || Self.isBlank(bytes[position - 1]) { skipComment() }
            guard atBreak else { return }
            consumeLineBreak()
            if atDocumentMarker {
                throw .invalid("a document marker cannot appear inside [ ] or { }", at: mark())
            }
        }
    }

    // MARK: - Marks and text

    /// The mark of the current position.
    mutating func mark() -> YAMLMark { mark(at: position) }

    /// The mark of `offset`, which must be on the current line.
    mutating func mark(at offset: Int) -> YAMLMark {
        if columnCache.position < lineStart || columnCache.position > offset {
            columnCache = (lineStart, 1)
        }
        var column = columnCache.column
        var index = columnCache.position
        while index < offset {
            // Count every byte that starts a scalar; continuation bytes are 10xxxxxx.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnCache = (offset, column)
        return YAMLMark(line: line, column: column)
    }

    /// The mark of any byte offset, counted from the start; for errors, which are rare.
    func mark(ofOffset offset: Int) -> YAMLMark {
        var scanner = YAMLScanner(bytes: bytes)
        while scanner.position < offset {
            if scanner.atBreak {
                scanner.consumeLineBreak()
            } else {
                scanner.position += 1
            }
        }
        return scanner.mark()
    }

    /// The text of `bytes[start..<end]`.
    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The character at the current position, for messages.
    var currentCharacter: String {
        guard !isAtEnd else { return "the end of the file" }
        var end = position + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'\(text(position, end))'"
    }
}
