/// The structural checks of a runbook bundle: references (steps, causes), reachability, loops,
/// variables, regexes, defaults, the check/action split and where secrets may go.
///
/// The loader has already checked the shape of every key; the validator checks what only the
/// whole runbook (and the runbooks it calls) can tell.
public struct Validator: Sendable {
    /// The answers to the costly questions (regexes, read-only proofs), worked out before the
    /// passes read them (`Validator+Verdicts.swift`).
    var verdicts = Verdicts()
    /// What matches inputs' patterns over their defaults, each within
    /// `InputDefinition.patternMilliseconds` as a run would: a default it could not check in time
    /// is an error. Nil matches in this process, unbounded: for callers whose runbooks cannot
    /// hold a pattern that backtracks for hours (tests), since nothing could stop it.
    public var matcher: (any PatternMatcher)?

    /// Creates a validator that checks defaults with `matcher` (see `matcher`).
    public init(matcher: (any PatternMatcher)? = nil) {
        self.matcher = matcher
    }

    init(verdicts: Verdicts, matcher: (any PatternMatcher)?) {
        self.verdicts = verdicts
        self.matcher = matcher
    }

    /// This validator with the costly answers for `runbooks` worked out, all at once and on
    /// every core (`Validator+Verdicts.swift`): for validating several bundles whose runbooks
    /// are known up front.
    /// `compiled` holds what patterns were found to compile to already (`PatternPipeline`).
    public func prepared(for runbooks: [Runbook], compiled: [String: RegexPattern.Compilation] = [:]) -> Validator {
        prepared(for: runbooks, compiledMeanwhile: { compiled })
    }

    /// This validator prepared as `prepared(for:compiled:)` does, with `compiled` asked for once
    /// the questions are listed (and before any is answered): a worker compiling patterns
    /// meanwhile (`PatternPipeline.finish()`) goes on while they are listed.
    public func prepared(for runbooks: [Runbook], compiledMeanwhile compiled: () -> [String: RegexPattern.Compilation]) -> Validator {
        // An input's pattern with a default to check is compiled beside that check (`Verdicts.adding`).
        let checked = Set(runbooks.flatMap { $0.inputs.compactMap { Self.checkedDefault(of: $0) == nil ? nil : $0.pattern?.source } })
        let verdicts = verdicts.adding(runbooks, matcher: matcher) { compiled().filter { !checked.contains($0.key) } }
        return Validator(verdicts: verdicts, matcher: matcher)
    }

    /// Every problem in `bundle`, unsorted.
    public func validate(_ bundle: RunbookBundle) -> [Diagnostic] {
        validate(bundle, only: bundle.runbooks.keys.sorted())
    }

    /// The problems of the runbooks of `bundle` at `paths` (those of `bundle.runbooks` to check;
    /// the others only supply what these call), and the call cycles from the root. Validating a
    /// set of files, each is checked once however many of them call it.
    public func validate(_ bundle: RunbookBundle, only paths: [String]) -> [Diagnostic] {
        let runbooks = paths.compactMap { bundle.runbooks[$0] }
        let validator = Validator(verdicts: verdicts.adding(runbooks, matcher: matcher), matcher: matcher)
        // The passes read the runbooks and the verdicts and nothing else: they run side by side,
        // their diagnostics in the order they would come in one after the other.
        var passes: [@Sendable () -> [Diagnostic]] = []
        for runbook in runbooks {
            for form in validator.concreteForms(of: runbook) { passes += validator.passes(of: form, in: bundle) }
            passes.append { validator.reuseProblems(runbook) + validator.needlessVouches(runbook) + validator.discoveryProblems(runbook) }
        }
        passes.append { callCycles(in: bundle) + causeConflicts(in: bundle) }
        return Concurrently.diagnostics(passes)
    }

    /// The problems of one runbook; `bundle` supplies the runbooks it calls.
    public func validate(_ runbook: Runbook, in bundle: RunbookBundle? = nil) -> [Diagnostic] {
        Validator(verdicts: verdicts.adding([runbook], matcher: matcher), matcher: matcher).problems(of: runbook, in: bundle)
    }

    /// The problems of one runbook, with the verdicts already worked out.
    private func problems(of runbook: Runbook, in bundle: RunbookBundle?) -> [Diagnostic] {
        Concurrently.diagnostics(passes(of: runbook, in: bundle))
    }

    /// The independent passes over one runbook, in the order their diagnostics are listed.
    private func passes(of runbook: Runbook, in bundle: RunbookBundle?) -> [@Sendable () -> [Diagnostic]] {
        [
            { references(runbook) },
            { reachability(runbook) },
            { variables(runbook) },
            { environmentNames(runbook) },
            { regexes(runbook) },
            { defaults(runbook) },
            { hostProblems(runbook) },
            { causeProblems(runbook, in: bundle) },
            { stepRules(runbook, in: bundle) },
        ]
    }

    /// Every step reference that names no step, and every step id used twice.
    private func references(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let ids = Set(runbook.steps.map(\.id))
        func check(_ reference: StepReference, _ what: @autoclosure () -> String) {
            guard !ids.contains(reference.id) else { return }
            let hint = Spelling.suggestion(for: reference.id, among: ids).map { "did you mean '\($0)'?" }
            out.append(.error("\(what()) names step '\(reference.id)', which does not exist", at: reference.location, hint: hint))
        }
        if let start = runbook.start { check(start, "'start'") }
        var seenIDs: Set<String> = []
        for step in runbook.steps {
            let id = step.id
            if !seenIDs.insert(id).inserted {
                out.append(.error("step id '\(id)' is used twice", at: step.location))
            }
            for branch in step.branches { check(branch.next, "a branch of '\(id)'") }
            if let skip = step.skip { check(skip, "'skip' of '\(id)'") }
            for option in step.options { check(option.next, "an option of '\(id)'") }
        }
        return out
    }

    /// The rules of each step, and the inputs each call passes to the runbook it calls.
    private func stepRules(_ runbook: Runbook, in bundle: RunbookBundle?) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for step in runbook.steps {
            out += rules(for: step, in: runbook)
            if let call = step.call, let callee = bundle?.runbook(for: call) {
                out += callInputs(step, call, callee, caller: runbook)
            }
        }
        return out
    }

    // MARK: - Reachability and loops

    /// A step id used twice means its first step, as `Runbook.step(_:)` does.
    private func reachability(_ runbook: Runbook) -> [Diagnostic] {
        let steps = runbook.steps
        let count = steps.count
        let indices = 0..<count
        var positions: [String: Int] = [:]
        positions.reserveCapacity(count)
        for index in indices where positions[steps[index].id] == nil { positions[steps[index].id] = index }
        guard let startID = runbook.startID, let start = positions[startID] else { return [] }
        // Where each step's branches, skip and options lead (`Step.successors`), among steps
        // that exist.
        var successors = indices.map { index in
            var next: [Int] = []
            for branch in steps[index].branches { positions[branch.next.id].map { next.append($0) } }
            if let skip = steps[index].skip, let position = positions[skip.id] { next.append(position) }
            for option in steps[index].options { positions[option.next.id].map { next.append($0) } }
            // A rolling action's check runs between its batches.
            if let verify = steps[index].batch?.verify, let position = positions[verify.id] { next.append(position) }
            return next
        }
        // A check without branches runs only as a batch's verify and hands back to its action.
        for index in indices where steps[index].kind == .check && steps[index].branches.isEmpty {
            for action in indices where steps[action].batch?.verify?.id == steps[index].id { successors[index].append(action) }
        }
        let canonical = indices.map { index in positions[steps[index].id] ?? index }
        var reached = [Bool](repeating: false, count: count)
        reached[start] = true
        var queue = [start]
        while let index = queue.popLast() {
            for next in successors[index] where !reached[next] {
                reached[next] = true
                queue.append(next)
            }
        }
        var out: [Diagnostic] = []
        for index in indices where !reached[canonical[index]] {
            out.append(
                .warning(
                    "step '\(steps[index].id)' cannot be reached from the start", at: steps[index].location,
                    hint: "no branch, option or skip leads here"))
        }
        // Walk backwards from the ends: a reached step from which no end can be reached is a trap.
        var predecessors = [[Int]](repeating: [], count: count)
        for index in indices {
            for next in successors[index] { predecessors[next].append(canonical[index]) }
        }
        var canEnd = [Bool](repeating: false, count: count)
        var work: [Int] = []
        for index in indices where steps[index].kind == .conclusion && !canEnd[canonical[index]] {
            canEnd[canonical[index]] = true
            work.append(canonical[index])
        }
        while let index = work.popLast() {
            for previous in predecessors[index] where !canEnd[previous] {
                canEnd[previous] = true
                work.append(previous)
            }
        }
        for index in indices where reached[canonical[index]] && !canEnd[canonical[index]] {
            out.append(
                .error(
                    "from step '\(steps[index].id)' no conclusion can ever be reached; the walk would loop or stop here forever",
                    at: steps[index].location))
        }
        return out
    }

    // MARK: - Variables

    private func variables(_ runbook: Runbook) -> [Diagnostic] {
        var defined: Set<String> = Set(runbook.inputs.map(\.name))
        for step in runbook.steps {
            for capture in step.captures { defined.formUnion(groupNames(of: capture)) }
            for capture in step.logCaptures { defined.formUnion(groupNames(of: capture.pattern)) }
            for count in step.counts { defined.insert(count.name) }
            if let name = step.setsVariable { defined.insert(name) }
            for output in step.call?.outputs ?? [] { defined.insert(output.name) }
            for capture in step.hostCaptures { defined.formUnion([capture.name, capture.name + "_count"]) }
            if step.placement.isHostSet { defined.formUnion(["unreachable_hosts", "unreachable_hosts_count"]) }
        }
        let secrets = runbook.secretNames
        var out: [Diagnostic] = []
        func use(_ template: Template, _ what: @autoclosure () -> String, secretsAllowed: Bool) {
            for name in template.variables {
                if !defined.contains(name) {
                    // A duration's seconds and a URL's parts reach scripts only; a template naming one is told so.
                    let hint =
                        runbook.derivedVariables[name.uppercased()].map {
                            "\($0.type == .url ? "the parts" : "the seconds") of the \($0.type.rawValue) input '\($0.name)' reach scripts only, as $\(name.uppercased())"
                        }
                        ?? Spelling.suggestion(for: name, among: defined).map { "did you mean '\($0)'?" }
                    out.append(.error("\(what()) uses '${\(name)}', which no input defines and no step captures", at: template.location, hint: hint))
                } else if secrets.contains(name), !secretsAllowed {
                    out.append(.error("\(what()) uses the secret '\(name)'; it would be shown and recorded", at: template.location))
                }
            }
        }
        for set in runbook.hostSets {
            if case .list(let hosts) = set.source { for host in hosts { use(host, "host set '\(set.name)'", secretsAllowed: false) } }
        }
        for step in runbook.steps {
            let id = step.id
            if case .command(let argv) = step.execution {
                for element in argv {
                    for name in element.variables where secrets.contains(name) {
                        out.append(
                            .error(
                                "the command of '\(id)' puts the secret '\(name)' in argv, where any user can read it with ps",
                                at: element.location, hint: "pass it in an http probe's body or to a script, which gets it as $\(name.uppercased())"))
                    }
                    use(element, "the command of '\(id)'", secretsAllowed: true)
                }
            }
            if case .http(let spec) = step.execution {
                use(spec.url, "the url of '\(id)'", secretsAllowed: true)
                if let socket = spec.unixSocket { use(socket, "the unix_socket of '\(id)'", secretsAllowed: false) }
                for header in spec.headers { use(header.value, "a header of '\(id)'", secretsAllowed: true) }
                switch spec.body {
                case .none: break
                case .text(let t): use(t, "the body of '\(id)'", secretsAllowed: true)
                case .json(let j): for t in j.templates { use(t, "the body of '\(id)'", secretsAllowed: true) }
                }
            }
            if case .tcp(let spec) = step.execution {
                use(spec.host, "the tcp host of '\(id)'", secretsAllowed: false)
                use(spec.port, "the tcp port of '\(id)'", secretsAllowed: false)
            }
            if case .log(let spec) = step.execution {
                use(spec.file, "the log file of '\(id)'", secretsAllowed: false)
                if let server = spec.server { use(server, "the log server of '\(id)'", secretsAllowed: false) }
                if let zone = spec.zone { use(zone, "the log zone of '\(id)'", secretsAllowed: false) }
                if let problem = sinceProblem(spec.since, runbook) {
                    out.append(
                        .error("the 'since' of '\(id)' \(problem)", at: spec.since.location, hint: "write a duration (15m) or ${error_window}"))
                }
            }
            if let execution = step.execution, case .script(let text, let location) = execution {
                out += placeholderWarnings(in: text, at: location.own, of: "the script of '\(id)'", values: defined, reaching: "inputs and captures")
                out += secretArgvProblems(
                    in: text, at: location, of: execution, writtenAt: step.location, what: "the script of '\(id)'", secrets: secrets)
            }
            if let target = step.target { use(target, "the target of '\(id)'", secretsAllowed: false) }
            if let host = step.placement.hostTemplate { use(host, "the host of '\(id)'", secretsAllowed: false) }
            for branch in step.branches {
                if let because = branch.because { use(because, "a 'because' of '\(id)'", secretsAllowed: false) }
                for name in branch.condition?.variables ?? [] where !defined.contains(name) {
                    let hint = Spelling.suggestion(for: name, among: defined).map { "did you mean '\($0)'?" }
                    out.append(
                        .error(
                            "a condition of '\(id)' reads '\(name)', which no input defines and no step captures", at: branch.location,
                            hint: hint))
                }
            }
            if let summary = step.conclusion?.summary { use(summary, "the summary of '\(id)'", secretsAllowed: false) }
            for (_, value) in step.call?.with ?? [] { use(value, "an input passed by '\(id)'", secretsAllowed: true) }
        }
        return out
    }

    /// What makes a compiled pattern's matching time explode, and the fix, for the warning; nil
    /// when nothing does (see `RegexPattern.nestedQuantifier`, `overlappingAlternatives`).
    static func backtracking(_ compilation: RegexPattern.Compilation) -> (what: String, fix: String)? {
        if let nested = compilation.nestedQuantifier {
            return (
                "that holds a repetition (\(nested))",
                "repeat the inner part once (a+ rather than (a+)+), or make the alternatives unable to match the same text"
            )
        }
        if let overlapping = compilation.overlappingAlternatives {
            return (
                overlapping.description,
                "make the alternatives unable to match the same text (a+ rather than (a|aa)+), or bound the repetition"
            )
        }
        return nil
    }

    /// `${name}` in a script is the shell's; when it names one of the runbook's `values` it is
    /// almost always meant as that value, which scripts receive as $NAME. `reaching` says which
    /// values reach the script (`inputs and captures`).
    func placeholderWarnings(in text: String, at location: SourceLocation, of what: String, values: Set<String>, reaching: String) -> [Diagnostic] {
        Template(text, at: location).variables.filter { values.contains($0) && $0 != $0.uppercased() }.map { name in
            .warning(
                "\(what) writes '${\(name)}', which the shell will not fill in; scripts are never templated", at: location,
                hint: "\(reaching) reach scripts as environment variables: write \"$\(name.uppercased())\"")
        }
    }

    /// Why a log probe's templated `since` may not render to a duration: it must be exactly one
    /// `${name}` naming a required `duration` input, whose value is checked as a duration before
    /// the walk starts. (A name nothing defines is reported where every template is checked.)
    private func sinceProblem(_ since: Template, _ runbook: Runbook) -> String? {
        guard let name = since.variables.first else { return nil }
        guard since.segments == [.variable(name)] else { return "must be a duration or a single ${name}, not '\(since.raw)'" }
        guard let input = runbook.input(name) else {
            let captured = runbook.steps.contains { step in
                step.captures.contains { groupNames(of: $0).contains(name) } || step.counts.contains { $0.name == name }
                    || step.logCaptures.contains { groupNames(of: $0.pattern).contains(name) }
            }
            return captured ? "uses '${\(name)}', a captured value, which is not checked as a duration" : nil
        }
        if input.type != .duration { return "uses '${\(name)}', an input of type \(input.type.rawValue), not duration" }
        if !input.isRequired { return "uses '${\(name)}', an input that may be left empty" }
        return nil
    }

    // MARK: - Regular expressions and defaults

    private func regexes(_ runbook: Runbook) -> [Diagnostic] {
        var patterns: [RegexPattern] = runbook.inputs.compactMap(\.pattern)
        for step in runbook.steps {
            patterns += step.captures
            patterns += step.counts.map(\.pattern)
            if case .log(let spec) = step.execution { patterns += spec.classes.map(\.pattern) + spec.captures.map(\.pattern) }
            for branch in step.branches { patterns += branch.condition?.patterns ?? [] }
        }
        // Compiling is what tells whether a pattern is sound, and Swift's message says what is
        // wrong (each distinct pattern was compiled once, in `verdicts`).
        var out: [Diagnostic] = []
        for pattern in patterns {
            let compilation = compilation(of: pattern)
            if let problem = compilation.problem {
                out.append(.error("the regex '\(pattern.source)' does not compile: \(problem)", at: pattern.location))
            } else if let (what, fix) = Self.backtracking(compilation) {
                out.append(
                    .warning(
                        "the regex '\(pattern.source)' repeats a group \(what): on a line that almost matches, "
                            + "matching can take longer than the step's timeout", at: pattern.location, hint: fix))
            }
        }
        for step in runbook.steps {
            for capture in step.captures where compilation(of: capture).problem == nil && groupNames(of: capture).isEmpty {
                out.append(
                    .error(
                        "capture regex has no named group, so it captures nothing", at: capture.location,
                        hint: "name the part to keep: 'RestartCount=(?<restarts>\\d+)'"))
            }
            for capture in step.logCaptures where compilation(of: capture.pattern).problem == nil && groupNames(of: capture.pattern).isEmpty {
                out.append(
                    .error(
                        "the log capture's pattern has no named group, so it captures nothing", at: capture.pattern.location,
                        hint: "name the part to keep: 'upstream: \"[a-z]+://(?<failed_upstreams>[^/\"]+)'"))
            }
        }
        return out
    }

    private func defaults(_ runbook: Runbook) -> [Diagnostic] {
        runbook.inputs.compactMap { input in
            guard let value = Self.checkedDefault(of: input), let problem = defaultProblem(of: input, value) else { return nil }
            let location = input.defaultLocation ?? input.location
            guard let unfinished = problem.unfinished, let pattern = input.pattern else {
                return .error("the default of '\(input.name)' is not a valid value: \(problem.text)", at: location)
            }
            let what =
                "the default of '\(input.name)' could not be checked against its pattern \(pattern.source): "
                + "matching \(unfinished.reason.explanation)"
            guard case .deadline = unfinished.reason else {
                // The matching process failed (it could not start, or it was killed) or Medic was
                // told to stop: that says nothing about the pattern, so no hint blames it.
                return .error(what, at: location)
            }
            // Neither valid nor invalid; but a run gives the check the same time, and refuses a
            // value it could not check, so this default could never be used.
            return .error(
                what + "; a run would refuse it the same way", at: location,
                hint: "make the pattern unable to backtrack over it (a+ rather than (a+)+), or give another default")
        }
    }

    // MARK: - Per-step rules

    private func rules(for step: Step, in runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if step.kind == .check, let execution = step.execution {
            let finding = finding(execution, at: step.location)
            // Only checks on this machine run in the read-only mount namespace; ssh runs the others.
            if let (reason, location) = finding.sandboxWrite, step.writableFileSystem == nil, !step.placement.isRemote {
                out.append(Self.sandboxWriteWarning("check '\(step.id)'", reason, at: location))
            }
            if let (reason, location) = finding.problem, step.vouch == nil {
                out.append(
                    .error(
                        "check '\(step.id)' must be provably read-only, but \(reason)", at: location,
                        hint:
                            "make it an 'action', which runs only after the operator confirms it, or, when you know it changes nothing, vouch for it with 'read_only: {reason: \"…\"}'"
                    ))
            }
        }
        if step.kind == .action {
            let examined = step.branches.contains { $0.condition?.examinesResult ?? false }
            if !step.branches.isEmpty, !examined {
                out.append(
                    .error(
                        "action '\(step.id)' goes on the same way whether it succeeds or fails", at: step.location,
                        hint: "add a branch on 'succeeded', 'exit', 'status' or 'timed_out' before 'otherwise'"))
            }
            if step.confirmation == .typeTarget, step.target == nil {
                out.append(.error("action '\(step.id)' asks to type the target but names no 'target'", at: step.location))
            }
        }
        if step.kind == .question, let name = step.setsVariable, runbook.input(name) != nil {
            out.append(.warning("question '\(step.id)' overwrites the input '\(name)' with the chosen answer", at: step.location))
        }
        return out
    }

    /// A check (or discovery) that writes outside its scratch folder without `writable_fs`: it
    /// would fail at run time in the read-only mount namespace, on root's machines only.
    static func sandboxWriteWarning(_ what: String, _ reason: String, at location: SourceLocation) -> Diagnostic {
        .warning(
            "\(what) will fail in Medic's read-only check sandbox: \(reason)", at: location,
            hint: "let it run on the real file system with 'writable_fs: {reason: \"…\"}', saying what it writes")
    }

    /// Checks vouched for that Medic proves read-only in every form: the vouch would only make the
    /// operator confirm them for nothing.
    private func needlessVouches(_ runbook: Runbook) -> [Diagnostic] {
        runbook.steps.compactMap { step in
            guard step.kind == .check, let vouch = step.vouch else { return nil }
            let proven = step.concreteForms.allSatisfy { form in
                form.execution.map { readOnlyProblem($0, at: form.location) == nil } ?? true
            }
            guard proven else { return nil }
            return .warning(
                "check '\(step.id)' is provably read-only, so its 'read_only' is not needed", at: vouch.location,
                hint: "remove it: the operator would be asked to confirm a check for nothing")
        }
    }

    // MARK: - Runbook calls

    private func callInputs(_ step: Step, _ call: RunbookCall, _ callee: Runbook, caller: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let given = Set(call.with.map(\.name))
        for name in given where callee.input(name) == nil {
            out.append(.error("'\(step.id)' passes '\(name)' to \(call.path), which has no such input", at: call.location))
        }
        for input in callee.inputs
        where input.isRequired && input.defaultValue == nil && !given.contains(input.name) && caller.input(input.name) == nil {
            out.append(
                .error(
                    "'\(step.id)' calls \(call.path) without its required input '\(input.name)'", at: call.location,
                    hint: "pass it with 'with: {\(input.name): …}'"))
        }
        // A secret handed over stays a secret: only a `type: secret` input of the called runbook,
        // whose steps are held to the secret rules (never in argv, a target or a host), may take it.
        let secrets = caller.secretNames
        for (name, value) in call.with {
            guard let read = value.variables.first(where: secrets.contains), let input = callee.input(name), !input.isSecret else { continue }
            out.append(
                .error(
                    "'\(step.id)' passes the secret '\(read)' to '\(name)' of \(call.path), which is not a secret input; its steps could show it or put it in argv",
                    at: value.location, hint: "declare '\(name)' with type: secret in \(call.path), or pass it something else"))
        }
        for input in callee.inputs where !input.isSecret && !given.contains(input.name) && secrets.contains(input.name) {
            out.append(
                .error(
                    "'\(step.id)' hands its secret '\(input.name)' to \(call.path), whose input of that name is not secret; its steps could show it or put it in argv",
                    at: call.location, hint: "declare '\(input.name)' with type: secret in \(call.path)"))
        }
        return out
    }

    /// How many runbooks a chain of calls may hold, the root included. Deeper nesting is no
    /// design a person can follow at 3 a.m., and it keeps every walk over calls shallow.
    public static let maximumCallDepth = 32

    /// Calls that lead back to their own runbook, and chains of calls longer than
    /// `maximumCallDepth`. Iterative, with an explicit stack: a generated chain of thousands of
    /// runbooks cannot exhaust Medic's own stack here.
    private func callCycles(in bundle: RunbookBundle) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var onPath: Set<String> = []
        // The longest chain of runbooks starting at each finished runbook (1: it calls none), and
        // the call that continues it.
        var height: [String: Int] = [:]
        var next: [String: RunbookCall] = [:]
        func calls(of path: String) -> [(Step, RunbookCall)] {
            (bundle.runbooks[path]?.steps ?? []).compactMap { step in step.call.map { (step, $0) } }
        }
        var stack: [(path: String, index: Int)] = [(bundle.root.path, 0)]
        onPath.insert(bundle.root.path)
        while let top = stack.last {
            let pending = calls(of: top.path)
            guard top.index < pending.count else {
                var longest = 1
                for (_, call) in pending {
                    if let below = height[call.resolvedPath], below + 1 > longest {
                        longest = below + 1
                        next[top.path] = call
                    }
                }
                height[top.path] = longest
                onPath.remove(top.path)
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].index += 1
            let (step, call) = pending[top.index]
            if onPath.contains(call.resolvedPath) {
                out.append(.error("'\(step.id)' calls \(call.path), which leads back to this runbook: the walk could never end", at: call.location))
            } else if height[call.resolvedPath] == nil, bundle.runbooks[call.resolvedPath] != nil {
                onPath.insert(call.resolvedPath)
                stack.append((call.resolvedPath, 0))
            }
        }
        let length = height[bundle.root.path] ?? 1
        if length > Self.maximumCallDepth {
            // Follow the longest chain to the call that goes past the limit, and show it there.
            var path = bundle.root.path
            for _ in 1..<Self.maximumCallDepth { path = next[path]?.resolvedPath ?? path }
            if let call = next[path], let step = bundle.runbooks[path]?.steps.first(where: { $0.call == call }) {
                out.append(
                    .error(
                        "'\(step.id)' calls \(call.path), runbook \(Self.maximumCallDepth + 1) of a chain of \(length) called runbooks; calls nest at most \(Self.maximumCallDepth) deep",
                        at: call.location, hint: "fold some of the called runbooks into their callers"))
            }
        }
        return out
    }
}
