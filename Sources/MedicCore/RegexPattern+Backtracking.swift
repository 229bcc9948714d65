/// Spotting patterns whose matching time can explode.
///
/// Swift's regex engine backtracks: a group that holds an unbounded quantifier and is itself
/// repeated (`(a+)+`, `(a*)*`, `(\w+\s?)+`) tries exponentially many ways to split a line that
/// almost matches, so `^(a+)+$` on 37 `a`s and a `!` never ends; so does a repeated group whose
/// alternatives overlap: they read a text two ways (`^(a|aa)+$`) or match the same text (`(\w|\d)*`).
extension RegexPattern {
    /// The first repeated group that holds an unbounded quantifier, as written (`(a+)+`); nil
    /// when there is none.
    public var nestedQuantifier: String? {
        guard repeatsAGroup else { return nil }
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

    /// Whether a `)` is followed at once by `+`, `*` or `{`, as in every group repeated without
    /// bound: both questions above find one only there, so a pattern without (most patterns) is
    /// answered without reading it as characters. (A `)` and the quantifier after it are
    /// characters of their own, so their bytes are next to each other too.)
    private var repeatsAGroup: Bool {
        var previous: UInt8 = 0
        for byte in source.utf8 {
            if previous == UInt8(ascii: ")"), byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
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

    /// What two alternatives of a repeated group have in common, which lets a backtracking
    /// matcher try the same text many ways.
    public struct Overlap: Sendable, Hashable {
        /// The group as written, with its quantifier (`(a|aa)+`).
        public var group: String
        public var kind: Kind

        public enum Kind: Sendable, Hashable {
            /// Alternatives written as plain text that split `text` two ways (`(a|aa)+` reads
            /// `aa` as `a`, `a` and as `aa`): found exactly, with the two ways.
            case splits(text: String, one: [String], other: [String])
            /// Two alternatives of one length that some character fits at every place
            /// (`(\w|\d)+`, `(x|.)+`): they can match the same text.
            case sameText
            /// Two alternatives that can begin the same way, as far as Medic reads them (up to a
            /// quantifier, a group or an anchor): the matcher may have to try both.
            case beginAlike
        }

        /// The words of the warning after "repeats a group".
        public var description: String {
            switch kind {
            case .splits(let text, let one, let other) where one == other:
                return "two of whose alternatives are the same text, '\(text)' (\(group))"
            case .splits(let text, let one, let other):
                let way = { (parts: [String]) in parts.map { "'\($0)'" }.joined(separator: " + ") }
                return "whose alternatives can read the same text two ways (\(group) reads '\(text)' as \(way(one)) and as \(way(other)))"
            case .sameText: return "two of whose alternatives can match the same text (\(group))"
            case .beginAlike: return "two of whose alternatives can begin with the same text (\(group))"
            }
        }
    }

    /// The first group repeated without bound whose alternatives overlap (`Overlap`); nil when
    /// there is none. Each alternative is read as the run of single characters it starts with
    /// (up to the first quantifier, group or anchor); one read to its end with nothing but
    /// plain characters is its whole text. Alternatives that are whole texts are judged exactly
    /// (`Overlap.Kind.splits`: `(a|ab)+` and `(foo|bar|f)+` read every text one way only, so
    /// they are silent); the others are apart when at some place their characters cannot be the
    /// same (`(POST|PUT)+`), and overlap otherwise. A class (`[…]`, `.`) is taken to meet
    /// anything; an alternative that starts with what this does not read (a group, an anchor,
    /// a quantified atom) is left out, so the answer errs towards silence there, and the
    /// matching process bounds what it misses.
    public var overlappingAlternatives: Overlap? {
        guard repeatsAGroup else { return nil }
        let characters = Array(source)
        // Per open group: where it starts, each alternative's leading atoms and whether it was
        // read to its end, and whether the current alternative's run is still being read.
        var groups: [(start: Int, alternatives: [[FirstAtom]], whole: [Bool], reading: Bool)] = []
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
        /// The current alternative ends here: it is whole if it was read to here.
        func endAlternative() {
            guard let last = groups.indices.last else { return }
            groups[last].whole.append(groups[last].reading)
        }
        let ignoringCase = source.contains("(?i")
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
                groups.append((index, [[]], [], true))
                index = Self.bodyStart(characters, after: index)
                continue
            case "|":
                endAlternative()
                if let last = groups.indices.last {
                    groups[last].alternatives.append([])
                    groups[last].reading = true
                }
            case ")":
                endAlternative()
                guard let group = groups.popLast() else { break }
                if index + 1 < characters.count, Self.isUnbounded(characters, at: index + 1),
                    let kind = Self.overlap(group.alternatives, whole: group.whole, ignoringCase: ignoringCase)
                {
                    return Overlap(group: Self.repeatedGroup(characters, from: group.start, closedAt: index), kind: kind)
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

    /// How the alternatives of a repeated group overlap, or nil when they do not (see
    /// `overlappingAlternatives`). `whole[i]` says whether alternative i was read to its end.
    private static func overlap(_ alternatives: [[FirstAtom]], whole: [Bool], ignoringCase: Bool) -> Overlap.Kind? {
        let texts: [Int: String] = Dictionary(
            uniqueKeysWithValues: alternatives.indices.compactMap { index in
                guard index < whole.count, whole[index], !alternatives[index].isEmpty else { return nil }
                let characters = alternatives[index].map(\.plainCharacter)
                guard characters.allSatisfy({ $0 != nil }) else { return nil }
                let text = String(characters.compactMap { $0 })
                return (index, ignoringCase ? text.lowercased() : text)
            })
        if let (text, one, other) = Self.twoReadings(of: Array(texts.values)) {
            return .splits(text: text, one: one, other: other)
        }
        var found: Overlap.Kind? = nil
        for one in alternatives.indices where !alternatives[one].isEmpty {
            for other in alternatives.indices where other > one && !alternatives[other].isEmpty {
                // Two whole texts were judged exactly above.
                if texts[one] != nil, texts[other] != nil { continue }
                guard zip(alternatives[one], alternatives[other]).allSatisfy({ $0.meets($1) }) else { continue }
                let bothWhole = one < whole.count && whole[one] && other < whole.count && whole[other]
                if bothWhole, alternatives[one].count == alternatives[other].count { return .sameText }
                found = found ?? .beginAlike
            }
        }
        return found
    }

    /// A text that `texts` (the whole alternatives, in any order) can be read as in two ways,
    /// with the two ways; nil when every text made of them is read one way only (the
    /// Sardinas–Patterson test, following the dangling suffix between two readings). Two
    /// alternatives that are the same text give that text, read as either.
    private static func twoReadings(of texts: [String]) -> (String, [String], [String])? {
        let words = Array(Set(texts)).sorted()
        if words.count < texts.count, let twice = words.first(where: { word in texts.filter { $0 == word }.count > 1 }) {
            return (twice, [twice], [twice])
        }
        // A state: the reading ahead, the reading behind, and what the one behind still lacks.
        var queue: [(ahead: [String], behind: [String], dangling: Substring)] = []
        for one in words {
            for other in words where other != one && other.hasPrefix(one) {
                queue.append(([other], [one], other.dropFirst(one.count)))
            }
        }
        var seen = Set(queue.map { String($0.dangling) })
        var next = 0
        while next < queue.count, next < 4096 {
            let (ahead, behind, dangling) = queue[next]
            next += 1
            for word in words {
                if word == dangling { return (ahead.joined(), ahead, behind + [word]) }
                if dangling.hasPrefix(word) {
                    let rest = dangling.dropFirst(word.count)
                    if seen.insert(String(rest)).inserted { queue.append((ahead, behind + [word], rest)) }
                } else if word.hasPrefix(dangling) {
                    let rest = Substring(word.dropFirst(dangling.count))
                    if seen.insert(String(rest)).inserted { queue.append((behind + [word], ahead, rest)) }
                }
            }
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

        /// The one character the atom stands for, when it is plain text (`a`, or an escaped
        /// punctuation mark like `\.`); nil for a class or an escape such as `\d`.
        var plainCharacter: Character? {
            switch self {
            case .anything: return nil
            case .literal(let character): return character
            case .escaped(let code): return code.isLetter || code.isNumber ? nil : code
            }
        }

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
