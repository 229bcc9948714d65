/// Reading the common patterns without Swift's parser.
///
/// Validation must know of every pattern whether it compiles and which named groups it has, and
/// Swift's `Regex(String)` takes some 45 µs to parse even `NRestarts=(?<restarts>\d+)`: for a
/// runbook of 1,000 steps that alone was about half of what validating it cost. Most patterns
/// runbooks write keep to a small part of the syntax (literal text, `.`, `\d`, `\s`, `\w`, simple
/// classes, groups, `|`, `^`, `$` and one `*`, `+` or `?`), and in that part the answer is plain:
/// it compiles, and its named groups are those of its `(?<name>` groups. `SimpleSyntax` reads that
/// part and nothing else; anything beyond it (a brace quantifier, a lazy one, a lookaround, an
/// option, a set operation, a POSIX class, a Unicode property, a duplicate name, a non-ASCII
/// character beside syntax) is left to Swift's parser. It never says a pattern does not compile.
///
/// `SimpleSyntaxTests` holds it to Swift's parser: on every pattern of its corpus that it reads
/// (generated and mutated patterns, the shipped runbooks' own), `compilation()` must equal what
/// `Regex(String)` gives.
enum SimpleSyntax {
    /// The named groups of `source`, in order, when all of it keeps to the part read here (it then
    /// compiles); nil when it does not, or nests groups deeper than 16.
    static func groupNames(of source: String) -> [String]? {
        var reader = Reader(bytes: Array(source.utf8))
        guard reader.alternation(), reader.at == reader.bytes.count else { return nil }
        return reader.names
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0
        var names: [String] = []
        var depth = 0
        /// The index of the last letter, digit or non-ASCII byte read as literal text outside a class.
        var lastLiteral = -1

        var next: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func eat(_ byte: Unicode.Scalar) -> Bool {
            guard next == UInt8(ascii: byte) else { return false }
            at += 1
            return true
        }

        /// Sequences separated by `|`, up to a `)` or the end.
        mutating func alternation() -> Bool {
            repeat {
                guard sequence() else { return false }
            } while eat("|")
            return true
        }

        /// Anchors and atoms, each atom with at most one `*`, `+` or `?` after it, up to a `|`,
        /// a `)` or the end. A second quantifier (`*?`, `++`), a brace or a quantifier after an
        /// anchor is a special byte where an atom must start, so the pattern is left to Swift's
        /// parser.
        mutating func sequence() -> Bool {
            while let byte = next, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                at += 1
                switch byte {
                case UInt8(ascii: "^"), UInt8(ascii: "$"): continue
                case UInt8(ascii: "\\"): guard escape() else { return false }
                case UInt8(ascii: "["): guard characterClass() else { return false }
                case UInt8(ascii: "("): guard group() else { return false }
                case UInt8(ascii: "."): break
                case 0x80...: guard nonASCII(at: at - 1) else { return false }
                default:
                    guard !Self.isSpecial(byte) else { return false }
                    if Self.kind(of: byte) != nil { lastLiteral = at - 1 }
                }
                if let quantifier = next, Self.isQuantifier(quantifier) { at += 1 }
            }
            return true
        }

        /// Whether the non-ASCII byte at `index` is literal text as Swift's parser reads it too.
        /// That parser reads characters, and a non-ASCII scalar can make one character with what
        /// is before it (`(` and a combining accent, which it refuses as confusable when that is
        /// ASCII punctuation or a space) or after it (a prefix scalar such as U+0600 and `)` or
        /// `+`, which it reads as one literal character). So such a byte is read here only at the
        /// very start or after a letter, digit or non-ASCII byte read as text, and only when the
        /// first ASCII byte after its run of non-ASCII bytes is not special (or there is none).
        mutating func nonASCII(at index: Int) -> Bool {
            guard index == 0 || lastLiteral == index - 1 else { return false }
            lastLiteral = index
            // What follows the run was looked at from its first byte: once a run.
            guard index == 0 || bytes[index - 1] < 0x80 else { return true }
            guard let after = bytes[(index + 1)...].first(where: { $0 < 0x80 }) else { return true }
            return !Self.isSpecial(after)
        }

        /// After a `\`: a class (`\d \D \s \S \w \W`), or a special byte (`isSpecial`), `/` or
        /// `-`, taken literally.
        mutating func escape() -> Bool {
            guard let byte = next, Self.isClassEscape(byte) || Self.isSpecial(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-")
            else { return false }
            at += 1
            return true
        }

        /// After a `(`: a capturing group, `(?:` or `(?<name>` with a variable name, then an
        /// alternation and the `)`.
        mutating func group() -> Bool {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 16 else { return false }
            if eat("?") {
                if eat("<") {
                    // The name up to the `>`: a variable name, as the runbook reads it (so ASCII).
                    guard let end = bytes[at...].firstIndex(of: UInt8(ascii: ">")) else { return false }
                    let name = String(decoding: bytes[at..<end], as: UTF8.self)
                    guard Template.isVariableName(name), !names.contains(name) else { return false }
                    names.append(name)
                    at = end + 1
                } else if !eat(":") {
                    return false
                }
            }
            return alternation() && eat(")")
        }

        /// After a `[`: an optional `^`, then one or more of: an ASCII letter, digit or plain
        /// punctuation, an escape, a range of letters or digits of one kind in order (`a-z`,
        /// `0-9`), or a `-` first or last; then the `]`.
        mutating func characterClass() -> Bool {
            _ = eat("^")
            var count = 0
            while let byte = next, byte != UInt8(ascii: "]") {
                at += 1
                // The character a range may start from: none after a class escape or a `-`.
                var single: UInt8? = byte
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = next, escape() else { return false }
                    single = Self.isClassEscape(escaped) ? nil : escaped
                } else if byte == UInt8(ascii: "-") {
                    // `--` is a set operation, not two dashes.
                    guard count == 0 || next == UInt8(ascii: "]"), next != UInt8(ascii: "-") else { return false }
                    single = nil
                } else if !Self.isClassLiteral(byte) {
                    return false
                }
                count += 1
                if next == UInt8(ascii: "-"), at + 1 < bytes.count, bytes[at + 1] != UInt8(ascii: "]") {
                    guard let low = single else { return false }
                    let high = bytes[at + 1]
                    guard Self.kind(of: low) != nil, Self.kind(of: low) == Self.kind(of: high), low <= high else { return false }
                    at += 2
                }
            }
            return count > 0 && eat("]")
        }

        /// The bytes that mean something to a regex outside a class; every other byte (UTF-8
        /// of a non-ASCII character included) stands for itself.
        static func isSpecial(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: "?"),
                UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"):
                true
            default: false
            }
        }

        static func isQuantifier(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "?")
        }

        static func isClassEscape(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "w"), UInt8(ascii: "W"): true
            default: false
            }
        }

        /// What stands for itself in a class here: ASCII letters, digits, the space and
        /// punctuation with no meaning in a class (not `[ ] \ ^ - & ~ :`, which start escapes,
        /// ranges, nested classes, set operations or POSIX classes).
        static func isClassLiteral(_ byte: UInt8) -> Bool {
            switch byte {
            case _ where kind(of: byte) != nil: true
            case UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: "="),
                UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: ";"), UInt8(ascii: "+"), UInt8(ascii: "*"),
                UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "|"), UInt8(ascii: "$"), UInt8(ascii: "'"),
                UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"):
                true
            default: false
            }
        }

        /// 0 for a digit, 1 for a lower-case letter, 2 for an upper-case one, nil otherwise.
        static func kind(of byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"): 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): 2
            default: nil
            }
        }

    }
}
