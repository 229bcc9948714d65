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

        /// Creates a piece.
        public init(location: SourceLocation, lines: Int, isBlock: Bool, indent: Int = 0) {
            self.location = location
            self.lines = lines
            self.isBlock = isBlock
            self.indent = indent
        }
    }

    /// Where the step's (or discovery's) own script is written.
    public var own: SourceLocation
    /// The indentation of its lines when it is a literal block scalar (`|`), 0 when not known.
    public var indent: Int
    /// The snippets before it, in the order of the text.
    public var snippets: [Piece]

    /// The location of a script written at `own` (its lines indented by `indent` when it is a
    /// literal block scalar), with `snippets` before it.
    public init(_ own: SourceLocation, indent: Int = 0, snippets: [Piece] = []) {
        self.own = own
        self.indent = indent
        self.snippets = snippets
    }

    /// Where the `offset`th Unicode scalar of `text` (the whole script, snippets first; the
    /// shell parser counts scalars) is written.
    /// A literal block scalar's lines are pointed at past the indentation taken off them (from
    /// column 1 when it is not known: a folded scalar's lines are joined); a plain scalar's first
    /// line from the scalar's column.
    public func location(of offset: Int, in text: String) -> SourceLocation {
        let before = text.unicodeScalars.prefix(offset)
        var line = before.filter { $0 == "\n" }.count
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0)
        for piece in snippets {
            if line < piece.lines { return Self.point(at: piece.location, line: line, column: column, block: piece.isBlock, indent: piece.indent) }
            line -= piece.lines
        }
        return Self.point(at: own, line: line, column: column, block: text.hasSuffix("\n") || indent > 0, indent: indent)
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
