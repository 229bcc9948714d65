/// A rough reading of shell text into simple commands, enough to spot state-changing programs.
///
/// It is not a shell parser: it errs on the side of seeing a command where the shell might not
/// (inside a quoted string, say), because the price of a false alarm is small.
enum ShellWords {
    struct SimpleCommand {
        var words: [String] = []
        var redirectTarget: String?
    }

    static func commands(in script: String) -> [SimpleCommand] {
        var commands: [SimpleCommand] = []
        var current = SimpleCommand()
        var word = ""
        var quote: Character?
        var pendingRedirect = false
        var chars = Array(script)
        chars.append("\n")
        var index = 0

        func endWord() {
            guard !word.isEmpty else { return }
            if pendingRedirect {
                if word != "/dev/null", !word.hasPrefix("&"), !word.hasPrefix("/dev/std"), !word.hasPrefix("/dev/fd/") {
                    current.redirectTarget = current.redirectTarget ?? word
                }
                pendingRedirect = false
            } else {
                current.words.append(word)
            }
            word = ""
        }
        func endCommand() {
            endWord()
            if !current.words.isEmpty || current.redirectTarget != nil { commands.append(current) }
            current = SimpleCommand()
        }

        while index < chars.count {
            let c = chars[index]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"" && c == "$" && index + 1 < chars.count && chars[index + 1] == "(" {
                    // A command substitution inside double quotes still runs a command.
                    endCommand()
                    index += 1
                    quote = nil
                } else {
                    word.append(c)
                }
                index += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
            case "\\":
                if index + 1 < chars.count { word.append(chars[index + 1]) }
                index += 1
            case "#" where word.isEmpty:
                while index < chars.count, chars[index] != "\n" { index += 1 }
                endCommand()
            case " ", "\t":
                endWord()
            case "\n", ";", "&", "|", "(", ")", "`", "{", "}":
                endCommand()
            case "$" where index + 1 < chars.count && chars[index + 1] == "(":
                endCommand()
                index += 1
            case ">":
                // `2>&1`, `>&2`: descriptor duplication, not a file.
                let fdPrefix = word.allSatisfy(\.isASCIIDigit)
                if fdPrefix { word = "" }
                endWord()
                if index + 1 < chars.count, chars[index + 1] == ">" { index += 1 }
                if index + 1 < chars.count, chars[index + 1] == "&" {
                    index += 1
                } else if index + 1 < chars.count, chars[index + 1] == "|" {
                    index += 1
                    pendingRedirect = true
                } else {
                    pendingRedirect = true
                }
            case "<":
                endWord()
            default:
                word.append(c)
            }
            index += 1
        }
        endCommand()
        return commands
    }
}
