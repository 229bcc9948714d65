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

    /// The names of the pattern's named groups, `(?<name>…)`, `(?P<name>…)` or `(?'name'…)`, in
    /// order; empty when it does not compile. Compiles the pattern: callers that hold the compiled
    /// expression use `groupNames(of:)`.
    public var groupNames: [String] {
        (try? compiled()).map(groupNames(of:)) ?? []
    }

    /// The names of the named groups of `regex`, this pattern compiled, that are valid variable
    /// names, in order.
    ///
    /// Swift's `Regex` answers whether it has a group of a given name but does not list them, so
    /// the text offers the candidates (whatever follows `(?<`, `(?P<` or `(?'`) and the compiled
    /// expression decides: a candidate that is escaped (`\(?<x>`), in a class (`[(?<x>]`), quoted
    /// (`\Q…\E`) or in a comment is no group of it.
    public func groupNames(of regex: Regex<AnyRegexOutput>) -> [String] {
        groupNames { regex.contains(captureNamed: $0) }
    }

    /// The candidates that `isGroup` says are groups, each once, in the order of their first
    /// writing: a name also written where it is no group (`[(?<b>](?<a>x)(?<b>y)`) comes at that
    /// first writing, so `b` before `a`.
    func groupNames(where isGroup: (String) -> Bool) -> [String] {
        var names: [String] = []
        for candidate in groupNameCandidates where !names.contains(candidate) && isGroup(candidate) {
            names.append(candidate)
        }
        return names
    }

    /// Every name written after `(?<`, `(?P<` or `(?'` up to its closing `>` or `'`, in order,
    /// that is a valid variable name. The delimiters are one byte each in UTF-8, so the text is
    /// searched by its bytes.
    private var groupNameCandidates: [String] {
        let bytes = source.utf8
        var names: [String] = []
        var rest = bytes[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "(")) {
            rest = bytes[bytes.index(after: open)...]
            guard rest.first == UInt8(ascii: "?") else { continue }
            var name = rest.dropFirst()
            let closer: UInt8
            if name.starts(with: "P<".utf8) {
                name = name.dropFirst(2)
                closer = UInt8(ascii: ">")
            } else if name.first == UInt8(ascii: "'") {
                name = name.dropFirst()
                closer = UInt8(ascii: "'")
            } else if name.first == UInt8(ascii: "<"), !name.starts(with: "<=".utf8), !name.starts(with: "<!".utf8) {
                name = name.dropFirst()
                closer = UInt8(ascii: ">")
            } else {
                continue
            }
            guard let close = name.firstIndex(of: closer) else { continue }
            let text = String(source[name.startIndex..<close])
            if Template.isVariableName(text) { names.append(text) }
        }
        return names
    }

    /// What compiling the pattern tells the validator.
    public struct Compilation: Sendable, Hashable {
        /// Why it does not compile (Swift's message), or nil when it does.
        public var problem: String?
        /// Its named groups (`groupNames`), empty when it does not compile.
        public var groupNames: [String]
        /// Its first repeated group that holds an unbounded quantifier (`nestedQuantifier`).
        public var nestedQuantifier: String?
        /// Its first repeated group whose alternatives overlap (`overlappingAlternatives`).
        public var overlappingAlternatives: Overlap? = nil
    }

    /// Compiles the pattern once and keeps what the validator needs of it. A pattern that keeps
    /// to the common part of the syntax (`SimpleSyntax`: literal text, `.`, `\d`, simple classes,
    /// groups, `|`, anchors, `*`, `+`, `?`) needs no parser to say so; any other goes to Swift's.
    public func compilation() -> Compilation {
        if let names = SimpleSyntax.groupNames(of: source) {
            // In the order `groupNames(of:)` gives them for the compiled expression (one name has no order).
            return Compilation(
                problem: nil, groupNames: names.count < 2 ? names : groupNames(where: names.contains), nestedQuantifier: nestedQuantifier,
                overlappingAlternatives: overlappingAlternatives)
        }
        return compilation(of: Result { try Regex(source) })
    }

    /// What the validator needs of `parsed`, the pattern as `Regex(source)` reads it, for a caller
    /// that uses the parsed expression for more (`Validator+Verdicts.swift`).
    func compilation(of parsed: Result<Regex<AnyRegexOutput>, any Error>) -> Compilation {
        switch parsed {
        case .success(let regex):
            Compilation(
                // A matching option changes no group, so the groups are read off the expression as parsed.
                problem: nil, groupNames: groupNames(of: regex), nestedQuantifier: nestedQuantifier,
                overlappingAlternatives: overlappingAlternatives)
        case .failure(let error): Compilation(problem: "\(error)", groupNames: [], nestedQuantifier: nestedQuantifier)
        }
    }

    /// The compiled expression, with `^` and `$` matching at line boundaries.
    public func compiled() throws -> Regex<AnyRegexOutput> {
        try Regex(source).anchorsMatchLineEndings()
    }

    public var description: String { source }
}
