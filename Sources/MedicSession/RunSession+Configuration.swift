import MedicCore

/// A check that names a configuration file by an input's or a capture's value runs unconfirmed
/// only when the file could not have been written by another user (`ConfigurationJudge`);
/// otherwise it waits for the operator like an action, every time: the file may change.
extension RunSession {
    /// Nil when the check may run now (every file passes, or the operator or `--yes` approves);
    /// otherwise what the walk does instead (nil inside: recording failed).
    func confirmConfigurations(_ invocation: Invocation) -> [WalkEffect]?? {
        // A drill runs nothing for real; a check on other hosts is judged there (`RemoteScript`).
        guard !options.practice, invocation.remote == nil, !invocation.configurationFiles.isEmpty else { return nil }
        let problems = invocation.configurationFiles.compactMap { file -> String? in
            switch file {
            case .failure(let unknown): return "\(unknown.option): \(unknown.reason)"
            case .success(let path):
                guard let judge = options.configurationJudge else { return "\(path.option) \(path.path): Medic has no way to check files here" }
                return judge.problem(path)
            }
        }
        guard !problems.isEmpty else {
            let paths = invocation.configurationFiles.compactMap { try? $0.get() }.map { "\($0.option) \($0.path)" }
            console.show(
                "  configuration checked: " + TerminalText.sanitize(walk.masking.apply(paths.joined(separator: ", ")))
                    + " (no other user can write it)", .dim)
            return nil
        }
        for problem in problems {
            let text = walk.masking.apply(problem)
            console.show("  not read-only for sure: " + TerminalText.sanitize(text), .warning)
            guard record(.note("\(invocation.stepID): configuration not trusted: \(text)")) else { return .some(nil) }
        }
        return confirmCheck(
            invocation, what: "a check whose configuration file another user could have written",
            subject: "the check on a configuration file another user could have written",
            why: "The program may load code from that file as Medic's user", onceText: "", runsText: "runs only"
        ) {}
    }
}
