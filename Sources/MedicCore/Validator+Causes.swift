/// The checks of `causes:`: every cause named is declared where it must be, and an id means one
/// thing across the runbooks that call each other.
extension Validator {
    /// In `runbook`: a conclusion naming a cause the runbook does not declare, a `cause`
    /// condition naming one the called runbook does not declare (or standing where no runbook
    /// was called), and a declared cause no conclusion names (a warning).
    func causeProblems(_ runbook: Runbook, in bundle: RunbookBundle?) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var concluded: Set<String> = []
        for step in runbook.steps {
            if let conclusion = step.conclusion {
                concluded.insert(conclusion.cause)
                if !conclusion.cause.isEmpty, runbook.cause(conclusion.cause) == nil {
                    out.append(
                        .error(
                            "conclusion '\(step.id)' names cause '\(conclusion.cause)', which runbook '\(runbook.id)' does not declare",
                            at: conclusion.causeLocation ?? step.location, hint: Self.causeHint(conclusion.cause, among: runbook)))
                }
            }
            for branch in step.branches {
                for id in branch.condition?.causes ?? [] {
                    guard let call = step.call else {
                        out.append(
                            .error(
                                "a 'cause' condition holds only after a 'runbook' step, and '\(step.id)' calls no runbook",
                                at: branch.location))
                        continue
                    }
                    guard let callee = bundle?.runbook(for: call), callee.cause(id) == nil else { continue }
                    out.append(
                        .error(
                            "a branch of '\(step.id)' tests cause '\(id)', which \(call.path) does not declare, so it can never hold",
                            at: branch.location, hint: Self.causeHint(id, among: callee)))
                }
            }
        }
        for cause in runbook.causes where !concluded.contains(cause.id) {
            out.append(
                .warning(
                    "cause '\(cause.id)' is declared, but no conclusion of runbook '\(runbook.id)' names it", at: cause.location,
                    hint: "remove it, or name it in the conclusion it was meant for"))
        }
        return out
    }

    /// Causes with one id but another title or description in two runbooks of `bundle`: a
    /// caller would branch on, and a reviewer read, one meaning where the journal records
    /// another. Reported at every declaration but the one in the runbook nearest the root.
    func causeConflicts(in bundle: RunbookBundle) -> [Diagnostic] {
        let order = [bundle.root.path] + bundle.runbooks.keys.filter { $0 != bundle.root.path }.sorted()
        var first: [String: (cause: Cause, runbook: Runbook)] = [:]
        var out: [Diagnostic] = []
        for path in order {
            guard let runbook = bundle.runbooks[path] else { continue }
            for cause in runbook.causes {
                guard let earlier = first[cause.id] else {
                    first[cause.id] = (cause, runbook)
                    continue
                }
                let differs = [
                    earlier.cause.title == cause.title ? nil : "title",
                    earlier.cause.description == cause.description ? nil : "description",
                ].compactMap { $0 }
                guard !differs.isEmpty else { continue }
                out.append(
                    .error(
                        "cause '\(cause.id)' is declared with another \(differs.joined(separator: " and ")) than at \(earlier.cause.location.file):\(earlier.cause.location.line):\(earlier.cause.location.column); runbooks that call each other give an id one meaning",
                        at: cause.location, hint: "declare it word for word as there, or give this cause an id of its own"))
            }
        }
        return out
    }

    /// A "did you mean" among `runbook`'s causes, else how to declare one.
    private static func causeHint(_ id: String, among runbook: Runbook) -> String {
        let declared = runbook.causes.map(\.id)
        if let near = Spelling.suggestion(for: id, among: declared) { return "did you mean '\(near)'?" }
        if declared.isEmpty { return "runbook '\(runbook.id)' declares no causes; declare it under the top-level 'causes:'" }
        return "declared: \(declared.joined(separator: ", ")); declare it under the top-level 'causes:'"
    }
}
