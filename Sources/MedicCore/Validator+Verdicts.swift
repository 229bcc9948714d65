import Dispatch
import Synchronization

/// The costly questions of validation, each asked once and on every core.
///
/// Nearly all of the time validation takes goes to two questions: what each regex compiles to
/// (Swift's `Regex` takes some 5 µs per character of a pattern to parse it), and whether each
/// check is read-only (its script parsed and walked). Runbooks repeat both: the same pattern in
/// many steps, and every step again in each concrete form of a runbook with variants. So every
/// distinct question is answered once, before the passes that read the answers, and the answers
/// are worked out side by side: they are independent of each other.
///
/// `DispatchQueue.concurrentPerform` is the synchronous fork-join: Medic's entry point is
/// synchronous by design, and Swift's task groups can only be awaited from async code.
extension Validator {
    /// The answers, by question.
    struct Verdicts: Sendable {
        /// What each distinct regex compiles to, by its text.
        var patterns: [String: RegexPattern.Compilation] = [:]
        /// What each check's execution is found to do (`ReadOnlyCheck.examine`), by execution and
        /// where its step is written.
        var readOnly: [Question: ReadOnlyCheck.Finding] = [:]

        /// A check's execution to prove read-only, where its step (or discovery) is written.
        struct Question: Sendable, Hashable {
            var execution: Execution
            var location: SourceLocation
        }

        /// These answers and those of every question `runbooks` ask that they lack.
        func adding(_ runbooks: [Runbook]) -> Verdicts {
            let (patterns, questions) = unanswered(in: runbooks)
            guard !patterns.isEmpty || !questions.isEmpty else { return self }
            let answers = Answers(patterns: patterns.count, questions: questions.count)
            DispatchQueue.concurrentPerform(iterations: patterns.count + questions.count) { index in
                if index < patterns.count {
                    let compilation = patterns[index].compilation()
                    answers.patterns.withLock { $0[index] = compilation }
                } else {
                    let question = questions[index - patterns.count]
                    let finding = ReadOnlyCheck.examine(question.execution, at: question.location)
                    answers.questions.withLock { $0[index - patterns.count] = finding }
                }
            }
            var out = self
            for (pattern, compilation) in zip(patterns, answers.patterns.withLock { $0 }) { out.patterns[pattern.source] = compilation }
            for (question, finding) in zip(questions, answers.questions.withLock { $0 }) { out.readOnly[question] = finding }
            return out
        }

        /// The questions `runbooks` ask that these answers lack, each once: a pattern per
        /// distinct text, an execution per distinct execution and place.
        private func unanswered(in runbooks: [Runbook]) -> (patterns: [RegexPattern], questions: [Question]) {
            var patterns: [RegexPattern] = []
            var sources = Set(self.patterns.keys)
            var questions: [Question] = []
            var asked = Set(readOnly.keys)
            for runbook in runbooks {
                for pattern in Validator.patterns(of: runbook) where sources.insert(pattern.source).inserted { patterns.append(pattern) }
                for question in Validator.readOnlyQuestions(of: runbook) where asked.insert(question).inserted { questions.append(question) }
            }
            return (patterns, questions)
        }
    }

    /// The slots the workers write their answers to, one per question, in question order.
    private final class Answers: Sendable {
        let patterns: Mutex<[RegexPattern.Compilation?]>
        let questions: Mutex<[ReadOnlyCheck.Finding?]>

        init(patterns: Int, questions: Int) {
            self.patterns = Mutex(Array(repeating: nil, count: patterns))
            self.questions = Mutex(Array(repeating: nil, count: questions))
        }
    }

    /// Every regex `runbook` writes: inputs' patterns, discoveries' captures and refusal rules,
    /// and in every step (each variant included) its captures, counts, log classes and conditions.
    static func patterns(of runbook: Runbook) -> [RegexPattern] {
        var patterns: [RegexPattern] = []
        for input in runbook.inputs {
            if let pattern = input.pattern { patterns.append(pattern) }
            patterns += input.discovery?.captures ?? []
            for rule in input.refusals { if case .matches(let pattern) = rule.test { patterns.append(pattern) } }
        }
        for step in runbook.steps {
            for form in step.concreteForms {
                patterns += form.captures
                patterns += form.counts.map(\.pattern)
                if case .log(let spec) = form.execution { patterns += spec.classes.map(\.pattern) + spec.captures.map(\.pattern) }
            }
            for branch in step.branches { patterns += branch.condition?.patterns ?? [] }
        }
        return patterns
    }

    /// Every execution of `runbook` that must be proven read-only: each check step's, in each of
    /// its forms, and each discovery's.
    static func readOnlyQuestions(of runbook: Runbook) -> [Verdicts.Question] {
        var questions: [Verdicts.Question] = []
        for input in runbook.inputs {
            if let discovery = input.discovery { questions.append(.init(execution: discovery.execution, location: discovery.location)) }
        }
        for step in runbook.steps where step.kind == .check {
            for form in step.concreteForms {
                if let execution = form.execution { questions.append(.init(execution: execution, location: form.location)) }
            }
        }
        return questions
    }

    /// What `pattern` compiles to: the answer worked out before, else compiled now.
    func compilation(of pattern: RegexPattern) -> RegexPattern.Compilation {
        verdicts.patterns[pattern.source] ?? pattern.compilation()
    }

    /// The named groups of `pattern`, as its compiled expression has them.
    func groupNames(of pattern: RegexPattern) -> [String] {
        compilation(of: pattern).groupNames
    }

    /// What `execution` is found to do (`ReadOnlyCheck.examine`): the answer worked out before,
    /// else worked out now.
    func finding(_ execution: Execution, at location: SourceLocation) -> ReadOnlyCheck.Finding {
        verdicts.readOnly[Verdicts.Question(execution: execution, location: location)] ?? ReadOnlyCheck.examine(execution, at: location)
    }

    /// Why `execution` is not provably read-only, and where; nil when it is.
    func readOnlyProblem(_ execution: Execution, at location: SourceLocation) -> (reason: String, location: SourceLocation)? {
        finding(execution, at: location).problem
    }
}
