import MedicCore

/// Where each character of a scalar's text is written, for a diagnostic inside a script that
/// quoting, escapes or folding changed: the scalar is read again from its first character,
/// alongside its text, only when a diagnostic asks. Reading files keeps nothing for it but the
/// document itself.
///
/// The second reading follows `YAMLScanner`'s rules and checks each character it accounts for
/// against the text the scanner made; where they differ it answers nil, and the caller points
/// at the scalar as a whole rather than at a wrong place.
extension YAMLDocument: ScalarSourceMap {
    func position(ofScalar offset: Int, inValueOf scalar: Int) -> (line: Int, column: Int)? {
        guard scalar >= 0, scalar < records.count, records[scalar].kind == .scalar, offset >= 0 else { return nil }
        let record = records[scalar]
        let text = Array(text(of: Int32(scalar)))
        // The shell parser counts Unicode scalars; the text is UTF-8, continuation bytes 10xxxxxx.
        var target = 0
        var seen = 0
        while target < text.count, seen < offset || text[target] & 0xC0 == 0x80 {
            if text[target] & 0xC0 != 0x80 { seen += 1 }
            target += 1
        }
        guard seen == offset, var scanner = scanner(at: record.mark) else { return nil }
        var reading = Reading(text: text, target: target)
        let found: Int?
        switch record.style {
        case .literal: found = nil
        case .folded: found = reading.folded(&scanner, indent: Int(record.indent))
        case .plain, .singleQuoted, .doubleQuoted: found = reading.flow(&scanner, style: record.style)
        }
        guard let found else { return nil }
        let mark = scanner.mark(ofOffset: found)
        return (mark.line, mark.column)
    }

    /// A scanner at `mark`, or nil when the source has no such place.
    private func scanner(at mark: YAMLMark) -> YAMLScanner? {
        var scanner = YAMLScanner(bytes: source)
        while scanner.line < mark.line {
            guard !scanner.isAtEnd else { return nil }
            if scanner.atBreak {
                scanner.consumeLineBreak()
            } else {
                scanner.position += 1
            }
        }
        for _ in 1..<max(mark.column, 1) {
            guard !scanner.atBreakOrEnd else { return nil }
            scanner.position += 1
            while !scanner.isAtEnd, scanner.peek() & 0xC0 == 0x80 { scanner.position += 1 }
        }
        return scanner
    }

    /// A scalar's text read again beside its source, up to the byte `target` of the text.
    private struct Reading {
        let text: [UInt8]
        let target: Int
        /// How many bytes of the text are accounted for.
        var done = 0

        enum Step {
            case next
            case found(Int)
            case differs
        }

        /// `count` bytes of the text copied from the source at `origin`.
        mutating func copied(_ count: Int, at origin: Int, of source: [UInt8]) -> Step {
            guard done + count <= text.count, origin + count <= source.count,
                text[done..<done + count].elementsEqual(source[origin..<origin + count])
            else { return .differs }
            if target < done + count { return .found(origin + target - done) }
            done += count
            return .next
        }

        /// `bytes` of the text made by what is written at `origin`: an escape, or line breaks
        /// folded. Every byte is pointed at `origin`: no finer place holds it.
        mutating func made(_ bytes: [UInt8], at origin: Int) -> Step {
            guard done + bytes.count <= text.count, text[done..<done + bytes.count].elementsEqual(bytes) else { return .differs }
            if target < done + bytes.count { return .found(origin) }
            done += bytes.count
            return .next
        }

        /// A plain or quoted scalar, the scanner at its first character (the opening quote).
        /// Escapes and `''` point at their first character; a line break folded into a space or
        /// line feeds at the first line break that made it.
        mutating func flow(_ scanner: inout YAMLScanner, style: YAMLScalar.Style) -> Int? {
            let quote: UInt8? = style == .singleQuoted ? UInt8(ascii: "'") : style == .doubleQuoted ? UInt8(ascii: "\"") : nil
            if quote != nil { scanner.position += 1 }
            let source = scanner.bytes
            while true {
                // Past the text: its end is the closing quote (or the plain scalar's end).
                if done == text.count { return target == done ? scanner.position : nil }
                if scanner.isAtEnd { return nil }
                let byte = scanner.peek()
                let step: Step
                if style == .doubleQuoted, byte == UInt8(ascii: "\\"), YAMLScanner.isBreak(scanner.peek(1)) {
                    // An escaped line break joins the lines; only further line breaks are kept.
                    let backslash = scanner.position
                    scanner.position += 1
                    scanner.consumeLineBreak()
                    var breaks = 0
                    while scanner.atBlank || scanner.atBreak {
                        if scanner.atBlank {
                            scanner.position += 1
                        } else {
                            scanner.consumeLineBreak()
                            breaks += 1
                        }
                    }
                    step = made(Array(repeating: UInt8(ascii: "\n"), count: breaks), at: backslash)
                } else if style == .doubleQuoted, byte == UInt8(ascii: "\\") {
                    // The character an escape stands for is pointed at its backslash.
                    let backslash = scanner.position
                    var bytes: [UInt8] = []
                    let opening = scanner.mark()
                    guard (try? scanner.escape(into: &bytes, opening: opening)) != nil else { return nil }
                    step = made(bytes, at: backslash)
                } else if style == .singleQuoted, byte == UInt8(ascii: "'"), scanner.peek(1) == byte {
                    step = made([byte], at: scanner.position)
                    scanner.position += 2
                } else if byte == quote {
                    return nil
                } else if scanner.atBlank || scanner.atBreak {
                    // Blanks inside a line are kept; around line breaks they go, and the breaks
                    // fold: one into a space, more into one line feed fewer.
                    let start = scanner.position
                    var firstBreak: Int?
                    var breaks = 0
                    while scanner.atBlank || scanner.atBreak {
                        if scanner.atBlank {
                            scanner.position += 1
                        } else {
                            if firstBreak == nil { firstBreak = scanner.position }
                            scanner.consumeLineBreak()
                            breaks += 1
                        }
                    }
                    if let firstBreak {
                        step = made(breaks == 1 ? [UInt8(ascii: " ")] : Array(repeating: UInt8(ascii: "\n"), count: breaks - 1), at: firstBreak)
                    } else {
                        step = copied(scanner.position - start, at: start, of: source)
                    }
                } else {
                    let start = scanner.position
                    scanner.position += 1
                    while !scanner.isAtEnd, scanner.peek() & 0xC0 == 0x80 { scanner.position += 1 }
                    step = copied(scanner.position - start, at: start, of: source)
                }
                switch step {
                case .next: continue
                case .found(let origin): return origin
                case .differs: return nil
                }
            }
        }

        /// A folded block scalar (`>`) whose lines are indented by `indent`, the scanner at its
        /// indicator. Its lines are copied as they stand; a line break folded into a space, or
        /// kept, is pointed at the line break that made it.
        mutating func folded(_ scanner: inout YAMLScanner, indent: Int) -> Int? {
            guard indent > 0 else { return nil }
            let source = scanner.bytes
            while !scanner.atBreakOrEnd { scanner.position += 1 }
            if scanner.atBreak { scanner.consumeLineBreak() }
            var lastBreak = scanner.position
            var breaks = 0
            // Empty lines and the indentation of the next line with text, as `blockScalarBreaks`.
            func skipEmptyLines() {
                while true {
                    while scanner.indentation < indent, scanner.peek() == UInt8(ascii: " ") { scanner.position += 1 }
                    guard scanner.atBreak else { return }
                    if breaks == 0, done == 0 { lastBreak = scanner.position }
                    scanner.consumeLineBreak()
                    breaks += 1
                }
            }
            skipEmptyLines()
            var leadingBreak = false
            var leadingBlank = false
            while scanner.indentation == indent, !scanner.isAtEnd {
                let trailingBlank = scanner.atBlank
                var joint: [UInt8] = []
                if leadingBreak, !leadingBlank, !trailingBlank {
                    if breaks == 0 { joint.append(UInt8(ascii: " ")) }
                } else if leadingBreak {
                    joint.append(UInt8(ascii: "\n"))
                }
                joint += Array(repeating: UInt8(ascii: "\n"), count: breaks)
                switch made(joint, at: lastBreak) {
                case .next: break
                case .found(let origin): return origin
                case .differs: return nil
                }
                breaks = 0
                leadingBlank = scanner.atBlank
                let start = scanner.position
                while !scanner.atBreakOrEnd { scanner.position += 1 }
                switch copied(scanner.position - start, at: start, of: source) {
                case .next: break
                case .found(let origin): return origin
                case .differs: return nil
                }
                if scanner.isAtEnd { break }
                lastBreak = scanner.position
                scanner.consumeLineBreak()
                leadingBreak = true
                skipEmptyLines()
            }
            // What is left are the line breaks that chomping kept.
            guard text[done...].allSatisfy({ $0 == UInt8(ascii: "\n") }) else { return nil }
            return lastBreak
        }
    }
}

extension YAMLScalar {
    /// How to find where each character of the text is written when quoting, escapes or
    /// folding made it differ from what is written: nil for a literal block scalar (its lines
    /// are its text past `blockIndent`) and for a plain scalar on one line (its text as written).
    var written: ScriptLocation.Written? {
        let record = document.records[Int(index)]
        switch record.style {
        case .literal: return nil
        case .plain where Int(record.start) < document.source.count: return nil
        case .plain, .singleQuoted, .doubleQuoted, .folded: return ScriptLocation.Written(map: document, scalar: Int(index))
        }
    }
}
