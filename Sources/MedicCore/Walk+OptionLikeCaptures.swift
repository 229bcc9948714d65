/// Captured values where a program reads its options.
///
/// An input that starts with `-` is refused when it is given (`InputDefinition.problem`), but a
/// capture comes from a step's output, which anyone who can write a log line controls: a line
/// `level=-delete` captured into `${level}` would turn `find … ${level}` into `find … -delete`.
/// Captures follow the inputs' rule: one that starts with `-` may not stand where the program
/// could read it as an option (at the start of an argv element before a literal `--`), and in a
/// script, which reads it from its environment wherever it likes and may split it into lines or
/// words, none of its lines or words may start with `-`; else the step does not run. A variable
/// with an input's name counts as checked only while it holds the value that was checked.
extension Walk {
    /// Why `step` must not run with the values captured so far, if it must not.
    func optionLikeCapture(in step: Step) -> String? {
        let frame = frames[frames.count - 1]
        let values = variables
        /// The value of `name` unless it is an input's value as checked (no checked value starts
        /// with `-`; a capture that took an input's name, or a called runbook's input passed a
        /// captured value, was never checked).
        func unchecked(_ name: String) -> String? {
            guard let value = values[name], frame.checkedInputs[name] != value else { return nil }
            return value
        }
        /// The value of `name` when it starts with `-`, as an argv element would.
        func optionLike(_ name: String) -> String? {
            guard let value = unchecked(name), value.hasPrefix("-") else { return nil }
            return masking.apply(value)
        }
        /// The value of `name` when any line or word of it starts with `-` and something more:
        /// a script may read a many-valued capture a line at a time, or split it into words.
        func optionLikeWord(_ name: String) -> String? {
            guard let value = unchecked(name) else { return nil }
            let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            guard words.contains(where: { $0.count > 1 && $0.hasPrefix("-") }) else { return nil }
            return masking.apply(value)
        }
        switch step.execution {
        case .command(let argv):
            let program = argv.first.map(render) ?? ""
            for template in argv.dropFirst() {
                if template.segments == [.literal("--")] { return nil }
                guard case .variable(let name)? = template.segments.first, let value = optionLike(name) else { continue }
                return "the captured value \(name) = '\(value)' starts with '-', and '\(program)' would read it as an option: "
                    + "the step does not run (put it after --, or make the capture's pattern not match a leading '-')"
            }
        case .script(let text, _):
            for name in values.keys.sorted() {
                guard let value = optionLikeWord(name) else { continue }
                let variable = name.uppercased()
                guard text.contains("$" + variable) || text.contains("${" + variable) else { continue }
                return "the captured value \(name) = '\(value)' has a line or word that starts with '-', and the script uses $\(variable), "
                    + "where a program could read it as an option: the step does not run (make the capture's pattern not match a leading '-')"
            }
        default:
            break
        }
        return nil
    }
}
