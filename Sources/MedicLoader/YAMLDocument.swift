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

    /// The document's root node, valid while this document is kept.
    var root: YAMLNode { node(rootIndex) }

    /// How nodes refer to their document: without keeping it alive, and without counting
    /// references each time a node is made, copied or read. The document must be kept by
    /// whoever reads its nodes (`NodeReader` while decoding).
    struct Reference: @unchecked Sendable {
        let unmanaged: Unmanaged<YAMLDocument>

        func use<Result>(_ body: (YAMLDocument) -> Result) -> Result {
            unmanaged._withUnsafeGuaranteedRef(body)
        }
    }

    /// The node stored at `index`.
    func node(_ index: Int32) -> YAMLNode {
        let reference = Reference(unmanaged: Unmanaged.passUnretained(self))
        switch records[Int(index)].kind {
        case .scalar: return .scalar(YAMLScalar(document: reference, index: index))
        case .sequence: return .sequence(YAMLSequence(document: reference, index: index))
        case .mapping: return .mapping(YAMLMapping(document: reference, index: index))
        }
    }

    /// Calls `body` with the bytes of the scalar at `index`.
    private func withText<Result>(of index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let record = records[Int(index)]
        var start = Int(record.start)
        let bytes = start < source.count ? source : written
        if start >= source.count { start -= source.count }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + Int(record.count)])) }
    }

    /// The text of the scalar at `index`.
    func string(of index: Int32) -> String {
        withText(of: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the node at `index` is a scalar whose text is `string`.
    func scalar(_ index: Int32, is string: String) -> Bool {
        let record = records[Int(index)]
        guard record.kind == .scalar, Int(record.count) == string.utf8.count else { return false }
        return withText(of: index) { $0.elementsEqual(string.utf8) }
    }
}
