extension Validator {
    /// The problems of where steps run: host sets that do not exist or cannot be filled, conditions
    /// over a host set on a step without one (and one-result conditions on a step with one),
    /// batches whose check is not a host-set check.
    func hostProblems(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // The named groups of every step's captures, gathered only for a host set that takes one.
        lazy var captureGroups = Set(
            runbook.steps.flatMap {
                $0.captures.flatMap(groupNames(of:)) + ($0.variants?.cases.flatMap { $0.captures.flatMap(groupNames(of:)) } ?? [])
            })
        let captured = Set(runbook.steps.flatMap { $0.hostCaptures.map(\.name) })
        var names = Set(runbook.hostSets.map(\.name))
        var seen: Set<String> = []
        for set in runbook.hostSets {
            if !seen.insert(set.name).inserted { out.append(.error("host set '\(set.name)' is defined twice", at: set.location)) }
            switch set.source {
            case .list: break
            case .input(let name):
                if let input = runbook.input(name) {
                    if input.type != .hosts {
                        out.append(
                            .error(
                                "host set '\(set.name)' reads input '\(name)', which is of type \(input.type.rawValue)", at: set.location,
                                hint: "give '\(name)' 'type: hosts' (hosts separated by spaces or commas)"))
                    }
                } else {
                    let hint = Spelling.suggestion(for: name, among: runbook.inputs.map(\.name)).map { "did you mean '\($0)'?" }
                    out.append(.error("host set '\(set.name)' reads input '\(name)', which is not defined", at: set.location, hint: hint))
                }
            case .captured(let name):
                if !captureGroups.contains(name) {
                    let hint = Spelling.suggestion(for: name, among: captureGroups).map { "did you mean '\($0)'?" }
                    out.append(
                        .error("host set '\(set.name)' takes the matches of '\(name)', which no step's 'capture' names", at: set.location, hint: hint)
                    )
                }
            case .ansibleGroup: break
            }
            if captured.contains(set.name) {
                out.append(.error("host set '\(set.name)' is also made by a step's 'capture_hosts'; give one of them another name", at: set.location))
            }
        }
        names.formUnion(captured)
        for step in runbook.steps {
            let id = step.id
            if case .hosts(let name, let location) = step.placement, !names.contains(name) {
                let hint = Spelling.suggestion(for: name, among: names).map { "did you mean '\($0)'?" }
                out.append(
                    .error(
                        "'\(id)' runs on host set '\(name)', which neither 'hosts' nor a step's 'capture_hosts' defines", at: location,
                        hint: hint ?? "define it under the top-level 'hosts'"))
            }
            for branch in step.branches {
                guard let condition = branch.condition else { continue }
                if step.placement.isHostSet, condition.readsOneResult {
                    out.append(
                        .error(
                            "'\(id)' runs on a host set and has one result per host, so '\(condition)' does not say on which", at: branch.location,
                            hint: "write it inside any_host, all_hosts, no_host or count_hosts"))
                } else if !step.placement.isHostSet, condition.readsHostSet {
                    out.append(
                        .error(
                            "'\(id)' does not run on a host set, so '\(condition)' has no hosts to look at", at: branch.location,
                            hint: "say 'where: {hosts: SET}' on the step, or test its result directly"))
                }
            }
            if let batch = step.batch, step.kind == .action, let verify = batch.verify {
                if let check = runbook.step(verify.id) {
                    if check.kind != .check || !check.placement.isHostSet {
                        out.append(
                            .error(
                                "the batch of '\(id)' is verified by '\(verify.id)', which is not a check that runs on a host set",
                                at: verify.location, hint: "name a check with 'where: {hosts: …}'; it runs on each batch's hosts"))
                    }
                } else {
                    let hint = Spelling.suggestion(for: verify.id, among: runbook.steps.map(\.id)).map { "did you mean '\($0)'?" }
                    out.append(
                        .error("the batch of '\(id)' is verified by step '\(verify.id)', which does not exist", at: verify.location, hint: hint))
                }
            }
            if step.kind == .check, step.branches.isEmpty {
                let verifiedBy = runbook.steps.filter { $0.kind == .action && $0.batch?.verify?.id == id }
                let ledInto =
                    runbook.steps.contains { other in
                        other.branches.contains { $0.next.id == id } || other.skip?.id == id || other.options.contains { $0.next.id == id }
                    } || runbook.startID == id
                if verifiedBy.isEmpty {
                    out.append(
                        .error(
                            "step '\(id)' needs 'branches'", at: step.location,
                            hint: "only a check that runs solely as a rolling action's 'batch: {verify: …}' may go without"))
                } else if ledInto {
                    out.append(
                        .error(
                            "step '\(id)' has no branches, yet the walk can enter it as a step", at: step.location,
                            hint: "give it branches, or let it run only as the batch's verify of '\(verifiedBy[0].id)'"))
                }
            }
            if step.batch != nil, step.kind != .action, let batch = step.batch {
                out.append(.error("'batch' rolls out an action, and '\(id)' is a \(step.kind.rawValue)", at: batch.location))
            }
        }
        return out
    }
}
