/// Storing what the parser reads into the records of the document, and refusing a key given twice.
extension YAMLParser {
    mutating func store(_ span: ScalarSpan) -> Int32 {
        let start = span.written ? scanner.bytes.count + span.start : span.start
        records.append(
            .init(
                kind: .scalar, style: span.style, mark: span.mark, start: Int32(start), count: Int32(span.end - span.start),
                indent: Int32(span.indent)))
        return Int32(records.count - 1)
    }

    mutating func storeEmpty(at mark: YAMLMark) -> Int32 {
        store(ScalarSpan(start: 0, end: 0, style: .plain, mark: mark, written: false))
    }

    /// Stores a collection whose children are `pending[base...]`.
    mutating func storeCollection(_ kind: YAMLDocument.Record.Kind, mark: YAMLMark, base: Int) -> Int32 {
        let start = children.count
        children.append(contentsOf: pending[base...])
        records.append(.init(kind: kind, style: .plain, mark: mark, start: Int32(start), count: Int32(pending.count - base)))
        pending.removeSubrange(base...)
        return Int32(records.count - 1)
    }

    /// The text of the key stored at `index`.
    func keyText(_ index: Int32) -> String { String(decoding: keyBytes(index), as: UTF8.self) }

    func keyBytes(_ index: Int32) -> ArraySlice<UInt8> {
        let record = records[Int(index)]
        let start = Int(record.start)
        let end = start + Int(record.count)
        let source = scanner.bytes.count
        return start < source ? scanner.bytes[start..<end] : text[(start - source)..<(end - source)]
    }

    /// Refuses the key stored at `key` when the mapping whose children start at `pending[base]`
    /// already has it. Most mappings have a few keys, compared one by one where they wait in
    /// `pending`; `steps` may have thousands, which go into `seen` once there are 16.
    func refuseDuplicate(_ key: Int32, base: Int, seen: inout Set<String>?) throws(YAMLSyntaxError) {
        let keyCount = (pending.count - base) / 2
        var first: Int32?
        if seen == nil, keyCount < 16 {
            let name = keyBytes(key)
            first = (0..<keyCount).lazy.map { self.pending[base + 2 * $0] }.first { self.keyBytes($0).elementsEqual(name) }
        } else {
            if seen == nil { seen = Set((0..<keyCount).map { keyText(pending[base + 2 * $0]) }) }
            let name = keyText(key)
            if seen?.insert(name).inserted == false {
                first = (0..<keyCount).lazy.map { self.pending[base + 2 * $0] }.first { self.keyText($0) == name }
            }
        }
        guard let first else { return }
        let name = keyText(key)
        throw YAMLSyntaxError(
            message: "duplicate key '\(name)' in the same mapping", mark: records[Int(key)].mark,
            hint: "'\(name)' is already given at line \(records[Int(first)].mark.line)")
    }
}
