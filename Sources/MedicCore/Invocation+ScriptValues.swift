/// The values a script will read, for the operator to see before approving it.
///
/// Scripts are never templated: inputs and captures reach them as environment variables. So
/// that "what will run" is whole, Medic lists the value of every variable of its own that the
/// script names, next to the script.
extension Invocation {
    /// Each variable Medic passes that the script reads (`$NAME`, `${NAME}`, `${NAME:-…}`), in
    /// order of first use, with its value masked where secret. A name the script assigns itself
    /// (`NAME=…`, `for NAME in`) is left out: its value there is not Medic's. Empty for other
    /// payloads.
    public var scriptValues: [(name: String, value: String)] {
        guard case .script(let script) = payload else { return [] }
        let masking = Masking(secrets: secrets)
        let (read, assigned) = Self.variableNames(in: script)
        return read.filter { !assigned.contains($0) }.compactMap { name in environment[name].map { (name, masking.apply($0)) } }
    }

    /// The names after `$` or `${` in `script`, outside single quotes and not escaped, each once
    /// in order; and the names the script assigns.
    static func variableNames(in script: String) -> (read: [String], assigned: Set<String>) {
        var names: [String] = []
        var seen: Set<String> = []
        var assigned: Set<String> = []
        var previousWord = ""
        let characters = Array(script)
        var index = 0
        var inSingleQuotes = false
        var inDoubleQuotes = false
        func isNameCharacter(_ c: Character, first: Bool) -> Bool {
            c == "_" || (c.isASCII && c.isLetter) || (!first && c.isASCII && c.isNumber)
        }
        while index < characters.count {
            let c = characters[index]
            if inSingleQuotes {
                if c == "'" { inSingleQuotes = false }
                index += 1
                continue
            }
            switch c {
            case "\\":
                index += 2
                continue
            case "'" where !inDoubleQuotes:
                inSingleQuotes = true
            case "\"":
                inDoubleQuotes.toggle()
            case "#" where !inDoubleQuotes && (index == 0 || " \t\n".contains(characters[index - 1])):
                while index < characters.count, characters[index] != "\n" { index += 1 }
                continue
            case "$":
                var start = index + 1
                if start < characters.count, characters[start] == "{" { start += 1 }
                var end = start
                while end < characters.count, isNameCharacter(characters[end], first: end == start) { end += 1 }
                if end > start {
                    let name = String(characters[start..<end])
                    if seen.insert(name).inserted { names.append(name) }
                    index = end
                    continue
                }
            default:
                let boundary = !inDoubleQuotes && (index == 0 || " \t\n;&|(".contains(characters[index - 1]))
                if boundary, isNameCharacter(c, first: true) {
                    var end = index
                    while end < characters.count, isNameCharacter(characters[end], first: end == index) { end += 1 }
                    let word = String(characters[index..<end])
                    if (end < characters.count && characters[end] == "=") || previousWord == "for" { assigned.insert(word) }
                    previousWord = word
                    index = end
                    continue
                }
            }
            index += 1
        }
        return (names, assigned)
    }
}
