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
/// A value type all the way down: the tree is built once by `YAMLParser` and only read after.
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
    enum Style: Sendable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    var string: String
    var style: Style
    var mark: YAMLMark
}

/// A block (`- a`) or flow (`[a, b]`) sequence.
struct YAMLSequence: Sendable, RandomAccessCollection {
    var items: [YAMLNode]
    var mark: YAMLMark

    var startIndex: Int { items.startIndex }
    var endIndex: Int { items.endIndex }
    subscript(position: Int) -> YAMLNode { items[position] }
}

/// A block (`a: 1`) or flow (`{a: 1}`) mapping, its pairs in file order. Keys are always
/// scalars and never repeat; the parser refuses anything else.
struct YAMLMapping: Sendable, RandomAccessCollection {
    typealias Element = (key: YAMLNode, value: YAMLNode)

    var pairs: [Element]
    var mark: YAMLMark

    var startIndex: Int { pairs.startIndex }
    var endIndex: Int { pairs.endIndex }
    subscript(position: Int) -> Element { pairs[position] }

    /// The value of the key written as `key`, whatever its quoting.
    subscript(key: String) -> YAMLNode? {
        for pair in pairs {
            if case .scalar(let scalar) = pair.key, scalar.string == key { return pair.value }
        }
        return nil
    }
}
