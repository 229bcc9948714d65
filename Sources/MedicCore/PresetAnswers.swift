/// Answers to a runbook's questions given before the run (`--answer STEP=ANSWER`): the only
/// way a question is answered without a terminal, since a line read from a pipe or a file cannot
/// be told from one nobody meant as an answer.
///
/// Each is checked against the runbook before anything runs: STEP is a question's id as the
/// walk names it (`ask` in the runbook run; `RUNBOOK-ID/ask` in a runbook it calls, the ids of
/// the runbooks called in between before it), and ANSWER one of that question's answers or its
/// number, as an operator would type it.
public struct PresetAnswers: Sendable, Hashable {
    /// The answer word of each question answered, by qualified step id.
    public private(set) var byStep: [String: String] = [:]

    /// No answers.
    public init() {}

    /// The answers `given` (each `STEP=ANSWER`, as typed) for the questions of `bundle`, or why
    /// one of them answers none.
    public static func parse(_ given: [String], in bundle: RunbookBundle) -> Result<PresetAnswers, PresetAnswerProblem> {
        var answers = PresetAnswers()
        for text in given {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                return .failure(PresetAnswerProblem("--answer \(text): give it as STEP=ANSWER"))
            }
            let stepID = String(text[..<equals])
            let reply = String(text[text.index(after: equals)...])
            let path = stepID.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let owner: Runbook? = path.count == 1 ? bundle.root : bundle.runbooks.values.first { $0.id == path[path.count - 2] }
            guard let owner else {
                return .failure(PresetAnswerProblem("--answer \(text): no runbook with the id '\(path[path.count - 2])' is called"))
            }
            guard let step = owner.step(path[path.count - 1]), step.kind == .question else {
                let questions = owner.steps.filter { $0.kind == .question }.map(\.id)
                let known = questions.isEmpty ? "it has none" : "its questions: \(questions.joined(separator: ", "))"
                return .failure(PresetAnswerProblem("--answer \(text): '\(path[path.count - 1])' is no question of \(owner.id) (\(known))"))
            }
            let request = QuestionRequest(stepID: stepID, title: step.title, options: step.options.map { ($0.answer, $0.label) })
            guard let answer = request.option(for: reply) else {
                let words = step.options.map(\.answer).joined(separator: ", ")
                return .failure(PresetAnswerProblem("--answer \(text): '\(reply)' is not an answer to '\(step.id)' (its answers: \(words))"))
            }
            if let earlier = answers.byStep[stepID], earlier != answer {
                return .failure(PresetAnswerProblem("--answer \(text): '\(stepID)' is answered twice, '\(earlier)' and '\(answer)'"))
            }
            answers.byStep[stepID] = answer
        }
        return .success(answers)
    }

    /// The flags the transcript records, one for each answer: `--answer=STEP=ANSWER`.
    public var flags: [String] { byStep.keys.sorted().map { "--answer=\($0)=\(byStep[$0] ?? "")" } }
}

/// Why an `--answer` answers no question of the runbook.
public struct PresetAnswerProblem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
