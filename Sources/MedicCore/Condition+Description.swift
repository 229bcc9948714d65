extension Condition: CustomStringConvertible {
    /// A short human reading of the condition, for `show`, graphs and the walk's explanations.
    public var description: String {
        switch self {
        case .succeeded(let yes): yes ? "succeeded" : "failed"
        case .exitStatus(let codes): codes.count == 1 ? "exit status \(codes[0])" : "exit status in \(list(codes))"
        case .timedOut(let yes): yes ? "timed out" : "did not time out"
        case .outputMatches(let p): "output matches /\(p.source)/"
        case .outputDoesNotMatch(let p): "output does not match /\(p.source)/"
        case .httpStatus(let codes): codes.count == 1 ? "HTTP \(codes[0])" : "HTTP \(list(codes))"
        case .header(let name, let c): "header \(name) \(c)"
        case .json(let path, let c): "JSON \(path) \(c)"
        case .variable(let name, let c): "\(name) \(c)"
        case .outcome(let outcome): "ended \(outcome.rawValue)"
        case .cause(let cause): "cause \(cause)"
        case .all(let parts): parts.map(\.description).joined(separator: " and ")
        case .any(let parts): "(" + parts.map(\.description).joined(separator: " or ") + ")"
        case .not(let inner): "not (\(inner))"
        case .unreachable(let yes): yes ? "unreachable" : "reachable"
        case .anyHost(let inner): "on any host: \(inner)"
        case .allHosts(let inner): "on every host: \(inner)"
        case .noHost(let inner): "on no host: \(inner)"
        case .countHosts(let inner, let c): "hosts where \(inner) \(c)"
        }
    }

    private func list(_ codes: [Int]) -> String { codes.map(String.init).joined(separator: "/") }
}

extension Comparison: CustomStringConvertible {
    public var description: String {
        switch self {
        case .equals(let v): "= \(v)"
        case .notEquals(let v): "≠ \(v)"
        case .matches(let p): "matches /\(p.source)/"
        case .notMatches(let p): "does not match /\(p.source)/"
        case .above(let n): "> \(Comparison.format(n))"
        case .below(let n): "< \(Comparison.format(n))"
        case .atLeast(let n): "≥ \(Comparison.format(n))"
        case .atMost(let n): "≤ \(Comparison.format(n))"
        case .exists(let yes): yes ? "is present" : "is absent"
        }
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension Execution {
    /// What the step runs, in one or more lines, with templates as written.
    public var summary: String {
        switch self {
        case .command(let argv): argv.map { ShellQuoting.quote($0.raw) }.joined(separator: " ")
        case .script(let text, _): text.hasSuffix("\n") ? String(text.dropLast()) : text
        case .http(let spec): "\(spec.method) \(spec.url.raw)\(spec.fromTarget ? " from the target host" : "")"
        case .tcp(let spec): "tcp connect \(spec.host.raw):\(spec.port.raw)\(spec.fromTarget ? " from the target host" : "")"
        case .log(let spec): "log \(spec.file.raw) since \(spec.since.raw)"
        }
    }
}

/// Quoting words for display the way a shell user would type them.
public enum ShellQuoting {
    /// `word` as a POSIX shell word: bare when safe, single-quoted otherwise.
    public static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-_./:=@%+,${}".unicodeScalars.contains(c)
        }
        if safe, !word.isEmpty { return word }
        if word.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            // Control characters would break the line or drive the terminal: ANSI-C quoting
            // (bash, zsh, ksh) shows them as escapes and still pastes back as the same word.
            var out = "$'"
            for scalar in word.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "'"
        }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
