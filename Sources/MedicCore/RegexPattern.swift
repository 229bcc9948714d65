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
        // This runs for every capture of every step, where searching by Character was a tenth of
        // validating a large runbook. In ASCII text every Character is one byte, so scanning
        // bytes finds exactly the same groups.
        guard source.utf8.allSatisfy({ $0 < 0x80 }) else { return groupNamesByCharacter }
        let bytes = Array(source.utf8)
        var names: [String] = []
        var index = 0
        func at(_ offset: Int, _ character: Unicode.Scalar) -> Bool {
            index + offset < bytes.count && bytes[index + offset] == UInt8(ascii: character)
        }
        while index + 1 < bytes.count {
            guard at(0, "("), at(1, "?") else {
                index += 1
                continue
            }
            index += 2
            if at(0, "P"), at(1, "<") {
                index += 2
            } else if at(0, "<"), !at(1, "="), !at(1, "!") {
                index += 1
            } else {
                continue
            }
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { continue }
            let name = String(decoding: bytes[index..<close], as: UTF8.self)
            if Template.isVariableName(name) { names.append(name) }
            index = close
        }
        return names
    }

    private var groupNamesByCharacter: [String] {
        var names: [String] = []
        var rest = Substring(source)
        while let open = rest.firstRange(of: "(?") {
            var after = rest[open.upperBound...]
            if after.hasPrefix("P<") {
                after = after.dropFirst(2)
            } else if after.hasPrefix("<"), !after.hasPrefix("<="), !after.hasPrefix("<!") {
                after = after.dropFirst()
            } else {
                rest = after
                continue
            }
            if let close = after.firstIndex(of: ">") {
                let name = String(after[..<close])
                if Template.isVariableName(name) { names.append(name) }
                rest = after[close...]
            } else {
                rest = after
            }
        }
        return names
    }

    /// The compiled expression, with `^` and `$` matching at line boundaries.
    public func compiled() throws -> Regex<AnyRegexOutput> {
        try Regex(source).anchorsMatchLineEndings()
    }

    public var description: String { source }
}
