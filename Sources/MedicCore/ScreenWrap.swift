/// Fits lines to the terminal's width, so nothing is split mid-word by the terminal itself.
///
/// Prose breaks at spaces, and its continuation lines are indented two columns past the
/// line's own indent. A line with a gutter (`│ ` output, `┆ ` a script, `$ ` a command,
/// `→ ` a request) keeps its text column, and its continuation lines carry `↪` in the
/// gutter instead, so a continuation can never be read as part of what runs or what was
/// printed. A word longer than a whole line is cut where the line ends; its continuation is
/// glued to the `↪` (`↪rest`, no space), which says there was no space at the cut.
public enum ScreenWrap {
    /// The marks that open a line's text column; a wrapped line keeps that column.
    public static let gutters: Set<Character> = ["│", "┆", "$", "→"]
    /// The continuation mark, in the gutter.
    public static let continuation: Character = "↪"

    /// `text` (one line, no newline) as lines at most `width` columns wide.
    /// A tab is expanded to the spaces it would have taken (to the next multiple of 8), so its
    /// width is known.
    public static func lines(_ text: String, width: Int) -> [String] {
        let line = text.contains("\t") ? expandingTabs(text) : text
        guard width > 0, columns(line) > width else { return [line] }
        let indent = String(line.prefix { $0 == " " })
        let body = line.dropFirst(indent.count)
        if let mark = body.first, gutters.contains(mark), body.dropFirst().first == " " {
            let pieces = split(body.dropFirst(2), first: width - indent.count - 2, rest: width - indent.count - 2)
            return joinGutter(pieces, lead: indent + String(mark) + " ", continuation: indent)
        }
        let pieces = split(body, first: width - indent.count, rest: width - indent.count - 2)
        return pieces.enumerated().map { index, piece in
            index == 0 ? indent + piece.text : indent + "  " + piece.text
        }
    }

    /// A command's arguments (already quoted for the shell) after `lead` (`  $ `), broken only
    /// between arguments; an argument longer than a line is cut, glued to the mark.
    public static func command(_ arguments: [String], lead: String, width: Int) -> [String] {
        let joined = lead + arguments.joined(separator: " ")
        guard width > 0, columns(joined) > width else { return [joined] }
        let indent = String(lead.prefix { $0 == " " })
        let room = max(width - columns(lead), 1)
        var pieces: [Piece] = []
        var current: Piece?
        for argument in arguments {
            if var line = current, columns(line.text) + 1 + columns(argument) <= room {
                line.text += " " + argument
                current = line
                continue
            }
            if let line = current { pieces.append(line) }
            var cut = split(Substring(argument), first: room, rest: room)
            current = cut.removeLast()
            pieces += cut
        }
        if let line = current { pieces.append(line) }
        return joinGutter(pieces, lead: lead, continuation: indent)
    }

    /// Columns `text` takes on a terminal: wide (East Asian, emoji) characters take two,
    /// combining marks none.
    public static func columns(_ text: some StringProtocol) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += columns(of: scalar) }
        return total
    }

    /// `text` with each tab replaced by the spaces that reach the next tab stop.
    static func expandingTabs(_ text: String) -> String {
        var out = ""
        var column = 0
        for character in text {
            if character == "\t" {
                let spaces = 8 - column % 8
                out += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                out.append(character)
                column += columns(String(character))
            }
        }
        return out
    }

    // MARK: - Pieces

    struct Piece: Equatable {
        var text: String
        /// Whether this piece continues a word cut at the end of the piece before.
        var glued: Bool
    }

    private static func joinGutter(_ pieces: [Piece], lead: String, continuation indent: String) -> [String] {
        pieces.enumerated().map { index, piece in
            if index == 0 { return lead + piece.text }
            return indent + String(continuation) + (piece.glued ? "" : " ") + piece.text
        }
    }

    /// Breaks `text` into pieces: the first at most `first` columns, the others at most
    /// `rest`, at the last space that fits (the spaces at a break are dropped); a word with
    /// no space that fits is cut.
    static func split(_ text: Substring, first: Int, rest: Int) -> [Piece] {
        var pieces: [Piece] = []
        var remaining = text
        var glued = false
        while !remaining.isEmpty {
            let room = max(pieces.isEmpty ? first : rest, 1)
            if columns(remaining) <= room {
                pieces.append(Piece(text: String(remaining), glued: glued))
                break
            }
            var used = 0
            var end = remaining.startIndex
            var lastSpace: Substring.Index?
            var index = remaining.startIndex
            while index < remaining.endIndex {
                let character = remaining[index]
                let width = columns(String(character))
                if used + width > room { break }
                if character == " ", index > remaining.startIndex { lastSpace = index }
                used += width
                index = remaining.index(after: index)
                end = index
            }
            // A space just past the room is a clean break too.
            if index < remaining.endIndex, remaining[index] == " " { lastSpace = index }
            if let lastSpace, remaining[remaining.startIndex..<lastSpace].contains(where: { $0 != " " }) {
                var head = remaining[remaining.startIndex..<lastSpace]
                while head.last == " " { head = head.dropLast() }
                pieces.append(Piece(text: String(head), glued: glued))
                remaining = remaining[lastSpace...].drop { $0 == " " }
                glued = false
            } else {
                if end == remaining.startIndex { end = remaining.index(after: end) }
                pieces.append(Piece(text: String(remaining[..<end]), glued: glued))
                remaining = remaining[end...]
                glued = true
            }
        }
        return pieces
    }

    private static func columns(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark || value == 0x200B {
            return 0
        }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
