/// Inputs asked late: a secret nobody gave is asked when the first step that reads it is
/// reached, and never on a path that does not read it.
extension Walk {
    /// Marks the root runbook's inputs `names` as not given yet, to be asked when a step needs them.
    public mutating func deferInputs(_ names: [String]) {
        lateInputs.formUnion(names.filter { bundle.root.input($0) != nil })
    }

    /// The deferred root inputs that the check or action about to run or be confirmed reads
    /// (directly, or through the inputs a called runbook was given), in the root runbook's
    /// order: the step's own, or the check that verifies a batch of a rolling action.
    public var lateInputsNeeded: [InputDefinition] {
        guard !lateInputs.isEmpty, let step = ahead?.step ?? currentStep else { return [] }
        let read = rootInputs(from: namesRead(by: step), frame: frames.count - 1)
        return bundle.root.inputs.filter { lateInputs.contains($0.name) && read.contains($0.name) }
    }

    /// Gives the deferred input `name` its value, in the root runbook and in every called runbook
    /// it reaches (by the same name, or through a `with` that reads it), and fills in the
    /// invocation about to run or be confirmed again: the same step, on the same hosts.
    public mutating func provideLate(_ name: String, value: String) -> Invocation? {
        if lateInputs.remove(name) != nil {
            lateValues[name] = value
            applyLateValues()
        }
        guard let ahead, var filled = invocation(for: ahead.step) else { return currentStep.flatMap(invocation(for:)) }
        filled.remote = ahead.invocation.remote
        self.ahead?.invocation = filled
        return filled
    }

    /// Puts the late values into every frame; run again after `back` or `retry` restore frames
    /// saved before the values were known.
    mutating func applyLateValues() {
        guard !lateValues.isEmpty else { return }
        var changed: Set<String> = []
        for (name, value) in lateValues where frames[0].variables[name] != value {
            frames[0].variables[name] = value
            frames[0].checkedInputs[name] = value
            changed.insert(name)
        }
        var index = 1
        while index < frames.count, !changed.isEmpty {
            let caller = frames[index - 1]
            let call = frames[index].callerStepID.flatMap { caller.runbook.step($0)?.call }
            var next: Set<String> = []
            for input in frames[index].runbook.inputs {
                let value: String
                if let given = call?.with.first(where: { $0.name == input.name }) {
                    guard !changed.isDisjoint(with: given.value.variables) else { continue }
                    value = given.value.render { caller.variables[$0] ?? "" }
                } else {
                    guard changed.contains(input.name) else { continue }
                    value = caller.variables[input.name] ?? ""
                }
                frames[index].variables[input.name] = value
                next.insert(input.name)
            }
            changed = next
            index += 1
        }
    }
}
