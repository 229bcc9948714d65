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
        /// Where each script of a runbook with a secret hands one to a program (`SecretArgv`), by
        /// execution and where its step (or discovery) is written. A check's script is parsed
        /// once for this and its read-only proof both.
        var secretLeaks: [Question: [SecretArgv.Leak]] = [:]

        /// A check's execution to prove read-only, where its step (or discovery) is written.
        struct Question: Sendable, Hashable {
            var execution: Execution
            var location: SourceLocation

            /// Hashes where the step is written, and not its execution: hashing a script's whole
            /// text for every question asked and looked up costs more than the few executions one
            /// place holds (a step's variants) cost to tell apart, which `==` still does in full.
            func hash(into hasher: inout Hasher) {
                hasher.combine(location.line)
                hasher.combine(location.column)
            }
        }

        /// One execution to work on, where it is written: proven read-only (a check's), read
        /// for secrets handed to programs (a script of a runbook with a secret: `secrets` maps
        /// their environment names to input names), or both, on one parse of its script.
        struct Work: Sendable {
            var question: Question
            var readOnly: Bool
            var secrets: [String: String]

            /// What its answer depends on, wherever it is written: its words and what is asked of
            /// them; nil for a probe, whose answer is its own.
            var asking: Asking? {
                ReadOnlyCheck.Words(question.execution).map { Asking(words: $0, readOnly: readOnly, secrets: secrets) }
            }
        }

        /// The words of a piece of work and what is asked of them: runbooks repeat checks word for
        /// word, and each copy is answered by the first, placed where the copy is written.
        struct Asking: Hashable {
            var words: ReadOnlyCheck.Words
            var readOnly: Bool
            var secrets: [String: String]
        }

        /// What answering a piece of work found, before it is placed where a copy is written.
        struct Answer: Sendable {
            /// Whether the read-only proof was asked.
            var proved: Bool
            /// The proof's reading of a command or a script, when the proof was asked.
            var reading: ReadOnlyCheck.Reading?
            /// Where the script hands a secret to a program, when that was asked.
            var leaks: [SecretArgv.Leak]?

            /// The proof's finding of `question` (a copy of the work answered, or the work
            /// itself), placed where it is written; nil when no proof was asked.
            func finding(of question: Question) -> ReadOnlyCheck.Finding? {
                guard proved else { return nil }
                return reading?.placed(in: question.execution, at: question.location)
                    ?? ReadOnlyCheck.examine(question.execution, at: question.location)
            }
        }

        /// Why each input's default is not a valid value for it (`InputDefinition.problem(with:)`),
        /// worked out beside the compilation of the input's pattern, so that it is parsed once.
        var defaults: [InputDefinition: DefaultFinding] = [:]

        /// What checking an input's default found.
        struct DefaultFinding: Sendable, Hashable {
            /// Why the default is not a valid value (or could not be checked), or nil when it is.
            var problem: InputDefinition.ValueProblem?
        }

        /// The paths of the runbooks whose questions were asked: asking again is a second walk
        /// over every step for nothing (`Validator.validate` after `prepared(for:)`). The answers
        /// only save work, since every reader works out an answer it lacks, so a runbook that
        /// merely shares the path of one asked before is still validated right.
        var asked: Set<String> = []

        /// These answers and those of every question `runbooks` ask that they lack. With
        /// `matcher`, each default is matched against its input's pattern by it, one after the
        /// other on one of the loop's threads from the loop's start, so that the round trips to
        /// its process (started first, so that its start-up overlaps the reading) overlap the
        /// compiling instead of following it; a default whose pattern turns out not to compile
        /// is then said to be so, whatever the matcher answered. Without a matcher, here.
        /// `compiled` (asked for once, after the questions are listed) holds patterns compiled
        /// already, which are taken as they are.
        func adding(
            _ runbooks: [Runbook], matcher: (any PatternMatcher)?, compiled: () -> [String: RegexPattern.Compilation] = { [:] }
        ) -> Verdicts {
            let runbooks = runbooks.filter { !asked.contains($0.path) }
            var out = self
            guard !runbooks.isEmpty else {
                out.patterns.merge(compiled()) { old, _ in old }
                return out
            }
            out.asked.formUnion(runbooks.map(\.path))
            let listed = unanswered(in: runbooks)
            let early = compiled()
            out.patterns.merge(early) { old, _ in old }
            // What was compiled already is not compiled again.
            let left = listed.patterns.indices.filter { early[listed.patterns[$0].source] == nil }
            let patterns = left.map { listed.patterns[$0] }
            let defaults = left.map { listed.defaults[$0] }
            let questions = listed.work
            guard !patterns.isEmpty || !questions.isEmpty else { return out }
            // Each distinct piece of work is answered once; `answering[i]` is the one that answers `questions[i]`.
            let (distinct, answering) = Self.distinct(questions)
            // The defaults the matcher checks, each with the index of its pattern.
            let matched: [(pattern: Int, input: InputDefinition, value: String)] =
                matcher == nil ? [] : defaults.indices.flatMap { index in defaults[index].map { (index, $0.0, $0.1) } }
            if let matcher, !matched.isEmpty { matcher.prepare() }
            // Slot 0 asks the matcher, when it has a default to check; the others compile and prove.
            let asking = matched.isEmpty ? 0 : 1
            let answers = Answers(patterns: patterns.count, questions: distinct.count, defaults: matched.count)
            DispatchQueue.concurrentPerform(iterations: asking + patterns.count + distinct.count) { slot in
                if slot < asking, let matcher {
                    for (number, entry) in matched.enumerated() {
                        // Whether the pattern compiles is known once the loop is over: the matcher compiles it anyway.
                        let problem = entry.input.check(entry.value, compiledPattern: { _ in nil }, matcher: matcher, patternCompiles: { _ in true })
                        answers.defaults.withLock { $0[number] = DefaultFinding(problem: problem) }
                    }
                    return
                }
                let index = slot - asking
                if index < patterns.count {
                    let pattern = patterns[index]
                    if defaults[index].isEmpty {
                        let compilation = pattern.compilation()
                        answers.patterns.withLock { $0[index] = (compilation, []) }
                    } else {
                        let parsed = Result { try Regex(pattern.source) }
                        let compilation = pattern.compilation(of: parsed)
                        // In process only when nothing can stop the match: otherwise the matcher's slot checks them.
                        let findings =
                            matcher != nil
                            ? []
                            : defaults[index].map { input, value in
                                DefaultFinding(problem: input.check(value, compiledPattern: { _ in try? parsed.get() }))
                            }
                        answers.patterns.withLock { $0[index] = (compilation, findings) }
                    }
                } else {
                    let work = distinct[index - patterns.count]
                    let answer = Self.answer(work)
                    answers.questions.withLock { $0[index - patterns.count] = answer }
                }
            }
            out.patterns.reserveCapacity(out.patterns.count + patterns.count)
            out.readOnly.reserveCapacity(out.readOnly.count + questions.count)
            for (index, answer) in answers.patterns.withLock({ $0 }).enumerated() {
                guard let (compilation, findings) = answer else { continue }
                out.patterns[patterns[index].source] = compilation
                for ((input, _), finding) in zip(defaults[index], findings) { out.defaults[input] = finding }
            }
            for (entry, finding) in zip(matched, answers.defaults.withLock { $0 }) {
                let reason = finding?.problem?.unfinished?.reason
                let interrupted = reason == .cancelled || reason == .stopped
                if out.patterns[patterns[entry.pattern].source]?.problem != nil, !interrupted {
                    // The pattern does not compile: what the matcher made of it is beside the
                    // point, unless the operator stopped it (that is said, not swallowed).
                    let problem = entry.input.check(entry.value, compiledPattern: { _ in nil }, matcher: matcher, patternCompiles: { _ in false })
                    out.defaults[entry.input] = DefaultFinding(problem: problem)
                } else if let finding {
                    out.defaults[entry.input] = finding
                }
            }
            out.secretLeaks.reserveCapacity(out.secretLeaks.count + questions.count)
            let answered = answers.questions.withLock { $0 }
            for (work, index) in zip(questions, answering) {
                guard let answer = answered[index] else { continue }
                if let finding = answer.finding(of: work.question) { out.readOnly[work.question] = finding }
                if let leaks = answer.leaks { out.secretLeaks[work.question] = leaks }
            }
            return out
        }

        /// The distinct pieces of `work`, each the first of its copies (a probe is its own), and
        /// for each piece of `work` the index of the one that answers it.
        static func distinct(_ work: [Work]) -> (distinct: [Work], answering: [Int]) {
            var distinct: [Work] = []
            var answering: [Int] = []
            var first: [Asking: Int] = [:]
            first.reserveCapacity(work.count)
            answering.reserveCapacity(work.count)
            for piece in work {
                let asking = piece.asking
                if let asking, let index = first[asking] {
                    answering.append(index)
                    continue
                }
                if let asking { first[asking] = distinct.count }
                answering.append(distinct.count)
                distinct.append(piece)
            }
            return (distinct, answering)
        }

        /// What `work` asks, with its script parsed once for every question asked of it.
        static func answer(_ work: Work) -> Answer {
            let execution = work.question.execution
            var parsed: Result<ShellScript, ShellSyntaxError>?
            if case .script(let text, _) = execution { parsed = Result { () throws(ShellSyntaxError) in try ShellParser.parse(text) } }
            var answer = Answer(proved: work.readOnly, reading: work.readOnly ? ReadOnlyCheck.reading(of: execution, parsed: parsed) : nil)
            guard !work.secrets.isEmpty else { return answer }
            // A script the parser cannot read hands nothing on here: its proof (or its run) says why.
            guard case .success(let script) = parsed else {
                answer.leaks = []
                return answer
            }
            answer.leaks = SecretArgv.leaks(in: script, secrets: work.secrets)
            return answer
        }

        /// The questions `runbooks` ask that these answers lack, each once: a pattern per
        /// distinct text (with the inputs whose default it checks, and those defaults), an
        /// execution per distinct execution and place.
        private func unanswered(
            in runbooks: [Runbook]
        ) -> (patterns: [RegexPattern], defaults: [[(InputDefinition, String)]], work: [Work]) {
            var patterns: [RegexPattern] = []
            var position: [String: Int] = [:]
            var work: [Work] = []
            var asked: [Question: Int] = [:]
            // Sized up front: growing them step by step rehashes every question again and again.
            let steps = runbooks.reduce(0) { $0 + $1.steps.count }
            position.reserveCapacity(steps)
            asked.reserveCapacity(steps)
            for runbook in runbooks {
                for pattern in Validator.patterns(of: runbook) where self.patterns[pattern.source] == nil && position[pattern.source] == nil {
                    position[pattern.source] = patterns.count
                    patterns.append(pattern)
                }
                for question in Validator.readOnlyQuestions(of: runbook) where readOnly[question] == nil && asked[question] == nil {
                    asked[question] = work.count
                    work.append(Work(question: question, readOnly: true, secrets: [:]))
                }
                let secrets = runbook.secretNames
                guard !secrets.isEmpty else { continue }
                let names = SecretArgv.environmentNames(of: secrets)
                for question in Validator.scriptQuestions(of: runbook) where secretLeaks[question] == nil {
                    if let index = asked[question] {
                        work[index].secrets = names
                    } else {
                        asked[question] = work.count
                        work.append(Work(question: question, readOnly: false, secrets: names))
                    }
                }
            }
            var defaults = [[(InputDefinition, String)]](repeating: [], count: patterns.count)
            for runbook in runbooks {
                for input in runbook.inputs {
                    guard let value = Validator.checkedDefault(of: input), let source = input.pattern?.source, let index = position[source] else {
                        continue
                    }
                    defaults[index].append((input, value))
                }
            }
            return (patterns, defaults, work)
        }
    }

    /// The slots the workers write their answers to, one per question, in question order.
    private final class Answers: Sendable {
        /// Each pattern's compilation, and the findings of the defaults checked against it when
        /// they were checked in process.
        let patterns: Mutex<[(RegexPattern.Compilation, [Verdicts.DefaultFinding])?]>
        let questions: Mutex<[Verdicts.Answer?]>
        /// The findings of the defaults the matcher checked, in the order they were asked.
        let defaults: Mutex<[Verdicts.DefaultFinding?]>

        init(patterns: Int, questions: Int, defaults: Int) {
            self.patterns = Mutex(Array(repeating: nil, count: patterns))
            self.questions = Mutex(Array(repeating: nil, count: questions))
            self.defaults = Mutex(Array(repeating: nil, count: defaults))
        }
    }

    /// The default of `input` that validation checks: one that holds no `${…}` (filled in from
    /// other values at run time).
    static func checkedDefault(of input: InputDefinition) -> String? {
        guard let value = input.defaultValue, !value.contains("${") else { return nil }
        return value
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
        for step in runbook.steps { patterns += Self.patterns(of: step) }
        return patterns
    }

    /// Every regex `step` writes, each variant included: its captures, counts, log classes and
    /// conditions.
    public static func patterns(of step: Step) -> [RegexPattern] {
        var patterns: [RegexPattern] = []
        func add(_ captures: [RegexPattern], _ counts: [NamedPattern], _ execution: Execution?) {
            patterns += captures
            patterns += counts.map(\.pattern)
            if case .log(let spec) = execution { patterns += spec.classes.map(\.pattern) + spec.captures.map(\.pattern) }
        }
        // Those of each concrete form (`Step.concreteForms`, its own and its variant's), read
        // where they are: a copy of the step for each form costs more than the reading.
        if let variants = step.variants {
            for variant in variants.cases { add(step.captures + variant.captures, step.counts + variant.counts, variant.execution) }
        } else {
            add(step.captures, step.counts, step.execution)
        }
        for branch in step.branches { patterns += branch.condition?.patterns ?? [] }
        return patterns
    }

    /// Every execution of `runbook` that must be proven read-only: each check step's, in each of
    /// its forms, and each discovery's.
    static func readOnlyQuestions(of runbook: Runbook) -> [Verdicts.Question] {
        questions(of: runbook, steps: { $0.kind == .check }, executions: { _ in true })
    }

    /// Every script of `runbook` (each step's, in each of its forms, and each discovery's), where
    /// it is written: those `SecretArgv` reads when the runbook has a secret.
    static func scriptQuestions(of runbook: Runbook) -> [Verdicts.Question] {
        questions(of: runbook, steps: { _ in true }) {
            if case .script = $0 { true } else { false }
        }
    }

    /// Each discovery's execution and, of the steps `steps` keeps, each concrete form's
    /// (`Step.concreteForms`: every form is written where its step is), those `executions` keeps.
    private static func questions(
        of runbook: Runbook, steps: (Step) -> Bool, executions keeps: (Execution) -> Bool
    ) -> [Verdicts.Question] {
        var questions: [Verdicts.Question] = []
        for input in runbook.inputs {
            if let discovery = input.discovery, keeps(discovery.execution) {
                questions.append(.init(execution: discovery.execution, location: discovery.location))
            }
        }
        for step in runbook.steps where steps(step) {
            let executions = step.variants.map { $0.cases.compactMap(\.execution) } ?? [step.execution].compactMap { $0 }
            for execution in executions where keeps(execution) { questions.append(.init(execution: execution, location: step.location)) }
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

    /// Why the default of `input` is not a valid value for it (`InputDefinition.problem(with:)`),
    /// or could not be checked: the answer worked out before, else worked out now.
    func defaultProblem(of input: InputDefinition, _ value: String) -> InputDefinition.ValueProblem? {
        if let finding = verdicts.defaults[input] { return finding.problem }
        return input.check(value, compiledPattern: { try? Regex($0.source) }, matcher: matcher)
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
