/// Resolves every input of a runbook before step 1: given values first (`--var`, `--var-file`,
/// the environment), then what each input's discovery finds on the host, then defaults; and
/// flags what contradicts the host.
///
/// Discoveries run through the core's `StepRunner` (the real one, or a double in tests), in
/// dependency order, each with the values known so far. A discovery that cannot run, fails,
/// times out or finds nothing says so and the input falls back to its default.
public struct InputFinder {
    /// The most output of one discovery that is searched.
    static let outputLimit = 1 << 20

    let runbook: Runbook
    let runner: any StepRunner
    let matcher: any PatternMatcher
    let judge: (any ConfigurationJudge)?

    /// Creates a finder for `runbook`'s inputs that runs discoveries with `runner` and matches
    /// their captures with `matcher`, within what is left of each discovery's timeout. A
    /// discovery that names a configuration file by another input's value (`nginx -T -c
    /// "$NGINX_CONF"`) runs on this machine only when `judge` finds the file safe: nobody is
    /// asked before a discovery runs.
    public init(
        runbook: Runbook, runner: any StepRunner, matcher: any PatternMatcher = InProcessMatcher(), judge: (any ConfigurationJudge)? = nil
    ) {
        self.runbook = runbook
        self.runner = runner
        self.matcher = matcher
        self.judge = judge
    }

    /// Every input of the runbook, in declaration order, resolved from `given` (values the
    /// operator gave, already checked, with where each came from), discovery and defaults.
    /// `progress` is told which input is being discovered, for the screen.
    public func find(given: [String: (value: String, origin: InputOrigin)], progress: (String) -> Void = { _ in }) -> [InputFinding] {
        var findings: [String: InputFinding] = [:]
        var values: [String: String] = [:]
        var discovered: Set<String> = []
        // Inputs that nothing discovers are known at once; discovered ones as their turn comes.
        for input in runbook.inputs where input.discovery == nil {
            let finding = initial(input, given: given[input.name])
            findings[input.name] = finding
            values[input.name] = finding.value
        }
        let order = (try? DiscoveryOrder.order(runbook.inputs).get()) ?? []
        for name in order {
            guard let input = runbook.input(name), let discovery = input.discovery else { continue }
            var finding = initial(input, given: given[name])
            progress(name)
            discover(input, discovery, values: values, discovered: discovered, into: &finding)
            findings[name] = finding
            values[name] = finding.value
            if case .discovered = finding.origin { discovered.insert(name) }
        }
        var all = runbook.inputs.compactMap { findings[$0.name] }
        InputFinder.checkRefusals(&all, inputs: runbook.inputs, matcher: matcher)
        return all
    }

    /// `findings` with their refusals checked again, `matcher` matching the `matches` rules.
    public static func refreshed(_ findings: [InputFinding], inputs: [InputDefinition], matcher: any PatternMatcher) -> [InputFinding] {
        var findings = findings
        checkRefusals(&findings, inputs: inputs, matcher: matcher)
        return findings
    }

    /// Refuses, in `findings`, every value a `refuse_if` rule of its input refuses, or that a rule
    /// could not be checked against (`InputDefinition.refusal(of:values:matcher:)`), and clears
    /// refusals that no longer hold (after a `set`). Returns what stopped a rule's matching when
    /// Medic was told to stop meanwhile (SIGTERM, a hang-up), for the caller to stop too.
    @discardableResult
    public static func checkRefusals(_ findings: inout [InputFinding], inputs: [InputDefinition], matcher: any PatternMatcher) -> MatchUnfinished? {
        var values: [String: String] = [:]
        for finding in findings where !finding.isSecret { values[finding.name] = finding.value }
        var stopped: MatchUnfinished?
        for index in findings.indices {
            let name = findings[index].name
            guard let input = inputs.first(where: { $0.name == name }) else { continue }
            var basis = values
            basis[name] = findings[index].value
            if findings[index].refusalBasis == basis { continue }
            let refusal = input.refusalCheck(of: findings[index].value, values: values, matcher: matcher)
            findings[index].refusal = refusal?.text
            findings[index].refusalBasis = basis
            if let unfinished = refusal?.unfinished, unfinished.reason == .stopped {
                stopped = unfinished
                break
            }
        }
        return stopped
    }

    /// The value before discovery: given, else the default, else none.
    private func initial(_ input: InputDefinition, given: (value: String, origin: InputOrigin)?) -> InputFinding {
        if let given { return InputFinding(name: input.name, value: given.value, origin: given.origin, isSecret: input.isSecret) }
        if input.isSecret { return InputFinding(name: input.name, value: "", origin: .askedLate, isSecret: true) }
        if let value = input.defaultValue { return InputFinding(name: input.name, value: value, origin: .defaultValue) }
        return InputFinding(name: input.name, value: "", origin: .none)
    }

    /// Runs `discovery` and settles `finding`: the discovered value replaces a default or no
    /// value; a given value stays, flagged when discovery found otherwise. `discovered` names the
    /// inputs whose values discovery found so far: none of them is a host to connect to.
    private func discover(
        _ input: InputDefinition, _ discovery: Discovery, values: [String: String], discovered: Set<String>, into finding: inout InputFinding
    ) {
        let needed = DiscoveryOrder.dependencies(of: input, among: runbook.inputs)
        let missing = needed.filter { (values[$0] ?? "").isEmpty }
        if !missing.isEmpty {
            finding.notes.append("not discovered: it needs \(missing.joined(separator: ", ")), which \(missing.count == 1 ? "has" : "have") no value")
            return
        }
        let host: String?
        switch discovery.placement {
        case .host(let template):
            // Validation refuses such a runbook; this holds for any other caller too.
            if let source = template.variables.first(where: discovered.contains) {
                finding.notes.append(
                    "not discovered: its host, \(source), was itself discovered, and a discovery never connects to a host a command named")
                return
            }
            let name = template.render { values[$0] ?? "" }
            if let problem = HostName.problem(name) {
                finding.notes.append("not discovered: the host to run on is not usable: \(TerminalText.sanitize(problem))")
                return
            }
            host = name
        case .local, .hosts:
            host = nil
        }
        let found = run(discovery, of: input, on: host, values: values)
        var usable: [String] = []
        switch found {
        case .failure(let failure):
            finding.notes.append("found nothing: \(failure.reason)")
            return
        case .success(let candidates):
            for candidate in candidates {
                if let problem = input.problem(with: candidate, matcher: matcher) {
                    finding.notes.append("passed over '\(TerminalText.sanitize(candidate))': \(TerminalText.sanitize(problem))")
                } else if let refusal = input.refusal(of: candidate, values: values, matcher: matcher) {
                    finding.notes.append("passed over '\(candidate)': \(refusal)")
                } else {
                    usable.append(candidate)
                }
            }
        }
        guard !usable.isEmpty else {
            if finding.notes.isEmpty { finding.notes.append("found nothing: no line of its output matched") }
            return
        }
        finding.candidates = usable
        let discovered = discovery.many ? usable.joined(separator: discovery.separator) : usable[0]
        if finding.origin.isGiven {
            let agrees = discovery.many ? finding.value == discovered : usable.contains(finding.value)
            if !agrees { finding.flags.append("given \(finding.value), but discovery found \(discovered)") }
            return
        }
        if finding.origin == .defaultValue, finding.value != discovered {
            finding.flags.append("the default \(finding.value) differs from what was found; using what was found")
        }
        finding.value = discovered
        finding.origin = .discovered(discovery.origin, host: host)
    }

    /// The candidates the discovery's output holds, or why there are none to read.
    /// On `host` over ssh when there is one (the same remote runner as a step's `where:`), on
    /// this machine otherwise.
    private func run(_ discovery: Discovery, of input: InputDefinition, on host: String?, values: [String: String]) -> Result<
        [String], DiscoveryFailure
    > {
        let payload: Invocation.Payload
        switch discovery.execution {
        case .command(let argv): payload = .command(argv: argv.map { $0.render { values[$0] ?? "" } })
        case .script(let text, _): payload = .script(text)
        default: return .failure(DiscoveryFailure("a discovery runs a command or a script"))
        }
        // Secrets are never searched with and never handed to a discovery.
        var environment: [String: String] = [:]
        for other in runbook.inputs where !other.isSecret {
            environment[other.environmentName] = values[other.name] ?? ""
            environment.merge(other.derivedEnvironment(for: values[other.name])) { _, derived in derived }
        }
        var invocation = Invocation(
            stepID: "discover:\(input.name)", kind: .check, placement: discovery.placement, timeout: discovery.timeout, payload: payload,
            environment: environment, secrets: [])
        invocation.writableFileSystem = discovery.writableFileSystem != nil
        invocation.configurationFiles = ReadOnlyCheck.examine(discovery.execution, at: discovery.location).configurationOperands.map { operand in
            if case .command = discovery.execution { return operand.resolve { values[$0] ?? "" } }
            return operand.resolve { environment[$0] }
        }
        if let host {
            // Judged on the host, before the discovery starts (`RemoteScript`).
            invocation.remote = RemoteTarget(hosts: [host], setName: nil, forks: 1)
        } else {
            for file in invocation.configurationFiles {
                let problem: String?
                switch file {
                case .failure(let unknown): problem = "\(unknown.option): \(unknown.reason)"
                case .success(let path):
                    problem = judge.map { $0.problem(path) } ?? "\(path.option) \(path.path): Medic has no way to check files here"
                }
                if let problem {
                    return .failure(DiscoveryFailure("not run, since it runs without asking: \(TerminalText.sanitize(problem))"))
                }
            }
        }
        var bytes: [UInt8] = []
        let result = runner.run(invocation) { chunk in
            if bytes.count < Self.outputLimit { bytes += chunk.prefix(Self.outputLimit - bytes.count) }
        }
        let output = String(decoding: bytes, as: UTF8.self)
        if result.unreachable, let host {
            let said = result.failureReason.map { TerminalText.sanitize($0).trimmingSpaces() } ?? ""
            return .failure(DiscoveryFailure("ssh could not reach \(host)" + (said.isEmpty ? "" : ": \(said.prefix(200))")))
        }
        if let reason = result.failureReason { return .failure(DiscoveryFailure("could not run: \(reason)")) }
        if result.timedOut { return .failure(DiscoveryFailure("timed out after \(discovery.timeout)")) }
        if result.cancelled { return .failure(DiscoveryFailure("cancelled")) }
        if let status = result.exitStatus, status != 0 {
            let first = output.split(separator: "\n").first.map { TerminalText.sanitize(String($0)).trimmingSpaces() } ?? ""
            return .failure(DiscoveryFailure("exited \(status)" + (first.isEmpty ? "" : ": \(first.prefix(200))")))
        }
        // The captures get what is left of the discovery's timeout, at least a second.
        matcher.allow(milliseconds: max(1000, Int(clamping: discovery.timeout.milliseconds) - result.durationMilliseconds))
        do {
            return .success(try discovery.candidates(in: output, matcher: matcher))
        } catch {
            let when = if case .deadline = error.reason { " at the discovery's timeout" } else { "" }
            return .failure(DiscoveryFailure("matching its capture '\(error.pattern)' \(error.reason.explanation)\(when)"))
        }
    }
}

/// Why a discovery gave no candidates.
struct DiscoveryFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
