/// Where the lines of a script are written: the script itself and, when `uses` put shell
/// snippets before it, each of those snippets, so that a problem found in the whole text is
/// pointed at the line that holds it.
public struct ScriptLocation: Sendable, Hashable {
    /// A snippet's text at the head of the script.
    public struct Piece: Sendable, Hashable {
        /// Where the snippet's text is written.
        public var location: SourceLocation
        /// How many lines it takes in the script (its text always ends with a line feed there).
        public var lines: Int
        /// Whether it is written as a block scalar (`|`), whose first line is the line after the
        /// indicator.
        public var isBlock: Bool
        /// The indentation of a literal block scalar's lines (`|`), 0 when not known.
        public var indent: Int
        /// How to find where each character of its text is written when quoting, escapes or
        /// folding made the text differ from what is written; nil when it does not.
        public var written: Written?

        /// Creates a piece.
        public init(location: SourceLocation, lines: Int, isBlock: Bool, indent: Int = 0, written: Written? = nil) {
            self.location = location
            self.lines = lines
            self.isBlock = isBlock
            self.indent = indent
            self.written = written
        }
    }

    /// A scalar whose text differs from what is written for it (quoted, escaped, folded), and
    /// what can map its characters back to the file. The map is asked only when a diagnostic
    /// is made, so that a runbook without problems costs nothing for it.
    public struct Written: Sendable, Hashable {
        /// What read the file.
        public let map: any ScalarSourceMap
        /// The scalar, as `map` numbers it.
        public let scalar: Int

        /// The scalar numbered `scalar` by `map`.
        public init(map: any ScalarSourceMap, scalar: Int) {
            self.map = map
            self.scalar = scalar
        }

        public static func == (lhs: Written, rhs: Written) -> Bool { lhs.map === rhs.map && lhs.scalar == rhs.scalar }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(ObjectIdentifier(map))
            hasher.combine(scalar)
        }
    }

    /// Where the step's (or discovery's) own script is written.
    public var own: SourceLocation
    /// The indentation of its lines when it is a literal block scalar (`|`), 0 when not known.
    public var indent: Int
    /// How to find where each character of its text is written when quoting, escapes or
    /// folding made the text differ from what is written; nil when it does not.
    public var written: Written?
    /// The snippets before it, in the order of the text.
    public var snippets: [Piece]

    /// The location of a script written at `own` (its lines indented by `indent` when it is a
    /// literal block scalar, its characters found through `written` when quoting, escapes or
    /// folding changed them), with `snippets` before it.
    public init(_ own: SourceLocation, indent: Int = 0, written: Written? = nil, snippets: [Piece] = []) {
        self.own = own
        self.indent = indent
        self.written = written
        self.snippets = snippets
    }

    /// This location with `pieces` before its snippets, as `uses` puts their text before the script's.
    public func after(_ pieces: [Piece]) -> ScriptLocation {
        var out = self
        out.snippets = pieces + snippets
        return out
    }

    /// Where the `offset`th Unicode scalar of `text` (the whole script, snippets first; the
    /// shell parser counts scalars) is written.
    /// A quoted or folded scalar's characters are found through `written`; a literal block
    /// scalar's lines are pointed at past the indentation taken off them; a plain scalar's first
    /// line from the scalar's column.
    public func location(of offset: Int, in text: String) -> SourceLocation {
        let before = text.unicodeScalars.prefix(offset)
        var line = before.filter { $0 == "\n" }.count
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0)
        var linesBefore = 0
        for piece in snippets {
            if line < piece.lines {
                return Self.find(offset, in: text, from: linesBefore, through: piece.written, at: piece.location)
                    ?? Self.point(at: piece.location, line: line, column: column, block: piece.isBlock, indent: piece.indent)
            }
            line -= piece.lines
            linesBefore += piece.lines
        }
        return Self.find(offset, in: text, from: linesBefore, through: written, at: own)
            ?? Self.point(at: own, line: line, column: column, block: text.hasSuffix("\n") || indent > 0, indent: indent)
    }

    /// Where `written`'s map says the `offset`th scalar of `text` is written, the scalar's own
    /// text starting at line `firstLine` (from 0) of `text`; nil without a map, or when it cannot tell.
    private static func find(_ offset: Int, in text: String, from firstLine: Int, through written: Written?, at start: SourceLocation)
        -> SourceLocation?
    {
        guard let written else { return nil }
        var lines = 0
        var pieceStart = 0
        if firstLine > 0 {
            for scalar in text.unicodeScalars {
                pieceStart += 1
                if scalar == "\n" {
                    lines += 1
                    if lines == firstLine { break }
                }
            }
        }
        guard let place = written.map.position(ofScalar: offset - pieceStart, inValueOf: written.scalar) else { return nil }
        return SourceLocation(file: start.file, line: place.line, column: place.column)
    }

    /// Line `line` (from 0) and column `column` (from 0) of a scalar written at `start`, a block
    /// scalar's lines indented by `indent` (0 when not known).
    private static func point(at start: SourceLocation, line: Int, column: Int, block: Bool, indent: Int) -> SourceLocation {
        var out = start
        out.line += line + (block ? 1 : 0)
        if !block, line == 0 {
            out.column += column
        } else if block, indent > 0 {
            out.column = indent + column + 1
        } else {
            out.column = 1
        }
        return out
    }
}

/// What read a file of scalars, asked where a character of a scalar's text is written when
/// quoting, escapes or folding made the text differ from what is written (`ScriptLocation`).
/// It answers only when a diagnostic needs it.
public protocol ScalarSourceMap: AnyObject, Sendable {
    /// The line and column (from 1, the column in Unicode scalars) of what produced the
    /// `offset`th Unicode scalar of the text of the scalar numbered `scalar` (its end when
    /// `offset` is the text's length); nil when it cannot tell.
    func position(ofScalar offset: Int, inValueOf scalar: Int) -> (line: Int, column: Int)?
}
