extension Validator {
    /// Every variable the runbook names (inputs, captures' named groups, counts, log captures, a
    /// question's answer, host captures, outputs, inputs passed with `with:`) whose upper-case
    /// form would set an environment variable the shell, the loader or a program reads
    /// (`EnvironmentName.problem`), where the name is written. A duration input's `NAME_SECONDS`
    /// and a host capture's `NAME_COUNT` are held to the same rule.
    func environmentNames(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // `what` names the variable as the message starts (worked out only for a name with a
        // problem); `exported` is the name it is exported as.
        func check(_ exported: String, _ what: @autoclosure () -> String, at location: SourceLocation) {
            guard let problem = EnvironmentName.problem(exported) else { return }
            out.append(.error("\(what()) \(problem)", at: location, hint: "rename it: nothing else may take that name"))
        }
        for input in runbook.inputs {
            check(input.name, "the input '\(input.name)'", at: input.location)
            if input.type == .duration { check(input.name + "_seconds", "the duration input '\(input.name)', in seconds,", at: input.location) }
        }
        for output in runbook.outputs { check(output.name, "the output '\(output.name)'", at: output.location) }
        for step in runbook.steps {
            let id = step.id
            var patterns = step.captures + step.logCaptures.map(\.pattern)
            for variant in step.variants?.cases ?? [] { patterns += variant.captures }
            for pattern in patterns {
                for name in groupNames(of: pattern) { check(name, "the capture '\(name)' of '\(id)'", at: pattern.location) }
            }
            for count in step.counts + (step.variants?.cases.flatMap(\.counts) ?? []) {
                check(count.name, "the count '\(count.name)' of '\(id)'", at: count.pattern.location)
            }
            if let name = step.setsVariable { check(name, "the answer '\(name)' of '\(id)'", at: step.location) }
            for capture in step.hostCaptures {
                check(capture.name, "the host capture '\(capture.name)' of '\(id)'", at: capture.location)
                check(capture.name + "_count", "the host capture '\(capture.name)' of '\(id)', as its count,", at: capture.location)
            }
            for (name, value) in step.call?.with ?? [] { check(name, "the input '\(name)' passed by '\(id)'", at: value.location) }
        }
        return out
    }
}
