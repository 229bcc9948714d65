extension RegexPattern {
    /// Whether the pattern certainly compiles, decided without compiling it.
    ///
    /// True only for a plain subset of the syntax that runbooks use almost exclusively: ASCII
    /// literals, `.`, `^`, `$`, `\b`, the escapes `\d \w \s \n \t \r` (and their negations) and
    /// escaped punctuation, simple character classes, `( )`, `(?: )` and uniquely named groups,
    /// `|`, and the quantifiers `* + ? {n} {n,} {n,m}` with an optional `?` or `+`; `(?i)` may
    /// open the pattern. False means only "compile it to find out": the validator then compiles
    /// the pattern and reports Swift's own message, so diagnostics do not change.
    ///
    /// Compiling a Swift `Regex` costs tens of microseconds, and a generated 10,000-step runbook
    /// holds ten thousand distinct patterns that validation only needs to know are sound.
    var certainlyCompiles: Bool {
        func accepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var recognizer = SimpleRegexRecognizer(bytes)
            return recognizer.accepts()
        }
        if let verdict = source.utf8.withContiguousStorageIfAvailable(accepts) { return verdict }
        return Array(source.utf8).withUnsafeBufferPointer(accepts)
    }
}

/// A recursive-descent recognizer of the regex subset `certainlyCompiles` describes. It never
/// needs to explain a rejection, so every check is a plain `Bool`.
private struct SimpleRegexRecognizer {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Where the names of the named groups so far are; most patterns have one or none.
    private var firstGroupName: Range<Int>?
    private var moreGroupNames: [Range<Int>] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Punctuation that may be escaped, and stands for itself when it is.
    private static let escapable = Set(#"\^$.|?*+()[]{}/-:_#%@~&,!=;'" "#.utf8)
    /// The escapes that stand for a class of characters: digits, word characters, spaces.
    private static let classEscapes = Set("dDwWsS".utf8)
    /// Characters with a meaning of their own outside a class; `<{…}>` is Swift's interpolation.
    private static let special = Set(#"\^$.|?*+()[]{}<"#.utf8)
    /// Characters with a meaning of their own inside a class: nesting, set operations
    /// (`&&`, `--`, `~~`), POSIX properties (`[:alpha:]`), interpolation.
    private static let specialInClass = Set(#"[]\^-&~:<{}"#.utf8)

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func eat(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func accepts() -> Bool {
        _ = eat("(?i)")
        return alternation(depth: 0) && index == bytes.count
    }

    private mutating func alternation(depth: Int) -> Bool {
        guard sequence(depth: depth) else { return false }
        while eat("|") {
            guard sequence(depth: depth) else { return false }
        }
        return true
    }

    /// One or more items up to `|`, `)` or the end.
    private mutating func sequence(depth: Int) -> Bool {
        var count = 0
        while let byte = peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            guard item(depth: depth) else { return false }
            count += 1
        }
        return count > 0
    }

    private mutating func item(depth: Int) -> Bool {
        // Anchors match a position, and Swift refuses to quantify them.
        if eat("^") || eat("$") || eat(#"\b"#) || eat(#"\B"#) { return !atQuantifier }
        guard atom(depth: depth) else { return false }
        guard atQuantifier else { return true }
        guard quantifier() else { return false }
        _ = eat("?") || eat("+")
        return !atQuantifier
    }

    private var atQuantifier: Bool {
        guard let byte = peek() else { return false }
        return byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "{")
    }

    private mutating func quantifier() -> Bool {
        if eat("*") || eat("+") || eat("?") { return true }
        guard eat("{"), let low = number() else { return false }
        if eat("}") { return true }
        guard eat(",") else { return false }
        if eat("}") { return true }
        guard let high = number(), low <= high else { return false }
        return eat("}")
    }

    /// One to three digits; Swift refuses counts that overflow, and no runbook needs more.
    private mutating func number() -> Int? {
        var value = 0
        var digits = 0
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 3 {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    private mutating func atom(depth: Int) -> Bool {
        guard let byte = peek() else { return false }
        switch byte {
        case UInt8(ascii: "."):
            index += 1
            return true
        case UInt8(ascii: "("):
            return group(depth: depth)
        case UInt8(ascii: "["):
            return characterClass()
        case UInt8(ascii: "\\"):
            guard let escaped = peek(1), Self.classEscapes.contains(escaped) || "ntr".utf8.contains(escaped) || Self.escapable.contains(escaped)
            else { return false }
            index += 2
            return true
        default:
            guard (0x20...0x7E).contains(byte), !Self.special.contains(byte) else { return false }
            index += 1
            return true
        }
    }

    private mutating func group(depth: Int) -> Bool {
        guard depth < 20 else { return false }
        index += 1
        if eat("?:") {
            // A group that only groups.
        } else if eat("?<") {
            guard let name = groupName(), isNewGroupName(name), eat(">") else { return false }
        } else if peek() == UInt8(ascii: "?") {
            return false
        }
        return alternation(depth: depth + 1) && eat(")")
    }

    private mutating func groupName() -> Range<Int>? {
        let start = index
        while let byte = peek(), byte == UInt8(ascii: "_") || isLetter(byte) || (index > start && isDigit(byte)) { index += 1 }
        return index > start ? start..<index : nil
    }

    /// Records `name`, or says it was seen before: Swift refuses two groups with one name.
    private mutating func isNewGroupName(_ name: Range<Int>) -> Bool {
        guard let first = firstGroupName else {
            firstGroupName = name
            return true
        }
        for seen in [first] + moreGroupNames where bytes[seen].elementsEqual(bytes[name]) { return false }
        moreGroupNames.append(name)
        return true
    }

    /// `[…]` or `[^…]` of single characters, ranges between two of them, class escapes, and a
    /// `-` first or last. No nesting, no set operations (`&&`, `--`, `~~`), no POSIX classes.
    private mutating func characterClass() -> Bool {
        index += 1
        _ = eat("^")
        var count = 0
        if eat("-") { count += 1 }
        while true {
            guard let byte = peek() else { return false }
            if byte == UInt8(ascii: "]"), count > 0 {
                index += 1
                return true
            }
            if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "]"), count > 0 {
                index += 2
                return true
            }
            guard let low = classMember() else { return false }
            count += 1
            if peek() == UInt8(ascii: "-"), peek(1) != UInt8(ascii: "]") {
                index += 1
                guard let lowCharacter = low, let high = classMember(), let highCharacter = high, lowCharacter <= highCharacter,
                    sameKind(lowCharacter, highCharacter)
                else { return false }
            }
        }
    }

    /// One member of a class: the character it stands for, or nil inside for a class escape;
    /// nil outside when it is not in the subset.
    private mutating func classMember() -> UInt8?? {
        guard let byte = peek() else { return nil }
        if byte == UInt8(ascii: "\\") {
            guard let escaped = peek(1) else { return nil }
            index += 2
            if Self.classEscapes.contains(escaped) { return .some(nil) }
            return Self.escapable.contains(escaped) ? .some(escaped) : nil
        }
        guard (0x20...0x7E).contains(byte), !Self.specialInClass.contains(byte) else { return nil }
        index += 1
        return .some(byte)
    }

    /// Ranges stay within digits, lower-case or upper-case letters, where they mean what they say.
    private func sameKind(_ low: UInt8, _ high: UInt8) -> Bool {
        (isDigit(low) && isDigit(high)) || (isLower(low) && isLower(high)) || (isUpper(low) && isUpper(high))
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private func isLetter(_ byte: UInt8) -> Bool { isLower(byte) || isUpper(byte) }
}
