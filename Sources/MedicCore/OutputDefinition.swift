/// A value a runbook hands back to the runbook that called it (`outputs:`).
///
/// A called runbook otherwise returns only how it ended; its outputs are the named values its
/// caller may read after the `runbook` step, under the same names. The value is the callee's
/// variable of that name (an input, a capture, a count, a question's answer, or an output of a
/// runbook it called in turn) when its conclusion is reached; empty when no step set it.
public struct OutputDefinition: Sendable, Hashable {
    /// What an output may hold.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        /// Any text.
        case string
        /// A decimal integer (or empty, when nothing set it).
        case int
    }

    /// The name, in the callee and in the caller.
    public var name: String
    /// What it may hold.
    public var type: ValueType
    /// What it means, for readers of the runbook.
    public var description: String?
    /// Where it is declared.
    public var location: SourceLocation

    /// Creates an output.
    public init(name: String, type: ValueType = .string, description: String? = nil, location: SourceLocation) {
        self.name = name
        self.type = type
        self.description = description
        self.location = location
    }

    /// Why `value` cannot be returned as this output, or nil when it can.
    public func problem(with value: String) -> String? {
        switch type {
        case .string: return nil
        case .int: return value.isEmpty || Int(value) != nil ? nil : "'\(value.prefix(40))' is not a whole number"
        }
    }
}
