/// A regular expression as written in a runbook, with where it was written.
///
/// Compilation is separate (`compiled()`) so the model stays a plain value and the validator can
/// report a pattern that does not compile at its own line and column.
public struct RegexPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern text.
    public var source: String
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a pattern.
    public init(_ source: String, at location: SourceLocation) {
        self.source = source
        self.location = location
    }

    /// The names of the pattern's named groups, `(?<name>…)` or `(?P<name>…)`, in order.
    public var groupNames: [String] {
        // The delimiters are one byte each in UTF-8, so the text is searched by its bytes.
        let bytes = source.utf8
        var names: [String] = []
        var rest = bytes[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "(")) {
            rest = bytes[bytes.index(after: open)...]
            guard rest.first == UInt8(ascii: "?") else { continue }
            var name = rest.dropFirst()
            if name.starts(with: "P<".utf8) {
                name = name.dropFirst(2)
            } else if name.first == UInt8(ascii: "<"), !name.starts(with: "<=".utf8), !name.starts(with: "<!".utf8) {
                name = name.dropFirst()
            } else {
                continue
            }
            guard let close = name.firstIndex(of: UInt8(ascii: ">")) else { continue }
            let text = String(source[name.startIndex..<close])
            if Template.isVariableName(text) { names.append(text) }
            rest = bytes[close...]
        }
        return names
    }

    /// The compiled expression, with `^` and `$` matching at line boundaries.
    public func compiled() throws -> Regex<AnyRegexOutput> {
        try Regex(source).anchorsMatchLineEndings()
    }

    public var description: String { source }
}
