/// Flow collections: `[a, b]`, `{a: 1, b: [x, y]}`, over as many lines as they need.
extension YAMLParser {
    /// The node at the current position inside a flow collection, or a flow collection itself.
    mutating func flowNode() throws(YAMLSyntaxError) -> Int32 {
        try enter()
        defer { depth -= 1 }
        switch scanner.peek() {
        case UInt8(ascii: "["): return try flowSequence()
        case UInt8(ascii: "{"): return try flowMapping()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return store(try scanner.quotedScalar(into: &text).span)
        default:
            if let problem = unsupportedStart(inFlow: true) { throw problem }
            return store(try scanner.plainScalar(inFlow: true, parentIndent: -1, into: &text).span)
        }
    }

    private mutating func flowSequence() throws(YAMLSyntaxError) -> Int32 {
        let mark = scanner.mark()
        let base = pending.count
        scanner.advance()
        while true {
            try scanner.skipFlowSpace()
            if scanner.peek() == UInt8(ascii: "]") { break }
            if scanner.isAtEnd { throw unclosed("list", opening: mark, closing: "]") }
            var item = try flowNode()
            try scanner.skipFlowSpace()
            if try atFlowColon(after: item) {
                // `[a: b]` is a list holding the one-pair mapping {a: b}.
                let keyMark = records[Int(item)].mark
                guard records[Int(item)].kind == .scalar else {
                    throw .invalid("a list or mapping cannot be a key; Medic's keys are single words", at: keyMark)
                }
                scanner.advance()
                let pairBase = pending.count
                pending.append(item)
                pending.append(try flowValue(closing: UInt8(ascii: "]")))
                item = storeCollection(.mapping, mark: keyMark, base: pairBase)
                try scanner.skipFlowSpace()
            }
            pending.append(item)
            if try !nextFlowEntry(of: "list", opening: mark, closing: "]") { break }
        }
        scanner.advance()
        return storeCollection(.sequence, mark: mark, base: base)
    }

    private mutating func flowMapping() throws(YAMLSyntaxError) -> Int32 {
        let mark = scanner.mark()
        let base = pending.count
        var seen: Set<String>?
        scanner.advance()
        while true {
            try scanner.skipFlowSpace()
            if scanner.peek() == UInt8(ascii: "}") { break }
            if scanner.isAtEnd { throw unclosed("mapping", opening: mark, closing: "}") }
            let key = try flowNode()
            guard records[Int(key)].kind == .scalar else {
                throw .invalid("a list or mapping cannot be a key; Medic's keys are single words", at: records[Int(key)].mark)
            }
            try scanner.skipFlowSpace()
            let value: Int32
            if try atFlowColon(after: key) {
                scanner.advance()
                value = try flowValue(closing: UInt8(ascii: "}"))
            } else {
                // `{a, b}` gives keys without values, as YAML allows.
                value = storeEmpty(at: scanner.mark())
            }
            try refuseDuplicate(key, base: base, seen: &seen)
            pending.append(key)
            pending.append(value)
            try scanner.skipFlowSpace()
            if try !nextFlowEntry(of: "mapping", opening: mark, closing: "}") { break }
        }
        scanner.advance()
        return storeCollection(.mapping, mark: mark, base: base)
    }

    /// After an entry: true past a `,`, false at the closing bracket, an error otherwise.
    private mutating func nextFlowEntry(of what: String, opening: YAMLMark, closing: Character) throws(YAMLSyntaxError) -> Bool {
        switch scanner.peek() {
        case UInt8(ascii: ","):
            scanner.advance()
            return true
        case UInt8(ascii: "]") where closing == "]", UInt8(ascii: "}") where closing == "}":
            return false
        default:
            if scanner.isAtEnd { throw unclosed(what, opening: opening, closing: closing) }
            throw .invalid(
                "expected ',' or '\(closing)' in the \(what) that starts at line \(opening.line), column \(opening.column), "
                    + "found \(scanner.currentCharacter)", at: scanner.mark())
        }
    }

    /// A value after `:` in flow context; empty when a `,` or the closing bracket follows.
    private mutating func flowValue(closing: UInt8) throws(YAMLSyntaxError) -> Int32 {
        try scanner.skipFlowSpace()
        if scanner.peek() == UInt8(ascii: ",") || scanner.peek() == closing || scanner.isAtEnd {
            return storeEmpty(at: scanner.mark())
        }
        return try flowNode()
    }

    /// At the `:` of a flow pair: followed by a blank or a flow indicator, or right after a
    /// quoted key (`{"a":1}`, as JSON writes it). A key and its `:` must be on one line.
    private func atFlowColon(after key: Int32) throws(YAMLSyntaxError) -> Bool {
        guard scanner.peek() == UInt8(ascii: ":") else { return false }
        let record = records[Int(key)]
        let afterQuotedKey = record.kind == .scalar && record.style != .plain
        let isColon = afterQuotedKey || scanner.isBlankOrEnd(at: 1) || YAMLScanner.isFlowIndicator(scanner.peek(1))
        if isColon, record.mark.line != scanner.line { throw .invalid("a key and its ':' must be on one line", at: record.mark) }
        return isColon
    }

    private mutating func unclosed(_ what: String, opening: YAMLMark, closing: Character) -> YAMLSyntaxError {
        .invalid(
            "the \(what) that starts at line \(opening.line), column \(opening.column) is never closed; expected ',' or '\(closing)'",
            at: scanner.mark())
    }
}
