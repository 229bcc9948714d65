extension Validator {
    /// Every variable the runbook names (inputs, captures' named groups, counts, log captures, a
    /// question's answer, host captures, outputs, inputs passed with `with:`) whose upper-case
    /// form would set an environment variable the shell, the loader or a program reads
    /// (`EnvironmentName.problem`), where the name is written. A duration input's `NAME_SECONDS`,
    /// a URL input's parts (`NAME_HOST`, …) and a host capture's `NAME_COUNT` are held to the same
    /// rule. A variable named as an input's part (`site_url_host` beside a URL input `site_url`) is
    /// an error too: the part would overwrite it.
    func environmentNames(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let derived = runbook.derivedVariables
        // `what` names the variable as the message starts (worked out only for a name with a
        // problem); `exported` is the name it is exported as.
        @discardableResult
        func check(_ exported: String, _ what: @autoclosure () -> String, at location: SourceLocation, written: Bool = true) -> Bool {
            if let problem = EnvironmentName.problem(exported) {
                out.append(.error("\(what()) \(problem)", at: location, hint: "rename it: nothing else may take that name"))
                return false
            }
            if written, let input = derived[exported.uppercased()] {
                out.append(
                    .error(
                        "\(what()) has the name of a part of the \(input.type.rawValue) input '\(input.name)': scripts read \(exported.uppercased()) as that part",
                        at: location, hint: "rename it"))
                return false
            }
            return true
        }
        for input in runbook.inputs {
            check(input.name, "the input '\(input.name)'", at: input.location)
            // One error for the input, at its first part refused (its parts share a prefix).
            for name in input.derivedNames {
                guard check(name, "the \(input.type.rawValue) input '\(input.name)', as \(name.uppercased()),", at: input.location, written: false)
                else { break }
            }
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
            // The callee's input: the caller's parts never reach the callee's frame.
            for (name, value) in step.call?.with ?? [] { check(name, "the input '\(name)' passed by '\(id)'", at: value.location, written: false) }
        }
        return out
    }
}
