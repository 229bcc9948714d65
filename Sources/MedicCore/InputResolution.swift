/// Turning provided values and defaults into the checked inputs of a run.
public enum InputResolution {
    /// The value of every input (provided, else default, else empty) and a problem per bad value.
    public static func resolve(_ inputs: [InputDefinition], provided: [String: String]) -> (values: [String: String], problems: [String]) {
        var values: [String: String] = [:]
        var problems: [String] = []
        for input in inputs {
            let value = provided[input.name] ?? input.defaultValue ?? ""
            if let problem = input.problem(with: value) { problems.append("'\(input.name)': \(problem)") }
            values[input.name] = value
        }
        return (values, problems)
    }
}
