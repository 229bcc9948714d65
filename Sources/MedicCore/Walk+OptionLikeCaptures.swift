/// Captured values where a program reads its options.
///
/// An input that starts with `-` is refused when it is given (`InputDefinition.problem`), but a
/// capture comes from a step's output, which anyone who can write a log line controls: a line
/// `level=-delete` captured into `${level}` would turn `find … ${level}` into `find … -delete`.
/// Captures follow the inputs' rule: one that starts with `-` may not stand where the program
/// could read it as an option (at the start of an argv element before a literal `--`, or in a
/// script, which reads it from its environment wherever it likes), and the step does not run.
extension Walk {
    /// Why `step` must not run with the values captured so far, if it must not.
    func optionLikeCapture(in step: Step) -> String? {
        let inputs = Set(currentRunbook.inputs.map(\.name))
        let values = variables
        func optionLike(_ name: String) -> String? {
            guard !inputs.contains(name), let value = values[name], value.hasPrefix("-") else { return nil }
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
                guard let value = optionLike(name) else { continue }
                let variable = name.uppercased()
                guard text.contains("$" + variable) || text.contains("${" + variable) else { continue }
                return "the captured value \(name) = '\(value)' starts with '-', and the script uses $\(variable), where a program could read it "
                    + "as an option: the step does not run (make the capture's pattern not match a leading '-')"
            }
        default:
            break
        }
        return nil
    }
}
