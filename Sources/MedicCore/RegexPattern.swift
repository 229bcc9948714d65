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
