/// The rules of inputs' `discover:` and `refuse_if:`.
extension Validator {
    /// Every problem of `runbook`'s discoveries and refusal rules.
    func discoveryProblems(_ runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let names = Set(runbook.inputs.map(\.name))
        let secrets = runbook.secretNames
        var patterns: [RegexPattern] = []
        for input in runbook.inputs {
            let name = input.name
            if let discovery = input.discovery {
                let finding = finding(discovery.execution, at: discovery.location)
                // On another host (`where:`) it runs outside Medic's sandbox, as a check step does.
                if let (reason, location) = finding.sandboxWrite, discovery.writableFileSystem == nil, !discovery.placement.isRemote {
                    out.append(Self.sandboxWriteWarning("the discovery of '\(name)'", reason, at: location))
                }
                if let (reason, location) = finding.problem {
                    out.append(
                        .error(
                            "the discovery of '\(name)' must be provably read-only, but \(reason)", at: location,
                            hint: "discovery runs before step 1 without asking; find the value with commands that only read"))
                }
                if case .command(let argv) = discovery.execution {
                    for element in argv {
                        for variable in element.variables {
                            if secrets.contains(variable) {
                                out.append(
                                    .error(
                                        "the discovery of '\(name)' puts the secret '\(variable)' in argv, where any user can read it with ps",
                                        at: element.location))
                            } else if variable == name {
                                out.append(.error("the discovery of '\(name)' uses '${\(name)}', the value it is finding", at: element.location))
                            } else if !names.contains(variable) {
                                let hint = Spelling.suggestion(for: variable, among: names).map { "did you mean '\($0)'?" }
                                out.append(
                                    .error(
                                        "the discovery of '\(name)' uses '${\(variable)}', which is not an input; discovery runs before any step captures",
                                        at: element.location, hint: hint))
                            }
                        }
                    }
                }
                if let host = discovery.placement.hostTemplate {
                    out += hostProblems(host, of: input, in: runbook)
                }
                if case .script(let text, let location) = discovery.execution {
                    out += placeholderWarnings(in: text, at: location.own, of: "the discovery script of '\(name)'", values: names, reaching: "inputs")
                    out += secretArgvProblems(
                        in: text, at: location, of: discovery.execution, writtenAt: discovery.location, what: "the discovery script of '\(name)'",
                        secrets: secrets)
                }
                patterns += discovery.captures
                for capture in discovery.captures where compilation(of: capture).problem == nil && !groupNames(of: capture).contains("value") {
                    out.append(
                        .error(
                            "a discovery's capture needs a group named 'value'", at: capture.location,
                            hint: "name the part that is the value: 'proxy_pass\\s+http://(?<value>[^;/\\s]+)'"))
                }
            }
            for rule in input.refusals {
                for template in rule.templates {
                    for variable in template.variables {
                        if secrets.contains(variable) {
                            out.append(
                                .error("a 'refuse_if' rule of '\(name)' uses the secret '\(variable)'; it would be shown", at: template.location))
                        } else if !names.contains(variable) {
                            let hint = Spelling.suggestion(for: variable, among: names).map { "did you mean '\($0)'?" }
                            out.append(
                                .error(
                                    "a 'refuse_if' rule of '\(name)' uses '${\(variable)}', which is not an input; rules are checked before any step captures",
                                    at: template.location, hint: hint))
                        }
                    }
                }
                if case .matches(let pattern) = rule.test { patterns.append(pattern) }
            }
        }
        for pattern in patterns {
            if let problem = compilation(of: pattern).problem {
                out.append(.error("the regex '\(pattern.source)' does not compile: \(problem)", at: pattern.location))
            }
        }
        if case .failure(let cycle) = DiscoveryOrder.order(runbook.inputs), let first = cycle.names.last,
            let location = runbook.input(first)?.discovery?.location
        {
            out.append(
                .error(
                    "the discoveries of \(cycle.names.map { "'\($0)'" }.joined(separator: " → ")) read each other in a circle", at: location,
                    hint: "each input's discovery runs after those it reads; give one of them a default and no discovery of the other"))
        }
        return out
    }

    /// The problems of the host a discovery runs on (`where: {host: TEMPLATE}`): it may read
    /// only inputs that hold one host name that a person chose and that have a value when
    /// discovery runs (required, or a default), never a discovered input, never a secret, never
    /// the input being found.
    private func hostProblems(_ host: Template, of input: InputDefinition, in runbook: Runbook) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let name = input.name
        let names = Set(runbook.inputs.map(\.name))
        for variable in host.variables {
            guard let other = runbook.input(variable) else {
                let hint = Spelling.suggestion(for: variable, among: names).map { "did you mean '\($0)'?" }
                out.append(
                    .error(
                        "the discovery of '\(name)' runs on '${\(variable)}', which is not an input; discovery runs before any step captures",
                        at: host.location, hint: hint ?? "name an input that holds the host, as in {host: \"${nginx_host}\"}"))
                continue
            }
            if variable == name {
                out.append(.error("the discovery of '\(name)' runs on '${\(name)}', the value it is finding", at: host.location))
            } else if other.isSecret {
                out.append(
                    .error("the discovery of '\(name)' runs on the secret '\(variable)'; a secret is never handed to discovery", at: host.location))
            } else if other.type != .string && other.type != .choice {
                out.append(
                    .error(
                        "the discovery of '\(name)' runs on '${\(variable)}', a \(other.type.rawValue) input, which is not one host name",
                        at: host.location,
                        hint: "a discovery runs on one host: name a string input that holds it"))
            } else if other.discovery != nil {
                // Its value would be a command's output: ssh would connect there, with the
                // operator's keys and every non-secret input, before anyone has seen the inputs.
                out.append(
                    .error(
                        "the discovery of '\(name)' runs on '${\(variable)}', which is itself discovered: Medic would connect over ssh to a host named by a command's output before the operator has seen it",
                        at: host.location,
                        hint:
                            "drop the 'discover' of '\(variable)': give it by hand (--var \(variable)=HOST, a --var-file, MEDIC_VAR_\(variable); asked before discovery when required), or give it a default"
                    ))
            } else if !other.isRequired, other.defaultValue == nil {
                out.append(
                    .error(
                        "the discovery of '\(name)' runs on '${\(variable)}', which may have no value when discovery runs: it is optional and has no default",
                        at: host.location,
                        hint: "make '\(variable)' required (given, or asked before discovery), or give it a default"))
            }
        }
        return out
    }
}
