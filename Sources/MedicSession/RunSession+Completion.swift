import MedicCore

/// What tab completes at a run's prompts.
extension RunSession {
    /// The whole lines tab completes: the prompt's own `answers`, then the commands, with the
    /// steps of this runbook after `goto` and the steps that ran after `show`.
    func completions(answers: [String]) -> [String] {
        let runbook = walk.currentRunbook
        let variables = walk.variables.keys.sorted().map { name in (name: name, secret: runbook.input(name)?.isSecret == true) }
        let commands = OperatorCommand.completions(
            steps: runbook.steps.map(\.id), shown: walk.path.filter { outputs[$0] != nil || commandsShown[$0] != nil }, variables: variables)
        var seen = Set<String>()
        return (answers + commands).filter { seen.insert($0).inserted }
    }
}
