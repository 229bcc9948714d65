/// The storage of one composed YAML document: every node as a small record, the children of
/// collections as indices, and every scalar's text as a range of one byte buffer (the file's own
/// bytes, followed by the text of scalars that quoting, escapes or folding changed).
final class YAMLDocument: Sendable {
    /// One node: what it is and where it starts; for a scalar `text[start..<start + count]`,
    /// for a collection `children[start..<start + count]` (keys and values alternate in a
    /// mapping).
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
    }

    let text: [UInt8]
    let records: [Record]
    let children: [Int32]

    init(text: [UInt8], records: [Record], children: [Int32]) {
        self.text = text
        self.records = records
        self.children = children
    }

    /// The node stored at `index`.
    func node(_ index: Int32) -> YAMLNode {
        switch records[Int(index)].kind {
        case .scalar: .scalar(YAMLScalar(document: self, index: index))
        case .sequence: .sequence(YAMLSequence(document: self, index: index))
        case .mapping: .mapping(YAMLMapping(document: self, index: index))
        }
    }

    /// The text of the scalar at `index`.
    func string(of index: Int32) -> String {
        let record = records[Int(index)]
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(record.start)..<Int(record.start + record.count)]), as: UTF8.self)
        }
    }

    /// Whether the node at `index` is a scalar whose text is `string`.
    func scalar(_ index: Int32, is string: String) -> Bool {
        let record = records[Int(index)]
        guard record.kind == .scalar, Int(record.count) == string.utf8.count else { return false }
        return text[Int(record.start)..<Int(record.start + record.count)].elementsEqual(string.utf8)
    }
}
