/// Input values as the operator gives them: `NAME=VALUE` on the command line, lines of a
/// `--var-file`, `MEDIC_VAR_<name>` in the environment.
public enum InputAssignments {
    /// Splits `NAME=VALUE` at the first `=`; nil when there is none or the name is empty.
    public static func parse(_ text: String) -> (name: String, value: String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// The assignments of a var file: `NAME=VALUE` lines; blank lines and `#` comments are
    /// skipped; a value may be wrapped in single or double quotes, which are removed (no escapes,
    /// no expansion). Problems are reported with their line numbers.
    public static func parseFile(_ text: String) -> (values: [(name: String, value: String, line: Int)], problems: [String]) {
        var values: [(String, String, Int)] = []
        var problems: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = String(line).trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let body = trimmed.hasPrefix("export ") ? String(trimmed.dropFirst(7)).trimmingSpaces() : trimmed
            guard let (name, rawValue) = parse(body) else {
                problems.append("line \(index + 1): expected NAME=VALUE")
                continue
            }
            var value = rawValue.trimmingSpaces()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values.append((name.trimmingSpaces(), value, index + 1))
        }
        return (values, problems)
    }

    /// What begins the name of an environment variable that gives an input (`MEDIC_VAR_<name>`).
    /// Medic reads them once and removes them from its own environment, and no child inherits
    /// one: they may hold secrets.
    public static let environmentPrefix = "MEDIC_VAR_"

    /// The values given as `MEDIC_VAR_<name>` in `environment`.
    public static func fromEnvironment(_ environment: [String: String]) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix(environmentPrefix) && key.count > environmentPrefix.count {
            values[String(key.dropFirst(environmentPrefix.count))] = value
        }
        return values
    }
}
