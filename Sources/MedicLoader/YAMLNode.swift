/// A position in YAML text, 1-based, with the column in Unicode scalars as `SourceLocation` counts.
struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    // Two 32-bit halves keep every node small; no runbook has two billion lines.
    private let storedLine: Int32
    private let storedColumn: Int32

    init(line: Int, column: Int) {
        storedLine = Int32(truncatingIfNeeded: line)
        storedColumn = Int32(truncatingIfNeeded: column)
    }

    var line: Int { Int(storedLine) }
    var column: Int { Int(storedColumn) }
    var description: String { "\(line):\(column)" }
}

/// One value of a composed YAML document, with where it starts.
///
/// Nodes are views into their `YAMLDocument`, which each keeps alive: building and dropping a
/// tree costs a few large allocations instead of one or more per node.
enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence(YAMLSequence)
    case mapping(YAMLMapping)

    /// Where the node starts: its first character, a sequence's first `-` or `[`, a block
    /// mapping's first key; for an empty value, just after the `:` or `-` that announced it.
    var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(let sequence): sequence.mark
        case .mapping(let mapping): mapping.mark
        }
    }
}

/// A scalar's text, after quoting, escapes, folding and chomping, and how it was written.
struct YAMLScalar: Sendable {
    /// How a scalar was written; decoders tell `null` from `"null"` by it.
    enum Style: UInt8, Sendable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    let document: YAMLDocument
    let index: Int32

    var string: String { document.string(of: index) }
    var style: Style { document.records[Int(index)].style }
    var mark: YAMLMark { document.records[Int(index)].mark }
    /// A literal block scalar's indentation (`|`: the spaces taken off each line); 0 otherwise.
    var blockIndent: Int { style == .literal ? Int(document.records[Int(index)].indent) : 0 }
}

/// A block (`- a`) or flow (`[a, b]`) sequence.
struct YAMLSequence: Sendable, RandomAccessCollection {
    let document: YAMLDocument
    let index: Int32

    var mark: YAMLMark { document.records[Int(index)].mark }
    var startIndex: Int { 0 }
    var endIndex: Int { Int(document.records[Int(index)].count) }
    subscript(position: Int) -> YAMLNode {
        document.node(document.children[Int(document.records[Int(index)].start) + position])
    }
}

/// A block (`a: 1`) or flow (`{a: 1}`) mapping, its pairs in file order. Keys are always
/// scalars and never repeat; the parser refuses anything else.
struct YAMLMapping: Sendable, RandomAccessCollection {
    typealias Element = (key: YAMLNode, value: YAMLNode)

    let document: YAMLDocument
    let index: Int32

    var mark: YAMLMark { document.records[Int(index)].mark }
    var startIndex: Int { 0 }
    var endIndex: Int { Int(document.records[Int(index)].count) / 2 }
    subscript(position: Int) -> Element {
        let first = Int(document.records[Int(index)].start) + 2 * position
        return (document.node(document.children[first]), document.node(document.children[first + 1]))
    }

    /// The value of the key written as `key`, whatever its quoting.
    subscript(key: String) -> YAMLNode? {
        let start = Int(document.records[Int(index)].start)
        for position in 0..<count where document.scalar(document.children[start + 2 * position], is: key) {
            return document.node(document.children[start + 2 * position + 1])
        }
        return nil
    }
}
