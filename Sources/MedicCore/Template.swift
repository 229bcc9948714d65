/// A string with `${name}` placeholders, filled in from inputs and captures at run time.
///
/// A template is always filled into exactly one value: one argv element, one header, one URL.
/// No shell ever parses the result, so a value full of quotes or semicolons stays data.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a template.
    public enum Segment: Sendable, Hashable {
        /// Text used as written.
        case literal(String)
        /// The value of the named variable.
        case variable(String)
    }

    /// The text as written in the file.
    public var raw: String
    /// The pieces, in order.
    public var segments: [Segment]
    /// Where the template was written.
    public var location: SourceLocation

    /// Parses `raw`. `$${` stands for a literal `${`; an unclosed `${` is kept as text and
    /// reported by `unclosedPlaceholder`.
    public init(_ raw: String, at location: SourceLocation) {
        self.raw = raw
        self.location = location
        self.segments = Template.parse(raw)
    }

    /// The names of the variables the template uses.
    public var variables: [String] {
        segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Whether the text has a `${` that is never closed, which is almost always a typo.
    public var hasUnclosedPlaceholder: Bool {
        segments.contains { segment in
            guard case .literal(let text) = segment else { return false }
            var rest = text.utf8[...]
            while let dollar = rest.firstIndex(of: UInt8(ascii: "$")) {
                rest = rest[rest.index(after: dollar)...]
                if rest.first == UInt8(ascii: "{") { return !rest.contains(UInt8(ascii: "}")) }
            }
            return false
        }
    }

    /// The text with every variable replaced by `lookup(name)`.
    public func render(_ lookup: (String) -> String) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let text): result += text
            case .variable(let name): result += lookup(name)
            }
        }
        return result
    }

    public var description: String { raw }

    /// Splits `raw` at its placeholders. `$`, `{` and `}` are one byte each in UTF-8, so the
    /// text is searched by its bytes and cut only next to them, between Unicode scalars.
    private static func parse(_ raw: String) -> [Segment] {
        let (dollarByte, open, close) = (UInt8(ascii: "$"), UInt8(ascii: "{"), UInt8(ascii: "}"))
        // The bytes are searched through a span, offsets being plain integers; text is sliced by
        // the `String.Index` of an offset (next to an ASCII byte, so on a scalar boundary).
        let utf8 = raw.utf8
        let bytes = utf8.span
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        // Most text holds no placeholder: it is one literal, the string itself, not a copy.
        guard let first = Self.offset(of: dollarByte, in: bytes, from: 0) else { return raw.isEmpty ? [] : [.literal(raw)] }
        var segments: [Segment] = []
        // The literal text so far is `literal` and then the text from `start` to `position`: a `$`
        // that starts no placeholder stays where it is, and the text is copied only where a
        // segment ends.
        var literal = ""
        var start = 0
        var position = first
        while let dollar = Self.offset(of: dollarByte, in: bytes, from: position) {
            let after = dollar + 1
            if after + 1 < bytes.count, bytes[after] == dollarByte, bytes[after + 1] == open {
                literal += raw[index(start)..<index(dollar)]
                literal += "${"
                position = dollar + 3
                start = position
                continue
            }
            if after < bytes.count, bytes[after] == open, let end = Self.offset(of: close, in: bytes, from: after + 1) {
                let name = String(raw[index(after + 1)..<index(end)])
                if isVariableName(name) {
                    literal += raw[index(start)..<index(dollar)]
                    if !literal.isEmpty { segments.append(.literal(literal)) }
                    literal = ""
                    segments.append(.variable(name))
                    position = end + 1
                    start = position
                    continue
                }
            }
            position = after
        }
        literal += raw[index(start)...]
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }

    /// The offset of the first `byte` in `bytes` at or after `start`.
    private static func offset(of byte: UInt8, in bytes: Span<UInt8>, from start: Int) -> Int? {
        var offset = start
        while offset < bytes.count {
            if bytes[offset] == byte { return offset }
            offset += 1
        }
        return nil
    }

    /// Whether `name` is a valid input or capture name: a letter or `_`, then letters, digits, `_`.
    public static func isVariableName(_ name: String) -> Bool {
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}
