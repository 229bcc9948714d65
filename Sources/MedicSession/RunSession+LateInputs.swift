import MedicCore

/// Secrets asked late: when the first step that reads one is reached, once, with echo off.
extension RunSession {
    /// What asking for the late inputs of a step led to.
    enum LateInputs {
        /// The step's invocation, filled in with the values asked.
        case ready(Invocation)
        /// The walk ended or stalled instead (nobody to ask, or the operator stopped); carry these out.
        case effects([WalkEffect])
    }

    /// Asks for every late input the current step reads, then fills the invocation in again.
    func askLate(_ invocation: Invocation) -> LateInputs {
        let needed = walk.lateInputsNeeded
        guard !needed.isEmpty else { return .ready(invocation) }
        var filled = invocation
        for input in needed {
            let name = input.name
            guard console.isInteractive else {
                guard input.isRequired else {
                    // An optional secret nobody gave stays empty, as it would have before step 1.
                    filled = walk.provideLate(name, value: "") ?? filled
                    continue
                }
                return .effects(
                    walk.handle(
                        .needsPerson(
                            reason:
                                "this step needs the secret '\(name)', and standard input is not a terminal to ask for it; set MEDIC_VAR_\(name) or put it in a --var-file only you can read"
                        )))
            }
            console.show("  this step needs '\(name)'\(input.description.map { ": \($0)" } ?? "")", .dim)
            while true {
                guard let value = console.readSecret(prompt: "  \(name) (input hidden): ") else {
                    return .effects(walk.handle(.abort(reason: "stopped while asking for '\(name)'")))
                }
                if let problem = input.problem(with: value, matcher: walk.matcher) {
                    console.show("  \(problem)", .warning)
                    continue
                }
                if !value.isEmpty { recorder.learnSecret(value) }
                filled = walk.provideLate(name, value: value) ?? filled
                break
            }
        }
        return .ready(filled)
    }
}
