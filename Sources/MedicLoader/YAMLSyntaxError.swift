/// Why text could not be read as Medic's YAML, and where: the first problem found.
struct YAMLSyntaxError: Error, Sendable, Equatable {
    /// The whole message, as the diagnostic shows it.
    var message: String
    /// Where the problem is.
    var mark: YAMLMark
    /// What to do about it, when the reader can tell.
    var hint: String?

    /// A problem with the YAML itself: the message gets the `invalid YAML:` prefix every
    /// syntax error shares.
    static func invalid(_ problem: String, at mark: YAMLMark, hint: String? = nil) -> YAMLSyntaxError {
        YAMLSyntaxError(message: "invalid YAML: \(problem)", mark: mark, hint: hint)
    }

    /// A tab in the indentation of a line with content.
    static func tabIndentation(at mark: YAMLMark) -> YAMLSyntaxError {
        .invalid("this line is indented with a tab; YAML indents with spaces only", at: mark, hint: "replace the tab with spaces")
    }

    /// Valid YAML that Medic refuses on purpose (anchors, aliases, tags).
    static func refused(_ message: String, at mark: YAMLMark, hint: String) -> YAMLSyntaxError {
        YAMLSyntaxError(message: message, mark: mark, hint: hint)
    }
}
