/// The storage of one composed YAML document: every node as a small record, the children of
/// collections as indices, and every scalar's text as a range of the file's own bytes or, for
/// scalars that quoting, escapes or folding changed, of the text written for them.
final class YAMLDocument: Sendable {
    /// One node: what it is and where it starts; for a scalar, the range `start..<start + count`
    /// of the file's bytes followed by the written text; for a collection,
    /// `children[start..<start + count]` (keys and values alternate in a mapping).
    struct Record: Sendable {
        enum Kind: UInt8, Sendable {
            case scalar
            case sequence
            case mapping
        }

        var kind: Kind
        var style: YAMLScalar.Style
        var mark: YAMLMark
        var start: Int32
        var count: Int32
        /// A block scalar's indentation (the spaces taken off each line of its text); 0 for
        /// anything else.
        var indent: Int32 = 0
    }

    let source: [UInt8]
    let written: [UInt8]
    let records: [Record]
    let children: [Int32]
    let rootIndex: Int32

    init(source: [UInt8], written: [UInt8], records: [Record], children: [Int32], root: Int32) {
        self.source = source
        self.written = written
        self.records = records
        self.children = children
        self.rootIndex = root
    }

    /// The document's root node.
    var root: YAMLNode { node(rootIndex) }

    /// The node stored at `index`.
    func node(_ index: Int32) -> YAMLNode {
        switch records[Int(index)].kind {
        case .scalar: return .scalar(YAMLScalar(document: self, index: index))
        case .sequence: return .sequence(YAMLSequence(document: self, index: index))
        case .mapping: return .mapping(YAMLMapping(document: self, index: index))
        }
    }

    /// The bytes of the scalar at `index`: a range of the file's bytes, or of the written text.
    func text(of index: Int32) -> ArraySlice<UInt8> {
        let record = records[Int(index)]
        let start = Int(record.start)
        let end = start + Int(record.count)
        return start < source.count ? source[start..<end] : written[(start - source.count)..<(end - source.count)]
    }

    /// The text of the scalar at `index`.
    func string(of index: Int32) -> String {
        String(decoding: text(of: index), as: UTF8.self)
    }

    /// Whether the node at `index` is a scalar whose text is `string`.
    func scalar(_ index: Int32, is string: String) -> Bool {
        let record = records[Int(index)]
        guard record.kind == .scalar, Int(record.count) == string.utf8.count else { return false }
        return text(of: index).elementsEqual(string.utf8)
    }
}
