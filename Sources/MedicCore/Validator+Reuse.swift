/// The checks of what lets a runbook say a thing once: variants per value of a choice input,
/// and outputs a called runbook hands back.
extension Validator {
    /// The runbook as the walk can see it: one copy per value of each input that picks variants,
    /// every step with variants reduced to the variant of that value. Checking each copy checks
    /// every variant as the plain step it becomes, with the rest of the runbook around it.
    func concreteForms(of runbook: Runbook) -> [Runbook] {
        let pickers = runbook.steps.compactMap { $0.variants?.input }
        guard !pickers.isEmpty else { return [runbook] }
        var forms: [Runbook] = []
        var seen: Set<String> = []
        for input in pickers where seen.insert(input).inserted {
            // A choice input's values; for any other input (reported by reuseProblems), those its variants name.
            let written = runbook.steps.flatMap { $0.variants?.input == input ? $0.variants?.cases.map(\.value) ?? [] : [] }
            let choices = runbook.input(input)?.choices ?? []
            for value in choices.isEmpty ? written : choices {
                var form = runbook
                form.steps = runbook.steps.map { step in
                    guard let variants = step.variants else { return step }
                    // A step picked by another input is checked in that input's copies; here its first variant stands in.
                    return step.selecting(variants.input == input ? variants.variant(for: value) : variants.cases.first)
                }
                forms.append(form)
            }
        }
        return forms
    }

    /// Problems with `by:`/`variants:` and with `outputs:`, in `runbook` and its calls.
    func reuseProblems(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for step in runbook.steps {
            if let variants = step.variants { out += variantProblems(step, variants, in: runbook) }
            if let call = step.call { out += returnProblems(step, call, in: runbook) }
        }
        out += outputProblems(runbook)
        return out
    }

    private func variantProblems(_ step: Step, _ variants: StepVariants, in runbook: Runbook) -> [Diagnostic] {
        guard let input = runbook.input(variants.input) else {
            let hint = Spelling.suggestion(for: variants.input, among: runbook.inputs.map(\.name)).map { "did you mean '\($0)'?" }
            return [.error("'by' of '\(step.id)' names the input '\(variants.input)', which does not exist", at: variants.inputLocation, hint: hint)]
        }
        guard input.type == .choice else {
            return [
                .error(
                    "'by' of '\(step.id)' names '\(input.name)', a \(input.type.rawValue) input; variants are picked by a choice input",
                    at: variants.inputLocation, hint: "give '\(input.name)' type: choice and its choices, so every value has its variant")
            ]
        }
        var out: [Diagnostic] = []
        for variant in variants.cases where !input.choices.contains(variant.value) {
            let hint = Spelling.suggestion(for: variant.value, among: input.choices).map { "did you mean '\($0)'?" }
            out.append(
                .error(
                    "'\(step.id)' has a variant for '\(variant.value)', which is not one of the choices of '\(input.name)'", at: variant.location,
                    hint: hint ?? "choices: \(input.choices.joined(separator: ", "))"))
        }
        for choice in input.choices where variants.variant(for: choice) == nil {
            out.append(
                .error(
                    "'\(step.id)' has no variant for \(input.name) '\(choice)', so it would have nothing to run there", at: variants.location,
                    hint: "add '\(choice):' under 'variants'"))
        }
        return out
    }

    /// The outputs a runbook declares must be values it has; secrets never leave it.
    private func outputProblems(_ runbook: Runbook) -> [Diagnostic] {
        guard !runbook.outputs.isEmpty else { return [] }
        var defined = Set(runbook.inputs.map(\.name))
        for step in runbook.steps { defined.formUnion(step.definedVariables(groupNames: groupNames(of:))) }
        var out: [Diagnostic] = []
        for output in runbook.outputs {
            if runbook.input(output.name)?.isSecret == true {
                out.append(.error("the output '\(output.name)' is a secret input; a secret is never handed back", at: output.location))
            } else if !defined.contains(output.name) {
                let hint = Spelling.suggestion(for: output.name, among: defined).map { "did you mean '\($0)'?" }
                out.append(
                    .error(
                        "the output '\(output.name)' is not a value of this runbook: no input defines it and no step captures, counts or sets it",
                        at: output.location, hint: hint))
            }
        }
        return out
    }

    /// A caller reads a callee's outputs under their names: they must not overwrite its inputs
    /// or be overwritten by a part of one (a URL's `NAME_host`), and a text output cannot be
    /// compared as a number.
    private func returnProblems(_ step: Step, _ call: RunbookCall, in caller: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for output in call.outputs where caller.input(output.name) != nil {
            out.append(
                .error(
                    "\(call.path) hands back '\(output.name)', which would overwrite the input of the same name of '\(caller.id)'", at: call.location,
                    hint: "rename the output or the input"))
        }
        // A part of the caller's own input (`site_url_host`) would overwrite the output in scripts.
        let derived = call.outputs.isEmpty ? [:] : caller.derivedVariables
        for output in call.outputs {
            guard let input = derived[output.name.uppercased()] else { continue }
            out.append(
                .error(
                    "\(call.path) hands back '\(output.name)', which has the name of a part of the \(input.type.rawValue) input '\(input.name)' of '\(caller.id)': scripts read \(output.name.uppercased()) as that part",
                    at: call.location, hint: "rename the output or the input"))
        }
        let textOutputs = Set(call.outputs.filter { $0.type == .string }.map(\.name))
        guard !textOutputs.isEmpty else { return out }
        for other in caller.steps {
            for branch in other.branches {
                for name in branch.condition?.numericallyCompared ?? [] where textOutputs.contains(name) {
                    out.append(
                        .error(
                            "a condition of '\(other.id)' compares '\(name)' as a number, but \(call.path) declares it as text",
                            at: branch.location, hint: "declare the output with type: int, or compare it with equals or matches"))
                }
            }
        }
        return out
    }
}

extension Condition {
    /// The variables the condition compares as numbers (`above`, `below`, `at_least`, `at_most`).
    var numericallyCompared: [String] {
        switch self {
        case .variable(let name, let comparison):
            switch comparison {
            case .above, .below, .atLeast, .atMost: [name]
            default: []
            }
        case .all(let list), .any(let list): list.flatMap(\.numericallyCompared)
        case .not(let inner): inner.numericallyCompared
        default: []
        }
    }
}
