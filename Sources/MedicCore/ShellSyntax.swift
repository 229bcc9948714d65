/// The syntax tree of a POSIX shell script (XCU 2.10), read by `ShellParser`.
///
/// Medic reads a check's script to prove it read-only, so the tree keeps everything that can run
/// or write: every simple command, every redirection, and every expansion inside every word,
/// including the commands nested in `$(…)`, backquotes, `${x:-…}` and here-documents.

/// A list: and-or lists separated by `;`, `&` or newlines.
public struct ShellList: Sendable {
    public var items: [ShellAndOr] = []
}

/// Pipelines joined by `&&` and `||`.
public struct ShellAndOr: Sendable {
    public var pipelines: [ShellPipeline] = []
    /// `&&` or `||` between consecutive pipelines.
    public var operators: [String] = []
    /// Whether the list ends with `&` (runs in the background).
    public var background = false
}

/// Commands joined by `|`, optionally negated with `!`.
public struct ShellPipeline: Sendable {
    public var negated = false
    public var commands: [ShellCommand] = []
}

/// One command of a pipeline.
public indirect enum ShellCommand: Sendable {
    case simple(ShellSimpleCommand)
    /// `( list )`.
    case subshell(ShellList, [ShellRedirection])
    /// `{ list; }`.
    case group(ShellList, [ShellRedirection])
    /// `if … then … elif … then … else … fi`: each condition with its body, then the else part.
    case ifClause([(condition: ShellList, body: ShellList)], otherwise: ShellList?, [ShellRedirection])
    /// `while`/`until` loops.
    case loop(until: Bool, condition: ShellList, body: ShellList, [ShellRedirection])
    /// `for name in words; do …; done` (`words` nil without `in`).
    case forLoop(name: String, words: [ShellWord]?, body: ShellList, [ShellRedirection])
    /// `case word in pattern) … ;; esac`.
    case caseClause(ShellWord, [(patterns: [ShellWord], body: ShellList)], [ShellRedirection])
    /// `name() compound-command`.
    case function(name: String, body: ShellCommand, offset: Int)
}

/// Assignments, words and redirections of one simple command.
public struct ShellSimpleCommand: Sendable {
    public var assignments: [ShellAssignment] = []
    public var words: [ShellWord] = []
    public var redirections: [ShellRedirection] = []
    /// Where the command starts in the script (a character offset).
    public var offset: Int
}

/// `name=value`.
public struct ShellAssignment: Sendable {
    public var name: String
    public var value: ShellWord
}

/// A redirection: `[n]op target`, or a here-document with its body.
public struct ShellRedirection: Sendable {
    /// `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `<<`, `<<-`.
    public var op: String
    public var descriptor: Int?
    public var target: ShellWord
    /// For `<<` and `<<-`, the index of the body in `ShellScript.hereDocuments`.
    public var hereDocument: Int?
    public var offset: Int

    /// Whether this redirection opens something for writing.
    public var writes: Bool { [">", ">>", ">|", "<>"].contains(op) }
}

/// A word with its quoting and expansions.
public struct ShellWord: Sendable {
    public var parts: [ShellWordPart]
    /// Where the word starts in the script (a character offset).
    public var offset: Int
    /// The word as written.
    public var source: String

    /// The word's value when it has no expansion of any kind (quotes removed), else nil.
    /// Unquoted `*`, `?`, `[` and a leading `~` count as expansions.
    public var literal: String? {
        var out = ""
        for (index, part) in parts.enumerated() {
            switch part {
            case .literal(let text):
                if Self.hasPattern(text) || (index == 0 && text.hasPrefix("~")) { return nil }
                out += text
            case .quoted(let text): out += text
            case .doubleQuoted(let inner):
                guard let text = ShellWord(parts: inner, offset: offset, source: "").quotedLiteral else { return nil }
                out += text
            default: return nil
            }
        }
        return out
    }

    private var quotedLiteral: String? {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text), .quoted(let text): out += text
            default: return nil
            }
        }
        return out
    }

    /// The literal characters the word starts with, before its first expansion (quotes removed).
    public var literalPrefix: String { Self.prefix(of: parts).text }

    private static func prefix(of parts: [ShellWordPart]) -> (text: String, complete: Bool) {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text):
                if hasPattern(text), let stop = text.firstIndex(where: { "*?[".contains($0) }) { return (out + text[..<stop], false) }
                out += text
            case .quoted(let text): out += text
            case .doubleQuoted(let inner):
                let (text, complete) = prefix(of: inner)
                out += text
                if !complete { return (out, false) }
            default: return (out, false)
            }
        }
        return (out, true)
    }

    /// Whether unquoted text holds a pathname pattern: `*`, `?`, or a `[` closed later by `]`.
    static func hasPattern(_ text: String) -> Bool {
        // Most text holds none of the three: its bytes rule that out without reading characters
        // (no other character is equal to any of them).
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }) else { return false }
        if text.contains("*") || text.contains("?") { return true }
        guard let open = text.firstIndex(of: "[") else { return false }
        return text[text.index(after: open)...].contains("]")
    }

    /// Whether field splitting cannot cut the word in several: no unquoted expansion in it.
    public var isSingleField: Bool {
        parts.allSatisfy {
            switch $0 {
            case .literal, .quoted, .doubleQuoted: true
            default: false
            }
        }
    }

    /// Every expansion in the word, nested ones included, in order.
    public var expansions: [ShellWordPart] {
        var out: [ShellWordPart] = []
        func visit(_ parts: [ShellWordPart]) {
            for part in parts {
                switch part {
                case .literal, .quoted: break
                case .doubleQuoted(let inner): visit(inner)
                case .parameter(_, _, let word):
                    out.append(part)
                    if let word { visit(word.parts) }
                case .arithmetic(let inner, _):
                    out.append(part)
                    visit(inner)
                case .command: out.append(part)
                }
            }
        }
        visit(parts)
        return out
    }
}

/// A piece of a word.
public indirect enum ShellWordPart: Sendable {
    /// Unquoted text (backslash escapes already removed).
    case literal(String)
    /// Text in single quotes, or an escaped character: no expansion.
    case quoted(String)
    /// `"…"`.
    case doubleQuoted([ShellWordPart])
    /// `$name`, `${name}`, `${name op word}`: the name, the operator (`:-`, `=`, `#`, …) and its word.
    case parameter(name: String, operator: String?, word: ShellWord?)
    /// `$(…)` or backquotes.
    case command(ShellList)
    /// `$((…))`, and where its `$` is in the script (a character offset), for a diagnostic.
    case arithmetic([ShellWordPart], offset: Int)
}

/// Why a script could not be read, and where.
/// A parsed script: its commands and the bodies of its here-documents, in order.
public struct ShellScript: Sendable {
    public var list: ShellList
    public var hereDocuments: [ShellWord]
}

/// Why a script could not be read, and where.
public struct ShellSyntaxError: Error, Sendable, Equatable {
    public var message: String
    /// A character offset into the script.
    public var offset: Int
}
