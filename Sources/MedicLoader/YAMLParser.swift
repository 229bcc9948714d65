/// Medic's YAML reader: composes the one document of a runbook or scenario file into a
/// `YAMLNode` tree with a mark on every node and key.
///
/// It reads the part of YAML 1.2 that people write by hand: block and flow collections; plain,
/// quoted and block scalars; comments; `---` and `...`. It refuses, with a located
/// `YAMLSyntaxError`, what Medic files may not use (anchors, aliases, tags, complex keys,
/// directives, several documents), duplicate keys, tabs as indentation and every syntax error.
/// Plain scalars are not resolved to types here: decoders read `string` and `style`.
struct YAMLParser {
    /// How deep collections may nest; runbooks need a handful of levels, and a limit keeps
    /// hostile input from exhausting the stack.
    static let maximumDepth = 100

    var scanner: YAMLScanner
    var depth = 0
    /// The text of every scalar that quoting, escapes or folding changed; the others are spans
    /// of the file's bytes. In records, offsets past the file's bytes point in here.
    var text: [UInt8] = []
    var records: [YAMLDocument.Record] = []
    var children: [Int32] = []
    /// The children of the collections being read, innermost last; each collection moves its
    /// own to `children` when it ends, so that they sit together at their final size.
    var pending: [Int32] = []

    init(bytes: [UInt8]) {
        scanner = YAMLScanner(bytes: bytes)
        // About one node per ten bytes in runbooks; pages never touched cost no memory.
        records.reserveCapacity(bytes.count / 8)
        children.reserveCapacity(bytes.count / 8)
    }

    /// The document, or nil when the text holds only comments and blank lines.
    static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLDocument? {
        try parse(bytes: Array(text.utf8))
    }

    /// The document in UTF-8 bytes, or nil when they hold only comments and blank lines. A
    /// control character YAML does not allow is refused before anything else is read.
    static func parse(bytes: [UInt8]) throws(YAMLSyntaxError) -> YAMLDocument? {
        try refuseControlCharacters(in: bytes)
        return try parseStructure(bytes: bytes)
    }

    /// The document in UTF-8 bytes as `parse(bytes:)` reads it, but without the look for control
    /// characters: for a caller that looks for them itself, beside this on another core, and
    /// refuses what it finds before whatever this says (`YAMLText.compose`).
    static func parseStructure(bytes: [UInt8]) throws(YAMLSyntaxError) -> YAMLDocument? {
        var parser = YAMLParser(bytes: bytes)
        guard let root = try parser.document() else { return nil }
        return YAMLDocument(source: bytes, written: parser.text, records: parser.records, children: parser.children, root: root)
    }

    // MARK: - The document

    mutating func document() throws(YAMLSyntaxError) -> Int32? {
        try scanner.skipToNextContentLine()
        // A '...' before any document ends none: only comments may come before or after it.
        while scanner.atDocumentMarker, scanner.peek() == UInt8(ascii: ".") {
            scanner.advance(3)
            try finishLine(after: "'...'")
        }
        if scanner.isAtEnd { return nil }
        if scanner.peek() == UInt8(ascii: "%"), scanner.indentation == 0 {
            throw .invalid("YAML directives ('%…') are not supported in Medic files", at: scanner.mark(), hint: "remove the line")
        }
        let root: Int32
        if scanner.atDocumentMarker, scanner.peek() == UInt8(ascii: "-") {
            scanner.advance(3)
            root = try blockValue(parentIndent: -1, emptyMark: scanner.mark(), afterKey: false, compact: false)
        } else if scanner.atDocumentMarker {
            root = storeEmpty(at: scanner.mark())
        } else {
            root = try blockNode(parentIndent: -1, blockAllowed: true)
        }
        if scanner.atDocumentMarker, scanner.peek() == UInt8(ascii: ".") {
            scanner.advance(3)
            try finishLine(after: "'...'")
        }
        if scanner.isAtEnd { return root }
        if scanner.atDocumentMarker {
            throw .invalid(
                "a Medic file holds one YAML document, and this starts a second", at: scanner.mark(), hint: "split the documents into files")
        }
        throw .invalid("this line is not part of the document's value above; check its indentation", at: scanner.mark())
    }

    // MARK: - Block structure

    /// The value after a `key:`, a `- ` or `---`: on the same line, or on the following lines
    /// when they are indented more than `parentIndent` (a sequence after a key may also sit at
    /// the key's own indentation), or else an empty plain scalar at `emptyMark`.
    ///
    /// Like every block-level read, it returns with the scanner at the next line with content.
    mutating func blockValue(parentIndent: Int, emptyMark: YAMLMark, afterKey: Bool, compact: Bool) throws(YAMLSyntaxError) -> Int32 {
        scanner.skipBlanks()
        if !scanner.atBreakOrEnd, scanner.peek() != UInt8(ascii: "#") {
            return try blockNode(parentIndent: parentIndent, blockAllowed: compact)
        }
        try scanner.skipToNextContentLine()
        if scanner.isAtEnd || scanner.atDocumentMarker { return storeEmpty(at: emptyMark) }
        if scanner.indentation > parentIndent { return try blockNode(parentIndent: parentIndent, blockAllowed: true) }
        if afterKey, scanner.indentation == parentIndent, atBlockEntry {
            return try blockSequence(indentless: true)
        }
        return storeEmpty(at: emptyMark)
    }

    var atBlockEntry: Bool { scanner.peek() == UInt8(ascii: "-") && scanner.isBlankOrEnd(at: 1) }

    /// The node at the current position. `blockAllowed` says whether a block collection may
    /// start here: at the start of a line or after `- `, but not after `key: ` or `---`.
    mutating func blockNode(parentIndent: Int, blockAllowed: Bool) throws(YAMLSyntaxError) -> Int32 {
        try enter()
        defer { depth -= 1 }
        let indent = scanner.indentation
        let byte = scanner.peek()
        switch byte {
        case UInt8(ascii: "-") where scanner.isBlankOrEnd(at: 1):
            guard blockAllowed else {
                throw .invalid(
                    "a list cannot start on the same line as its key", at: scanner.mark(),
                    hint: "start the list on the next line, or write it as [a, b]")
            }
            return try blockSequence(indentless: false)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let mark = scanner.mark()
            let node = try flowNode()
            let end = scanner.state
            scanner.skipBlanks()
            if scanner.peek() == UInt8(ascii: ":"), scanner.isBlankOrEnd(at: 1) {
                throw .invalid("a list or mapping cannot be a key; Medic's keys are single words", at: mark)
            }
            // Back to the end of the value: a comment needs the blanks before it.
            scanner.state = end
            try finishLine(after: byte == UInt8(ascii: "[") ? "the list" : "the mapping")
            return node
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            let scalar = store(try scanner.blockScalar(parentIndent: parentIndent, into: &text))
            try scanner.skipToNextContentLine()
            return scalar
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let (span, multiline) = try scanner.quotedScalar(into: &text)
            let end = scanner.state
            scanner.skipBlanks()
            if blockAllowed, scanner.peek() == UInt8(ascii: ":"), scanner.isBlankOrEnd(at: 1) {
                guard !multiline else { throw .invalid("a key must fit on one line", at: span.mark) }
                return try blockMapping(indent: indent, firstKey: span)
            }
            // Back to the end of the value: a comment needs the blanks before it.
            scanner.state = end
            try finishLine(after: "the quoted value")
            return store(span)
        default:
            if let problem = unsupportedStart(inFlow: false) { throw problem }
            if blockAllowed, let colon = scanner.implicitKeyColon() {
                if colon == scanner.position { throw .invalid("a key is missing before ':'", at: scanner.mark()) }
                return try blockMapping(indent: indent, firstKey: scanner.plainKey(endingAt: colon))
            }
            let (span, multiline) = try scanner.plainScalar(inFlow: false, parentIndent: parentIndent, into: &text)
            if scanner.peek() == UInt8(ascii: ":") { throw unexpectedColon(inValueSpanningLines: multiline) }
            try finishLine(after: "the value")
            return store(span)
        }
    }

    /// A block mapping indented by `indent` whose first key has just been read; the scanner is
    /// at (or before) its `:`.
    mutating func blockMapping(indent: Int, firstKey: ScalarSpan) throws(YAMLSyntaxError) -> Int32 {
        let base = pending.count
        var seen: Set<String>?
        var key = firstKey
        while true {
            scanner.skipBlanks()
            scanner.advance()  // the ':'
            let keyIndex = store(key)
            try refuseDuplicate(keyIndex, base: base, seen: &seen)
            pending.append(keyIndex)
            pending.append(try blockValue(parentIndent: indent, emptyMark: scanner.mark(), afterKey: true, compact: false))
            if scanner.isAtEnd || scanner.atDocumentMarker || scanner.indentation < indent { break }
            guard scanner.indentation == indent else {
                let name = keyText(keyIndex)
                throw .invalid(
                    "this line is indented more than the key '\(name)' above it, whose value is already given", at: scanner.mark(),
                    hint: "indent it like '\(name)' to add a key, or nest it under a key that ends with ':'")
            }
            key = try nextKey()
        }
        return storeCollection(.mapping, mark: firstKey.mark, base: base)
    }

    /// The next key of a block mapping, at the start of its line.
    private mutating func nextKey() throws(YAMLSyntaxError) -> ScalarSpan {
        switch scanner.peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let (span, multiline) = try scanner.quotedScalar(into: &text)
            if multiline { throw .invalid("a key must fit on one line", at: span.mark) }
            scanner.skipBlanks()
            guard scanner.peek() == UInt8(ascii: ":"), scanner.isBlankOrEnd(at: 1) else {
                throw .invalid("expected ':' after the key", at: scanner.mark())
            }
            return span
        case UInt8(ascii: "-") where scanner.isBlankOrEnd(at: 1):
            throw .invalid("expected a key at this indentation, not a list entry", at: scanner.mark())
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw .invalid("a list or mapping cannot be a key; Medic's keys are single words", at: scanner.mark())
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            throw .invalid("a key cannot start with \(scanner.currentCharacter) unless it is quoted", at: scanner.mark())
        default:
            if let problem = unsupportedStart(inFlow: false) { throw problem }
            guard let colon = scanner.implicitKeyColon() else {
                var hint: String?
                if scanner.bytes[scanner.position...].prefix(while: { !YAMLScanner.isBreak($0) }).contains(UInt8(ascii: ":")) {
                    hint = "a ':' ends a key only when a space or the end of the line follows it"
                }
                throw .invalid("expected a key and ':' at this indentation", at: scanner.mark(), hint: hint)
            }
            if colon == scanner.position { throw .invalid("a key is missing before ':'", at: scanner.mark()) }
            return scanner.plainKey(endingAt: colon)
        }
    }

    /// A block sequence whose first `-` is at the current position.
    mutating func blockSequence(indentless: Bool) throws(YAMLSyntaxError) -> Int32 {
        let indent = scanner.indentation
        let mark = scanner.mark()
        let base = pending.count
        while true {
            scanner.advance()  // the '-'
            pending.append(try blockValue(parentIndent: indent, emptyMark: scanner.mark(), afterKey: false, compact: true))
            if scanner.isAtEnd || scanner.atDocumentMarker || scanner.indentation < indent { break }
            guard scanner.indentation == indent else {
                throw .invalid(
                    "this line is indented more than the list entry above it, whose value is already given", at: scanner.mark(),
                    hint: "indent it like the '-' above to add an entry")
            }
            guard atBlockEntry else {
                if indentless { break }
                throw .invalid("expected a list entry ('- ') at this indentation, like the lines above", at: scanner.mark())
            }
        }
        return storeCollection(.sequence, mark: mark, base: base)
    }

    /// Consumes the rest of a line after a value: blanks and a comment, then the line break.
    mutating func finishLine(after what: String) throws(YAMLSyntaxError) {
        let before = scanner.position
        scanner.skipBlanks()
        let commentAllowed = scanner.position > before
        guard scanner.atBreakOrEnd || (scanner.peek() == UInt8(ascii: "#") && commentAllowed) else {
            throw .invalid("unexpected \(scanner.currentCharacter) after \(what)", at: scanner.mark())
        }
        try scanner.skipToNextContentLine()
    }

    private mutating func unexpectedColon(inValueSpanningLines: Bool) -> YAMLSyntaxError {
        if inValueSpanningLines {
            return .invalid(
                "unexpected ':' in a value that goes on from the line above; check this line's indentation", at: scanner.mark(),
                hint: "a line indented more than its key continues that key's value")
        }
        return .invalid(
            "a value cannot hold ': ' unless it is quoted", at: scanner.mark(),
            hint: "put the value in quotes, or start a nested mapping on the next line")
    }

    mutating func enter() throws(YAMLSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw .invalid("values nest more than \(Self.maximumDepth) levels deep", at: scanner.mark())
        }
    }
}
