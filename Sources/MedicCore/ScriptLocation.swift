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

        /// Creates a piece.
        public init(location: SourceLocation, lines: Int, isBlock: Bool) {
            self.location = location
            self.lines = lines
            self.isBlock = isBlock
        }
    }

    /// Where the step's (or discovery's) own script is written.
    public var own: SourceLocation
    /// The snippets before it, in the order of the text.
    public var snippets: [Piece]

    /// The location of a script written at `own`, with `snippets` before it.
    public init(_ own: SourceLocation, snippets: [Piece] = []) {
        self.own = own
        self.snippets = snippets
    }

    /// Where the `offset`th Unicode scalar of `text` (the whole script, snippets first; the
    /// shell parser counts scalars) is written.
    /// A block scalar's lines are pointed at from column 1, since its indentation is not kept
    /// with the text; a plain scalar's first line from the scalar's column.
    public func location(of offset: Int, in text: String) -> SourceLocation {
        let before = text.unicodeScalars.prefix(offset)
        var line = before.filter { $0 == "\n" }.count
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0)
        for piece in snippets {
            if line < piece.lines { return Self.point(at: piece.location, line: line, column: column, block: piece.isBlock) }
            line -= piece.lines
        }
        return Self.point(at: own, line: line, column: column, block: text.hasSuffix("\n"))
    }

    /// Line `line` (from 0) and column `column` (from 0) of a scalar written at `start`.
    private static func point(at start: SourceLocation, line: Int, column: Int, block: Bool) -> SourceLocation {
        var out = start
        out.line += line + (block ? 1 : 0)
        if !block, line == 0 {
            out.column += column
        } else {
            out.column = 1
        }
        return out
    }
}
