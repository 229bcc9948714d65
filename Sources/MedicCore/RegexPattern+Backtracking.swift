/// Spotting patterns whose matching time can explode.
///
/// Swift's regex engine backtracks: a group that holds an unbounded quantifier and is itself
/// repeated (`(a+)+`, `(a*)*`, `(\w+\s?)+`) tries exponentially many ways to split a line that
/// almost matches, so `^(a+)+$` on 37 `a`s and a `!` never ends.
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
                    let end = min(characters.count, index + 2)
                    return String(characters[group.start..<end])
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
}
