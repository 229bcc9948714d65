import Glibc

/// What every match of a class pattern must contain, read from the pattern's text, so that most
/// lines are decided by a byte search instead of a regex (a Swift `Regex` costs tens of
/// microseconds a line). It never changes what a pattern means: a line it cannot decide goes to
/// the regex.
///
/// A pattern is read as top-level alternatives; each gives its longest run of plain ASCII
/// characters outside groups, classes and quantified atoms, and a match of the pattern contains
/// one of these runs. Anything the reader does not know for certain (inline options such as
/// `(?i)`, lookaround, `\Q`, escapes other than punctuation and `\d \w \s \h \v \b` and their
/// negations, a class opening with `]`) leaves the pattern without a filter, matched by the regex
/// on every line as before. Only ASCII is taken: a Swift regex compares characters up to canonical
/// equivalence (`é` matches `e` and U+0301), so a run excludes `K`, `;` and `` ` `` (U+212A,
/// U+037E and U+1FEF are equivalent to them, though today's `Regex` does not match them), control
/// characters, and any character next to a non-ASCII one in the pattern (it may
/// join it in one character). A matching character is then the same ASCII byte in the line.
///
/// When the pattern is nothing but such runs (`a|b c|d\(\)`), an occurrence whose neighbouring
/// bytes are ASCII (or the ends of the line) is a match for certain: between two ASCII characters
/// other than CR LF there is always a character boundary.
struct LogLiteralFilter {
    /// What the bytes of a line say about a pattern.
    enum Decision: Equatable {
        /// No match: no run occurs.
        case noMatch
        /// A match for certain.
        case match
        /// The regex decides.
        case undecided
    }

    /// The runs, one of which every match contains; none when the pattern has no filter.
    let literals: [[UInt8]]
    /// Whether the pattern is exactly the alternation of `literals`.
    let exact: Bool

    /// The filter of `pattern`; nil when it has none.
    init?(pattern: String) {
        guard let (literals, exact) = Self.read(Array(pattern.unicodeScalars)) else { return nil }
        self.literals = literals
        self.exact = exact
    }

    /// What `line` says about the pattern.
    func decide(_ line: UnsafeBufferPointer<UInt8>) -> Decision {
        guard let base = line.baseAddress else { return .noMatch }
        var found = false
        for literal in literals {
            var start = 0
            while let at = Self.find(literal, in: base, from: start, to: line.count) {
                if !exact { return .undecided }
                found = true
                let end = at + literal.count
                if (at == 0 || base[at - 1] < 0x80) && (end == line.count || base[end] < 0x80) { return .match }
                start = at + 1
            }
        }
        return found ? .undecided : .noMatch
    }

    /// The first offset at or after `from` where `literal` occurs in `base[..<to]`.
    static func find(_ literal: [UInt8], in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let first = literal.first else { return nil }
        var at = from
        while to - at >= literal.count, let hit = memchr(base + at, Int32(first), to - at - literal.count + 1) {
            let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if literal.withUnsafeBufferPointer({ $0.elementsEqual(UnsafeBufferPointer(start: base + offset, count: literal.count)) }) {
                return offset
            }
            at = offset + 1
        }
        return nil
    }

    /// Escapes that stand for one character of a set, or for a boundary, and so end a run.
    private static let setEscapes = Set("dDwWsShHvVbB".unicodeScalars)

    /// The runs of `pattern` and whether it is exactly their alternation; nil when unsure.
    private static func read(_ pattern: [Unicode.Scalar]) -> ([[UInt8]], Bool)? {
        var literals: [[UInt8]] = []
        var exact = true
        var best: [UInt8] = []
        var run: [UInt8] = []
        var pure = true
        /// Whether the last thing read was a character appended to `run`.
        var lastWasLiteral = false
        /// Whether the last scalar read was non-ASCII (the next character may join it).
        var afterNonASCII = false
        func endRun() {
            if run.count > best.count { best = run }
            run = []
            lastWasLiteral = false
        }
        func dropLastLiteral() {
            if lastWasLiteral { run.removeLast() }
            pure = false
            endRun()
        }
        func append(_ scalar: Unicode.Scalar) {
            let value = scalar.value
            if afterNonASCII || value < 0x20 || value == 0x7F || "K;`".unicodeScalars.contains(scalar) {
                pure = false
                endRun()
            } else {
                run.append(UInt8(value))
                lastWasLiteral = true
            }
            afterNonASCII = false
        }
        var index = 0
        while index < pattern.count {
            let scalar = pattern[index]
            index += 1
            if !scalar.isASCII {
                dropLastLiteral()
                afterNonASCII = true
                continue
            }
            switch scalar {
            case "\\":
                guard index < pattern.count else { return nil }
                let escaped = pattern[index]
                index += 1
                if setEscapes.contains(escaped) {
                    pure = false
                    endRun()
                    afterNonASCII = false
                } else if escaped.isASCII, !escaped.properties.isAlphabetic, !("0"..."9").contains(escaped) {
                    append(escaped)
                } else {
                    return nil
                }
            case "(":
                guard let after = skipGroup(pattern, from: index) else { return nil }
                index = after
                pure = false
                endRun()
                afterNonASCII = false
            case "[":
                guard let after = skipClass(pattern, from: index) else { return nil }
                index = after
                pure = false
                endRun()
                afterNonASCII = false
            case "?", "*", "+":
                dropLastLiteral()
            case "{":
                // A quantifier, or a literal brace: either way its text is no run.
                dropLastLiteral()
                guard let close = pattern[index...].firstIndex(of: "}") else { return nil }
                index = close + 1
            case "|":
                endRun()
                guard !best.isEmpty else { return nil }
                literals.append(best)
                exact = exact && pure
                best = []
                pure = true
                afterNonASCII = false
            case ")":
                return nil
            case ".", "^", "$":
                pure = false
                endRun()
                afterNonASCII = false
            default:
                append(scalar)
            }
        }
        endRun()
        guard !best.isEmpty else { return nil }
        literals.append(best)
        return (literals, exact && pure)
    }

    /// The index after the group opened just before `from`; nil for anything but a plain,
    /// non-capturing or named group (or one whose contents are not understood).
    private static func skipGroup(_ pattern: [Unicode.Scalar], from: Int) -> Int? {
        var index = from
        guard index < pattern.count else { return nil }
        if pattern[index] == "*" { return nil }
        if pattern[index] == "?" {
            guard index + 1 < pattern.count else { return nil }
            switch pattern[index + 1] {
            case ":": index += 2
            case "<", "P":
                guard let close = pattern[index...].firstIndex(of: ">") else { return nil }
                let name = pattern[(pattern[index + 1] == "P" ? index + 3 : index + 2)..<close]
                guard pattern[index + 1] == "<" || pattern[index + 2] == "<",
                    !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
                else { return nil }
                index = close + 1
            default: return nil
            }
        }
        while index < pattern.count {
            let scalar = pattern[index]
            index += 1
            switch scalar {
            case "\\":
                guard index < pattern.count else { return nil }
                let escaped = pattern[index]
                if escaped == "Q" || escaped == "E" { return nil }
                index += 1
            case "(":
                guard let after = skipGroup(pattern, from: index) else { return nil }
                index = after
            case "[":
                guard let after = skipClass(pattern, from: index) else { return nil }
                index = after
            case ")":
                return index
            default:
                break
            }
        }
        return nil
    }

    /// The index after the class opened just before `from`; nil when unsure where it ends.
    private static func skipClass(_ pattern: [Unicode.Scalar], from: Int) -> Int? {
        var index = from
        if index < pattern.count, pattern[index] == "^" { index += 1 }
        if index < pattern.count, pattern[index] == "]" { return nil }
        var depth = 1
        while index < pattern.count {
            let scalar = pattern[index]
            index += 1
            switch scalar {
            case "\\":
                guard index < pattern.count else { return nil }
                if pattern[index] == "Q" || pattern[index] == "E" { return nil }
                index += 1
            case "[":
                depth += 1
                if index < pattern.count, pattern[index] == "^" { index += 1 }
                if index < pattern.count, pattern[index] == "]" { return nil }
            case "]":
                depth -= 1
                if depth == 0 { return index }
            default:
                break
            }
        }
        return nil
    }
}
