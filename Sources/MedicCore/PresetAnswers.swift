/// Answers to a runbook's questions given before the run (`--answer STEP=ANSWER`): the only
/// way a question is answered without a terminal, since a line read from a pipe or a file cannot
/// be told from one nobody meant as an answer.
///
/// Each is checked against the runbook before anything runs: STEP is a question's id as the
/// walk names it (`ask` in the runbook run; `RUNBOOK-ID/ask` in a runbook it calls, the ids of
/// the runbooks called in between before it), and ANSWER one of that question's answers or its
/// number, as an operator would type it. Each answers its question the first time the walk
/// reaches it (`RunSession.ask`): a loop back to it, or `back`, is a decision for a person.
public struct PresetAnswers: Sendable, Hashable {
    /// The answer word of each question answered, by qualified step id.
    public private(set) var byStep: [String: String] = [:]

    /// No answers.
    public init() {}

    /// The answers `given` (each `STEP=ANSWER`, as typed) for the questions of `bundle`, or why
    /// one of them answers none.
    public static func parse(_ given: [String], in bundle: RunbookBundle) -> Result<PresetAnswers, PresetAnswerProblem> {
        var answers = PresetAnswers()
        let reachable = questions(in: bundle)
        for text in given {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                return .failure(PresetAnswerProblem("--answer \(text): give it as STEP=ANSWER"))
            }
            let stepID = String(text[..<equals])
            let reply = String(text[text.index(after: equals)...])
            guard let places = reachable[stepID], let (_, step) = places.first else {
                let known = reachable.keys.sorted()
                let listed =
                    known.isEmpty ? "it reaches none" : "its questions: \(known.prefix(20).joined(separator: ", "))\(known.count > 20 ? ", …" : "")"
                return .failure(
                    PresetAnswerProblem("--answer \(text): '\(stepID)' is no question the walk of \(bundle.root.id) can reach (\(listed))"))
            }
            let files = Set(places.map(\.path)).sorted()
            guard files.count == 1 else {
                return .failure(
                    PresetAnswerProblem(
                        "--answer \(text): '\(stepID)' names a question in \(files.count) runbooks (\(files.joined(separator: ", "))), which share an id; "
                            + "give each its own id"))
            }
            let request = QuestionRequest(stepID: stepID, title: step.title, options: step.options.map { ($0.answer, $0.label) })
            guard let answer = request.option(for: reply) else {
                let words = step.options.map(\.answer).joined(separator: ", ")
                return .failure(PresetAnswerProblem("--answer \(text): '\(reply)' is not an answer to '\(stepID)' (its answers: \(words))"))
            }
            if let earlier = answers.byStep[stepID], earlier != answer {
                return .failure(PresetAnswerProblem("--answer \(text): '\(stepID)' is answered twice, '\(earlier)' and '\(answer)'"))
            }
            answers.byStep[stepID] = answer
        }
        return .success(answers)
    }

    /// Every question a walk of `bundle` can reach, by the id the walk gives it (`Walk.call`'s
    /// prefixes: a question of the root by its id, one of a runbook it calls as
    /// `CALLEE-ID/STEP`, one deeper as `CALLEE-ID/INNER-ID/STEP`), with the file and step of
    /// each: two runbooks with one id give one question id two places.
    public static func questions(in bundle: RunbookBundle) -> [String: [(path: String, step: Step)]] {
        var found: [String: [(path: String, step: Step)]] = [:]
        // `calling`: the files being walked, so that a call cycle (refused by the validator) ends.
        func visit(_ runbook: Runbook, prefix: String, calling: Set<String>) {
            for step in runbook.steps {
                if step.kind == .question { found[prefix + step.id, default: []].append((runbook.path, step)) }
                guard let call = step.call, let callee = bundle.runbook(for: call), !calling.contains(callee.path) else { continue }
                visit(callee, prefix: prefix + callee.id + "/", calling: calling.union([callee.path]))
            }
        }
        visit(bundle.root, prefix: "", calling: [bundle.root.path])
        return found
    }

    /// The flags the transcript records, one for each answer: `--answer=STEP=ANSWER`.
    public var flags: [String] { byStep.keys.sorted().map { "--answer=\($0)=\(byStep[$0] ?? "")" } }
}

/// Why an `--answer` answers no question of the runbook.
public struct PresetAnswerProblem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
