/// Spotting patterns whose matching time can explode.
///
/// Swift's regex engine backtracks: a group that holds an unbounded quantifier and is itself
/// repeated (`(a+)+`, `(a*)*`, `(\w+\s?)+`) tries exponentially many ways to split a line that
/// almost matches, so `^(a+)+$` on 37 `a`s and a `!` never ends; so does a repeated group whose
/// alternatives can match the same text (`^(a|aa)+$`, `(\w|\d)*`).
extension RegexPattern {
    /// The first repeated group that holds an unbounded quantifier, as written (`(a+)+`); nil
    /// when there is none.
    public var nestedQuantifier: String? {
        let characters = Array(source)
        // For each open group: where it starts, and whether it holds an unbounded quantifier.
        var groups: [(start: Int, unbounded: Bool)] = []
        var index = 0
        var inClass = false
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                index += 2
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                index += 1
                continue
            }
            switch character {
            case "[":
                inClass = true
            case "(":
                groups.append((index, false))
            case ")":
                guard let group = groups.popLast() else { break }
                if group.unbounded, index + 1 < characters.count, Self.isUnbounded(characters, at: index + 1) {
                    return Self.repeatedGroup(characters, from: group.start, closedAt: index)
                }
                // A group that holds an unbounded quantifier makes the group around it hold one.
                if group.unbounded || (index + 1 < characters.count && Self.isUnbounded(characters, at: index + 1)), !groups.isEmpty {
                    groups[groups.count - 1].unbounded = true
                }
            case "+", "*":
                if !groups.isEmpty { groups[groups.count - 1].unbounded = true }
            case "{":
                if Self.isUnbounded(characters, at: index), !groups.isEmpty { groups[groups.count - 1].unbounded = true }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The group from `start` to its `)` at `close`, with the unbounded quantifier after it
    /// (`(a+)+`, `(x|xy){2,}`), as written.
    private static func repeatedGroup(_ characters: [Character], from start: Int, closedAt close: Int) -> String {
        var end = close + 2
        if characters[close + 1] == "{", let brace = characters[(close + 1)...].firstIndex(of: "}") { end = brace + 1 }
        return String(characters[start..<end])
    }

    /// Whether a quantifier without an upper bound (`+`, `*`, `{n,}`) starts at `index`.
    private static func isUnbounded(_ characters: [Character], at index: Int) -> Bool {
        switch characters[index] {
        case "+", "*": return true
        case "{":
            var end = index + 1
            while end < characters.count, characters[end].isNumber || characters[end] == "," { end += 1 }
            guard end < characters.count, characters[end] == "}" else { return false }
            return characters[end - 1] == ","
        default: return false
        }
    }

    /// The first group repeated without bound two of whose alternatives can match the same
    /// text, as written (`(a|aa)+`); nil when there is none. Each alternative is read as the run
    /// of single characters it starts with (up to the first quantifier, group or anchor): two
    /// alternatives are apart when at some place their characters cannot be the same
    /// (`(POST|PUT)+`), and taken to meet when one run ends first (`(a|aa)+`, `(\w|\d)+`). A
    /// class (`[…]`, `.`) is taken to meet anything; an alternative that starts with what this
    /// does not read (a group, an anchor, a quantified atom) is left out, so the answer errs
    /// towards silence there, and the matching process bounds what it misses.
    public var overlappingAlternatives: String? {
        let characters = Array(source)
        // Per open group: where it starts, each alternative's leading atoms, and whether the
        // current alternative's run is still being read.
        var groups: [(start: Int, alternatives: [[FirstAtom]], reading: Bool)] = []
        func record(_ atom: FirstAtom?) {
            guard let last = groups.indices.last, groups[last].reading else { return }
            guard let atom, groups[last].alternatives[groups[last].alternatives.count - 1].count < 16 else {
                groups[last].reading = false
                return
            }
            groups[last].alternatives[groups[last].alternatives.count - 1].append(atom)
        }
        /// A quantifier makes the atom before it optional or repeated: the run ends before it.
        func quantified() {
            guard let last = groups.indices.last, groups[last].reading else { return }
            _ = groups[last].alternatives[groups[last].alternatives.count - 1].popLast()
            groups[last].reading = false
        }
        var index = 0
        var inClass = false
        while index < characters.count {
            let character = characters[index]
            if inClass {
                if character == "\\" { index += 1 } else if character == "]" { inClass = false }
                index += 1
                continue
            }
            switch character {
            case "\\":
                record(index + 1 < characters.count ? .escaped(characters[index + 1]) : nil)
                index += 2
                continue
            case "[":
                record(.anything)
                inClass = true
            case ".":
                record(.anything)
            case "(":
                record(nil)
                groups.append((index, [[]], true))
                index = Self.bodyStart(characters, after: index)
                continue
            case "|":
                if let last = groups.indices.last {
                    groups[last].alternatives.append([])
                    groups[last].reading = true
                }
            case ")":
                guard let group = groups.popLast() else { break }
                if index + 1 < characters.count, Self.isUnbounded(characters, at: index + 1), Self.anyTwoMeet(group.alternatives) {
                    return Self.repeatedGroup(characters, from: group.start, closedAt: index)
                }
            case "+", "*", "?", "{":
                quantified()
            case "^", "$", "}":
                record(nil)
            default:
                record(.literal(character))
            }
            index += 1
        }
        return nil
    }

    /// What an alternative matches at one place.
    enum FirstAtom {
        /// A character class or `.`: taken to meet anything.
        case anything
        /// One character as written.
        case literal(Character)
        /// A backslash and the character after it (`\d`, or an escaped `.`).
        case escaped(Character)

        /// Characters to try both atoms on: a letter, a digit, `_`, spaces, punctuation.
        static let samples: [Character] = ["a", "Z", "0", "7", "_", " ", "\t", ".", "-", "/", ":", "!", "\""]

        /// Whether the atom matches `character`; an escape Medic does not know matches anything.
        func matches(_ character: Character) -> Bool {
            switch self {
            case .anything: return true
            case .literal(let own): return own == character
            case .escaped(let code):
                switch code {
                case "d": return character.isASCII && character.isNumber
                case "D": return !(character.isASCII && character.isNumber)
                case "w": return character.isLetter || character.isNumber || character == "_"
                case "W": return !(character.isLetter || character.isNumber || character == "_")
                case "s": return character.isWhitespace
                case "S": return !character.isWhitespace
                case _ where code.isLetter || code.isNumber: return true
                default: return code == character
                }
            }
        }

        /// Whether some character can begin both.
        func meets(_ other: FirstAtom) -> Bool {
            switch (self, other) {
            case (.anything, _), (_, .anything): return true
            case (.literal(let own), _): return other.matches(own)
            case (_, .literal(let theirs)): return matches(theirs)
            default: return Self.samples.contains { matches($0) && other.matches($0) }
            }
        }
    }

    /// Whether two of `alternatives` (each its leading atoms; empty where unread) can match the
    /// same text: at every place both have read, some character fits both.
    private static func anyTwoMeet(_ alternatives: [[FirstAtom]]) -> Bool {
        let read = alternatives.filter { !$0.isEmpty }
        for (offset, one) in read.enumerated() {
            for other in read[(offset + 1)...] where zip(one, other).allSatisfy({ $0.meets($1) }) { return true }
        }
        return false
    }

    /// Where a group's body starts, past `(` and its marker (`?:`, `?<name>`, `?=`, `?<!`, …).
    private static func bodyStart(_ characters: [Character], after open: Int) -> Int {
        var index = open + 1
        guard index < characters.count, characters[index] == "?" else { return index }
        index += 1
        guard index < characters.count else { return index }
        switch characters[index] {
        case ":", "=", "!", ">": return index + 1
        case "<" where index + 1 < characters.count && (characters[index + 1] == "=" || characters[index + 1] == "!"): return index + 2
        case "<", "'", "P":
            let close: Character = characters[index] == "'" ? "'" : ">"
            while index < characters.count, characters[index] != close { index += 1 }
            return index + 1
        default: return index
        }
    }
}
