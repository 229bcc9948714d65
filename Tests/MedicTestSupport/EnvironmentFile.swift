import Foundation

extension TestSupport {
    /// The `KEY=value` lines of an env file that lab/up or lab/sshd wrote (`#` lines skipped).
    /// They quote a value only when it needs it, shell-style: '...' with '\'' inside.
    public static func readEnvironmentFile(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: #"'\''"#, with: "'")
            }
            values[String(line[..<equals])] = value
        }
        return values
    }
}
