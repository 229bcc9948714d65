/// A parser for the POSIX shell command language (XCU 2.3–2.10), written by hand.
///
/// It recognises the whole grammar a check can use: simple commands with assignments and
/// redirections, pipelines, `&&`/`||` lists, `;`/`&`, subshells, brace groups, `if`, `while`,
/// `until`, `for`, `case`, function definitions, here-documents, comments, line continuations,
/// and in words single and double quotes, backslashes, `$name`, `${…}` with every POSIX operator,
/// `$(…)`, backquotes and `$((…))`. Anything it cannot read is an error, never a guess.
public struct ShellParser {
    private let chars: [Unicode.Scalar]
    private var index = 0
    private let base: Int
    private var pendingHereDocuments: [(delimiter: String, stripTabs: Bool, expands: Bool, slot: Int)] = []
    private var hereDocuments: [ShellWord?] = []
    private var depth = 0

    static let reserved: Set<String> = [
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "in",
    ]
    /// The length of the longest reserved word (`while`, `until`).
    private static let longestReserved = 5

    /// The text of `chars`, and where each character starts in its UTF-8 (one more for the end):
    /// a word's source is sliced from it, rather than put together character by character.
    private let text: String
    private let utf8Offsets: [Int]

    private init(_ chars: [Unicode.Scalar], base: Int) {
        self.init(chars, text: String(String.UnicodeScalarView(chars)), base: base)
    }

    private init(_ chars: [Unicode.Scalar], text: String, base: Int) {
        self.chars = chars
        self.text = text
        var offsets = [0]
        offsets.reserveCapacity(chars.count + 1)
        for c in chars { offsets.append(offsets[offsets.count - 1] + c.utf8.count) }
        utf8Offsets = offsets
        self.base = base
    }

    /// Parses a whole script.
    public static func parse(_ script: String) throws(ShellSyntaxError) -> ShellScript {
        // The shell reads bytes; Swift groups a character with the combining marks after it (a
        // `"` and U+0301 are one character, not a quote) and "\r\n" into one (not a line
        // break): each Unicode scalar is a character of its own here, and offsets count scalars.
        // They are kept as scalars, not made `Character`s: comparing scalars costs no grapheme
        // breaking, string comparison or Unicode property look-up.
        var parser = ShellParser(Array(script.unicodeScalars), text: script, base: 0)
        let list = try parser.list(until: [])
        parser.skipBlanks()
        if parser.index < parser.chars.count {
            throw parser.error("unexpected '\(parser.chars[parser.index])'")
        }
        if let pending = parser.pendingHereDocuments.first {
            throw parser.error("the here-document ending with '\(pending.delimiter)' has no body")
        }
        return ShellScript(list: list, hereDocuments: parser.hereDocuments.map { $0 ?? ShellWord(parts: [], offset: 0, source: "") })
    }

    // MARK: - Characters

    /// `String(chars[range])`, sliced from `text` by its scalars (in a here-document's body, put
    /// together from lines, characters may have joined, so the slice need not fall on `text`'s own
    /// character boundaries).
    private func source(_ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: utf8Offsets[range.lowerBound])
        let upper = utf8.index(lower, offsetBy: utf8Offsets[range.upperBound] - utf8Offsets[range.lowerBound])
        return String(Substring(text.unicodeScalars[lower..<upper]))
    }

    private var current: Unicode.Scalar? { index < chars.count ? chars[index] : nil }
    private func peek(_ offset: Int = 1) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }
    private func error(_ message: String, at offset: Int? = nil) -> ShellSyntaxError {
        ShellSyntaxError(message: message, offset: base + (offset ?? index))
    }
    private func starts(with text: String) -> Bool {
        var i = index
        for c in text.unicodeScalars {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
        }
        return true
    }

    /// Skips blanks, line continuations and a comment, not newlines.
    private mutating func skipBlanks() {
        while let c = current {
            if c == " " || c == "\t" {
                index += 1
            } else if c == "\\", peek() == "\n" {
                index += 2
            } else if c == "#" {
                while let d = current, d != "\n" { index += 1 }
            } else {
                return
            }
        }
    }

    /// Skips blanks and newlines, reading here-document bodies after each newline.
    private mutating func skipLinebreaks() throws(ShellSyntaxError) {
        while true {
            skipBlanks()
            guard current == "\n" else { return }
            try newline()
        }
    }

    private mutating func newline() throws(ShellSyntaxError) {
        index += 1
        let pending = pendingHereDocuments
        pendingHereDocuments = []
        for document in pending { try readHereDocument(document) }
    }

    private func isMeta(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case " ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">": true
        default: false
        }
    }

    // MARK: - Lists and commands

    /// Reads and-or lists until a reserved word in `terminators` starts a command, or `)`, `;;` or the end.
    private mutating func list(until terminators: Set<String>) throws(ShellSyntaxError) -> ShellList {
        var out = ShellList()
        while true {
            try skipLinebreaks()
            guard let c = current, c != ")" else { return out }
            if starts(with: ";;") { return out }
            if let word = peekReserved(), terminators.contains(word) { return out }
            var andOr = try self.andOr(terminators)
            skipBlanks()
            if current == "&", peek() != "&" {
                index += 1
                andOr.background = true
            } else if current == ";", peek() != ";" {
                index += 1
            } else if current == "\n" {
                try newline()
            } else if current != nil, current != ")", !starts(with: ";;"), peekReserved().map(terminators.contains) != true {
                throw error("unexpected '\(c)'")
            }
            out.items.append(andOr)
        }
    }

    private mutating func andOr(_ terminators: Set<String>) throws(ShellSyntaxError) -> ShellAndOr {
        var out = ShellAndOr()
        out.pipelines.append(try pipeline(terminators))
        while true {
            skipBlanks()
            guard starts(with: "&&") || starts(with: "||") else { return out }
            out.operators.append(source(index..<index + 2))
            index += 2
            try skipLinebreaks()
            out.pipelines.append(try pipeline(terminators))
        }
    }

    private mutating func pipeline(_ terminators: Set<String>) throws(ShellSyntaxError) -> ShellPipeline {
        var out = ShellPipeline()
        skipBlanks()
        if peekReserved() == "!" {
            _ = try word()
            out.negated = true
        }
        out.commands.append(try command())
        while true {
            skipBlanks()
            guard current == "|", peek() != "|" else { return out }
            index += 1
            try skipLinebreaks()
            out.commands.append(try command())
        }
    }

    /// The next word if it is an unquoted reserved word, without consuming it.
    ///
    /// A reserved word is plain text, so the word is read only up to its end, not parsed: a
    /// quote or an expansion makes it no reserved word (and the word after `if`, `while` or
    /// `case` is often a long `$(…)` that every peek would otherwise parse again). Only a
    /// backslash, whose line continuation may join the halves of `fi`, needs the parser.
    private mutating func peekReserved() -> String? {
        let saved = index
        defer { index = saved }
        skipBlanks()
        var end = index
        while end < chars.count, !isMeta(chars[end]) {
            switch chars[end] {
            case "'", "\"", "$", "`": return nil
            case "\\": return parsedReserved()
            default:
                // A sixth plain character makes the word longer than any reserved word, and one
                // outside ASCII makes it none (Swift's `==` holds U+037E equal to ';').
                if end - index == Self.longestReserved || !chars[end].isASCII { return nil }
                end += 1
            }
        }
        let word = source(index..<end)
        return Self.reserved.contains(word) ? word : nil
    }

    /// The word at the position if the parser reads it as an unquoted reserved word; the
    /// position and any here-document it names are put back.
    private mutating func parsedReserved() -> String? {
        let saved = index
        let savedDocuments = (pendingHereDocuments, hereDocuments)
        defer {
            index = saved
            (pendingHereDocuments, hereDocuments) = savedDocuments
        }
        guard let word = try? word(), case .literal(let text)? = word.parts.first, word.parts.count == 1 else { return nil }
        return text.utf8.allSatisfy({ $0 < 0x80 }) && Self.reserved.contains(text) ? text : nil
    }

    private mutating func expectReserved(_ word: String) throws(ShellSyntaxError) {
        try skipLinebreaks()
        guard peekReserved() == word else { throw error("expected '\(word)'") }
        _ = try self.word()
    }

    private mutating func command() throws(ShellSyntaxError) -> ShellCommand {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw error("the script nests too deeply") }
        skipBlanks()
        let start = index
        if current == "(" {
            // POSIX leaves `((` to shells that read it as arithmetic (bash, ksh, zsh: `((x))`
            // evaluates x) and asks for `( (` to nest subshells.
            if peek() == "(" { throw error("'((' is an arithmetic command in bash but two subshells in sh; write '( (' for subshells") }
            index += 1
            let body = try list(until: [])
            guard current == ")" else { throw error("expected ')' to close the subshell opened here", at: start) }
            index += 1
            return .subshell(body, try redirections())
        }
        switch peekReserved() {
        case "{":
            _ = try word()
            let body = try list(until: ["}"])
            try expectReserved("}")
            return .group(body, try redirections())
        case "if":
            _ = try word()
            var arms: [(condition: ShellList, body: ShellList)] = []
            var otherwise: ShellList?
            var keyword = "if"
            while keyword == "if" || keyword == "elif" {
                let condition = try list(until: ["then"])
                try expectReserved("then")
                let body = try list(until: ["elif", "else", "fi"])
                arms.append((condition, body))
                try skipLinebreaks()
                keyword = peekReserved() ?? ""
                guard ["elif", "else", "fi"].contains(keyword) else { throw error("expected 'fi' to close the 'if' here", at: start) }
                _ = try word()
            }
            if keyword == "else" {
                otherwise = try list(until: ["fi"])
                try expectReserved("fi")
            }
            return .ifClause(arms, otherwise: otherwise, try redirections())
        case "while", "until":
            let until = try word().literal == "until"
            let condition = try list(until: ["do"])
            try expectReserved("do")
            let body = try list(until: ["done"])
            try expectReserved("done")
            return .loop(until: until, condition: condition, body: body, try redirections())
        case "for":
            _ = try word()
            skipBlanks()
            guard let name = try word().literal, Self.isName(name) else { throw error("expected a variable name after 'for'") }
            skipBlanks()
            var words: [ShellWord]?
            if current == ";" {
                index += 1
            } else {
                try skipLinebreaks()
            }
            if peekReserved() == "in" {
                _ = try word()
                words = []
                skipBlanks()
                while let c = current, !isMeta(c) {
                    words?.append(try word())
                    skipBlanks()
                }
                guard current == ";" || current == "\n" else { throw error("expected ';' or a newline after the words of 'for'") }
                if current == ";" { index += 1 } else { try newline() }
            }
            try expectReserved("do")
            let body = try list(until: ["done"])
            try expectReserved("done")
            return .forLoop(name: name, words: words, body: body, try redirections())
        case "case":
            return try caseClause(start: start)
        case let word? where word != "!":
            throw error("unexpected '\(word)'")
        default:
            return try simpleCommand()
        }
    }

    private mutating func caseClause(start: Int) throws(ShellSyntaxError) -> ShellCommand {
        _ = try word()
        skipBlanks()
        guard let c = current, !isMeta(c) else { throw error("expected a word after 'case'") }
        let subject = try word()
        try expectReserved("in")
        var items: [(patterns: [ShellWord], body: ShellList)] = []
        while true {
            try skipLinebreaks()
            if peekReserved() == "esac" {
                _ = try word()
                return .caseClause(subject, items, try redirections())
            }
            guard current != nil else { throw error("expected 'esac' to close the 'case' here", at: start) }
            if current == "(" { index += 1 }
            var patterns: [ShellWord] = []
            while true {
                skipBlanks()
                guard let c = current, !isMeta(c) else { throw error("expected a pattern") }
                patterns.append(try word())
                skipBlanks()
                if current == "|" {
                    index += 1
                } else {
                    break
                }
            }
            guard current == ")" else { throw error("expected ')' after the case pattern") }
            index += 1
            let body = try list(until: ["esac"])
            items.append((patterns, body))
            skipBlanks()
            if starts(with: ";;") {
                index += 2
            } else if peekReserved() != "esac" {
                throw error("expected ';;' or 'esac'")
            }
        }
    }

    private mutating func simpleCommand() throws(ShellSyntaxError) -> ShellCommand {
        var out = ShellSimpleCommand(offset: base + index)
        while true {
            skipBlanks()
            guard let c = current else { break }
            if let redirection = try redirection() {
                out.redirections.append(redirection)
                continue
            }
            if isMeta(c) {
                if c == "(", out.words.count == 1, out.assignments.isEmpty, out.redirections.isEmpty, let name = out.words[0].literal,
                    Self.isName(name)
                {
                    index += 1
                    skipBlanks()
                    guard current == ")" else { throw error("expected ')' after '\(name)('") }
                    index += 1
                    try skipLinebreaks()
                    return .function(name: name, body: try command(), offset: out.offset)
                }
                break
            }
            let word = try self.word()
            if out.words.isEmpty, case .literal(let text)? = word.parts.first, let equals = text.firstIndex(of: "="),
                Self.isName(String(text[..<equals]))
            {
                var rest = word.parts
                let after = String(text[text.index(after: equals)...])
                rest[0] = .literal(after)
                if after.isEmpty { rest.removeFirst() }
                out.assignments.append(
                    ShellAssignment(name: String(text[..<equals]), value: ShellWord(parts: rest, offset: word.offset, source: word.source)))
            } else {
                out.words.append(word)
            }
        }
        if out.words.isEmpty, out.assignments.isEmpty, out.redirections.isEmpty {
            throw error(current.map { "unexpected '\($0)'" } ?? "expected a command")
        }
        return .simple(out)
    }

    private mutating func redirections() throws(ShellSyntaxError) -> [ShellRedirection] {
        var out: [ShellRedirection] = []
        while true {
            skipBlanks()
            guard let redirection = try redirection() else { return out }
            out.append(redirection)
        }
    }

    private mutating func redirection() throws(ShellSyntaxError) -> ShellRedirection? {
        let start = index
        var digits = ""
        while let c = current, Self.isDigit(c) {
            digits.unicodeScalars.append(c)
            index += 1
        }
        let ops = ["<<-", "<<", ">>", ">|", "<>", "<&", ">&", "<", ">"]
        guard let op = ops.first(where: { starts(with: $0) }) else {
            index = start
            return nil
        }
        index += op.count
        skipBlanks()
        guard let c = current, !isMeta(c) else { throw error("expected a word after '\(op)'") }
        let target = try word()
        var out = ShellRedirection(op: op, descriptor: digits.isEmpty ? nil : Int(digits), target: target, offset: base + start)
        if op.hasPrefix("<<") {
            let delimiter = Self.unquoted(target.source)
            out.hereDocument = hereDocuments.count
            // Scalar by scalar: Swift's `==` holds canonically equivalent strings equal.
            let expands = delimiter.unicodeScalars.elementsEqual(target.source.unicodeScalars)
            pendingHereDocuments.append((delimiter, op == "<<-", expands, hereDocuments.count))
            hereDocuments.append(nil)
        }
        return out
    }

    private static func unquoted(_ source: String) -> String {
        var out = String.UnicodeScalarView()
        var escaped = false
        for c in source.unicodeScalars {
            if escaped {
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c != "'", c != "\"" {
                out.append(c)
            }
        }
        return String(out)
    }

    private mutating func readHereDocument(_ document: (delimiter: String, stripTabs: Bool, expands: Bool, slot: Int)) throws(ShellSyntaxError) {
        let start = index
        var body: [Unicode.Scalar] = []
        while true {
            guard index < chars.count else { throw error("the here-document ending with '\(document.delimiter)' is not closed", at: start) }
            var line: [Unicode.Scalar] = []
            while let c = current, c != "\n" {
                line.append(c)
                index += 1
            }
            if current == "\n" { index += 1 }
            if document.stripTabs { line = Array(line.drop { $0 == "\t" }) }
            // The shell compares bytes: a line canonically equivalent to the delimiter (a
            // precomposed 'é' for 'e' and U+0301) does not end the document.
            if line.elementsEqual(document.delimiter.unicodeScalars) { break }
            body += line + ["\n"]
        }
        let text = String(String.UnicodeScalarView(body))
        if document.expands {
            var inner = ShellParser(body, text: text, base: base + start)
            inner.depth = depth
            let parts = try inner.parts(quoting: .hereDocument)
            hereDocuments[document.slot] = ShellWord(parts: parts, offset: base + start, source: text)
        } else {
            hereDocuments[document.slot] = ShellWord(parts: [.quoted(text)], offset: base + start, source: text)
        }
    }

    /// Whether `text` is a POSIX name: an ASCII letter or `_`, then ASCII letters, digits and `_`.
    /// Read as UTF-8 bytes: any byte outside ASCII fails, as any character outside ASCII would.
    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy(isNameCharacter)
    }

    /// An ASCII letter (the only letters a name may hold).
    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    /// An ASCII digit.
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    /// A character a name may hold: an ASCII letter or digit, or `_`.
    private static func isNameCharacter(_ c: Unicode.Scalar) -> Bool { c == "_" || isLetter(c) || isDigit(c) }

    // MARK: - Words

    private enum Quoting { case none, double, hereDocument, braceWord, arithmetic }

    private mutating func word() throws(ShellSyntaxError) -> ShellWord {
        let start = index
        let parts = try parts(quoting: .none)
        return ShellWord(parts: parts, offset: base + start, source: source(start..<index))
    }

    /// Reads word parts until the end of the word for `quoting`.
    private mutating func parts(quoting: Quoting) throws(ShellSyntaxError) -> [ShellWordPart] {
        var out: [ShellWordPart] = []
        // The literal text so far: what is taken as it stands in the script is a run of
        // characters, sliced from the source once it ends (`run`); `text` holds the runs before
        // a line continuation, which the shell drops, joining them.
        var text = ""
        var run: Int?
        func endRun() {
            guard let start = run else { return }
            text += source(start..<index)
            run = nil
        }
        func flush() {
            endRun()
            if !text.isEmpty { out.append(.literal(text)) }
            text = ""
        }
        var parens = 0
        while let c = current {
            switch quoting {
            case .none where isMeta(c): flush(); return out
            case .double where c == "\"": flush(); return out
            case .braceWord where c == "}": flush(); return out
            case .arithmetic where c == ")" && parens == 0: flush(); return out
            default: break
            }
            if quoting == .arithmetic {
                if c == "(" { parens += 1 }
                if c == ")" { parens -= 1 }
            }
            switch c {
            case "\\":
                guard let next = peek() else {
                    if run == nil { run = index }
                    index += 1
                    continue
                }
                if next == "\n" {
                    endRun()
                    index += 2
                    continue
                }
                let escapable: String =
                    switch quoting {
                    case .none, .braceWord: ""
                    case .double, .arithmetic: "$`\\\""
                    case .hereDocument: "$`\\"
                    }
                if escapable.isEmpty || escapable.unicodeScalars.contains(next) {
                    flush()
                    index += 2
                    out.append(.quoted(String(next)))
                } else {
                    // The backslash stays, and the character after it: both as they stand.
                    if run == nil { run = index }
                    index += 2
                }
            case "'" where quoting == .none || quoting == .braceWord:
                flush()
                let start = index
                index += 1
                while let d = current, d != "'" { index += 1 }
                guard current == "'" else { throw error("the single quote opened here is not closed", at: start) }
                out.append(.quoted(source(start + 1..<index)))
                index += 1
            case "\"" where quoting != .double && quoting != .hereDocument:
                flush()
                let start = index
                index += 1
                let inner = try parts(quoting: .double)
                guard current == "\"" else { throw error("the double quote opened here is not closed", at: start) }
                index += 1
                out.append(.doubleQuoted(inner))
            case "`":
                flush()
                out.append(try backquote())
            case "$":
                let start = index
                if let part = try dollar() {
                    let end = index
                    index = start
                    flush()
                    index = end
                    out.append(part)
                } else {
                    if run == nil { run = index }
                    index += 1
                }
            default:
                if run == nil { run = index }
                index += 1
            }
        }
        if quoting == .double || quoting == .braceWord || quoting == .arithmetic {
            throw error("the script ends inside a quoted or bracketed word")
        }
        flush()
        return out
    }

    private mutating func backquote() throws(ShellSyntaxError) -> ShellWordPart {
        let start = index
        index += 1
        var inner: [Unicode.Scalar] = []
        while let c = current, c != "`" {
            if c == "\\", let next = peek(), "$`\\".unicodeScalars.contains(next) {
                inner.append(next)
                index += 2
            } else {
                inner.append(c)
                index += 1
            }
        }
        guard current == "`" else { throw error("the backquote opened here is not closed", at: start) }
        index += 1
        var parser = ShellParser(inner, base: base + start + 1)
        // The nesting goes on inside: one bound for the whole script.
        parser.depth = depth + 1
        guard parser.depth < 200 else { throw error("the script nests too deeply") }
        let list = try parser.list(until: [])
        parser.skipBlanks()
        if parser.index < parser.chars.count { throw parser.error("unexpected '\(parser.chars[parser.index])'") }
        return .command(list)
    }

    /// The first position at or after `position` that does not start a line continuation.
    /// dash joins backslash-newline before it reads an expansion: `$TO\<newline>K`,
    /// `${TO\<newline>K}` and `$\<newline>TOK` all expand TOK, so the parser reads what dash reads.
    private func pastContinuations(_ position: Int) -> Int {
        var i = position
        while i + 1 < chars.count, chars[i] == "\\", chars[i + 1] == "\n" { i += 2 }
        return i
    }

    private mutating func skipContinuations() { index = pastContinuations(index) }

    /// The position after `text` if it is next, line continuations before and inside it skipped.
    private func joinedEnd(of text: String) -> Int? {
        var i = index
        for c in text.unicodeScalars {
            i = pastContinuations(i)
            guard i < chars.count, chars[i] == c else { return nil }
            i += 1
        }
        return i
    }

    /// Reads an expansion at `$`, or returns nil when the `$` is literal.
    private mutating func dollar() throws(ShellSyntaxError) -> ShellWordPart? {
        let start = index
        let at = pastContinuations(index + 1)
        guard at < chars.count else { return nil }
        let next = chars[at]
        if next == "(" {
            let second = pastContinuations(at + 1)
            if second < chars.count, chars[second] == "(" {
                index = second + 1
                // Nested like `$(…)`, each level a frame of the parser's own: bounded the same way.
                depth += 1
                defer { depth -= 1 }
                guard depth < 200 else { throw error("the script nests too deeply") }
                let inner = try parts(quoting: .arithmetic)
                guard let end = joinedEnd(of: "))") else { throw error("the arithmetic expansion opened here is not closed", at: start) }
                index = end
                return .arithmetic(inner, offset: base + start)
            }
            index = at + 1
            depth += 1
            defer { depth -= 1 }
            guard depth < 200 else { throw error("the script nests too deeply") }
            let list = try self.list(until: [])
            guard current == ")" else { throw error("the command substitution opened here is not closed", at: start) }
            index += 1
            return .command(list)
        }
        if next == "{" {
            index = at + 1
            depth += 1
            defer { depth -= 1 }
            guard depth < 200 else { throw error("the script nests too deeply") }
            var name = ""
            var length = false
            skipContinuations()
            let afterHash = pastContinuations(index + 1)
            let after = afterHash < chars.count ? chars[afterHash] : nil
            let third = pastContinuations(afterHash + 1)
            if current == "#", let after, after != "}",
                !":-=?+%#".unicodeScalars.contains(after) || after == "#" && third < chars.count && chars[third] == "}"
            {
                length = true
                index = afterHash
            }
            if let c = current, "@*#?-$!".unicodeScalars.contains(c) || Self.isDigit(c) && !Self.isName(String(c)) {
                name = String(c)
                index += 1
                while name.first?.isNumber == true {
                    let d = pastContinuations(index)
                    guard d < chars.count, Self.isDigit(chars[d]) else { break }
                    name.unicodeScalars.append(chars[d])
                    index = d + 1
                }
            } else {
                while true {
                    let c = pastContinuations(index)
                    guard c < chars.count, Self.isNameCharacter(chars[c]) else { break }
                    name.unicodeScalars.append(chars[c])
                    index = c + 1
                }
            }
            guard !name.isEmpty else { throw error("'${' needs a parameter name", at: start) }
            skipContinuations()
            if length {
                guard current == "}" else { throw error("expected '}' after '${#\(name)'", at: start) }
                index += 1
                return .parameter(name: name, operator: "#length", word: nil)
            }
            if current == "}" {
                index += 1
                return .parameter(name: name, operator: nil, word: nil)
            }
            let operators = [":-", ":=", ":?", ":+", "%%", "##", "-", "=", "?", "+", "%", "#"]
            guard let op = operators.first(where: { joinedEnd(of: $0) != nil }), let opEnd = joinedEnd(of: op) else {
                throw error("'${\(name)' uses an expansion that is not POSIX", at: start)
            }
            index = opEnd
            let wordStart = index
            let parts = try parts(quoting: .braceWord)
            guard current == "}" else { throw error("the '${' opened here is not closed", at: start) }
            let word = ShellWord(parts: parts, offset: base + wordStart, source: source(wordStart..<index))
            index += 1
            return .parameter(name: name, operator: op, word: word)
        }
        if "@*#?-$!".unicodeScalars.contains(next) || Self.isDigit(next) {
            index = at + 1
            return .parameter(name: String(next), operator: nil, word: nil)
        }
        if next == "_" || Self.isLetter(next) {
            index = at
            var name = ""
            while true {
                let c = pastContinuations(index)
                guard c < chars.count, Self.isNameCharacter(chars[c]) else { break }
                name.unicodeScalars.append(chars[c])
                index = c + 1
            }
            return .parameter(name: name, operator: nil, word: nil)
        }
        if next == "'" || next == "\"" {
            // `$'…'` and `$"…"` are not POSIX; dash reads them as `$` and a quote, bash differently.
            throw error("'$\(next)' quoting is not POSIX and shells read it differently", at: start)
        }
        return nil
    }
}
