import MedicCore

/// Running a step on a host set: one result per host, grouped when identical.
extension RunSession {
    /// The most lines of a group's shared output shown on the screen (all of it is in `show`).
    static let hostGroupLines = 10

    /// Runs `invocation` on its hosts, records each host's result, shows them grouped, and
    /// hands the walk the result with one entry per host.
    func executeOnHosts(_ invocation: Invocation) -> [WalkEffect]? {
        let remote = invocation.remote ?? RemoteTarget(hosts: [], setName: nil, forks: 1)
        if invocation.stepID != walk.currentStepID, let check = walk.currentRunbook.step(Self.localID(invocation.stepID)) {
            // A rolling action's check between batches.
            console.show("  after the batch, check: \(TerminalText.sanitize(check.title)) (\(invocation.stepID))", .plain)
        }
        if invocation.kind == .check { showCommand(invocation) }
        console.show("  on \(TerminalText.sanitize(remote.description))", .dim)
        let runRecord = RunRecord(invocation, dryRun: false)
        guard record(.run(runRecord)) else { return nil }
        let store: any OutputStore
        do {
            store = try recorder.openOutput(stepID: invocation.stepID)
        } catch {
            recordingError = "\(error)"
            return nil
        }
        var result = runner.run(invocation) { _ in }
        let masking = Masking(secrets: invocation.secrets)
        let step = walk.currentStep
        let judge = invocation.stepID == walk.currentStepID ? step : walk.currentRunbook.step(Self.localID(invocation.stepID))
        var hosts: [HostResult] = []
        var records: [HostRecord] = []
        var whole = BoundedCapture(headLimit: options.captureHeadBytes, tailLimit: options.captureTailBytes)
        var storeError: String?
        for host in result.hosts ?? [] {
            var masked = host.result
            masked.output = masking.apply(host.result.output)
            masked.failureReason = host.result.failureReason.map(masking.apply)
            var capture = BoundedCapture(headLimit: options.captureHeadBytes, tailLimit: options.captureTailBytes)
            capture.append(Array(masked.output.utf8)[...])
            let succeeded = judge.map { Extraction.succeeded($0, masked) } ?? (masked.exitStatus == 0)
            // The record's host is masked, as the journal keeps it, so that the screen and the
            // output file's section line show no secret and resuming finds that line as written.
            let hostRecord = HostRecord(
                host: masking.apply(host.host), exitStatus: masked.exitStatus, unreachable: masked.unreachable, timedOut: masked.timedOut,
                cancelled: masked.cancelled, succeeded: succeeded, durationMilliseconds: masked.durationMilliseconds,
                failureReason: masked.failureReason, excerpt: capture.excerpt(), bytes: masked.output.utf8.count)
            records.append(hostRecord)
            hosts.append(HostResult(host: host.host, result: masked))
            let section = Array(hostRecord.section(masked.output).utf8)
            whole.append(section[...])
            if storeError == nil {
                do { try store.write(section[...]) } catch { storeError = "\(error)" }
            }
        }
        showGroups(records)
        var file: String?
        do { file = try store.close() } catch { storeError = storeError ?? "\(error)" }
        if file?.isEmpty == true { file = nil }
        if let storeError {
            recordingError = storeError
            return nil
        }
        result.hosts = hosts
        result.output = whole.text
        let succeeded = records.allSatisfy(\.succeeded)
        outputs[invocation.stepID] = KeptOutput(text: result.output, lines: whole.lineCount, bytes: whole.totalBytes, file: file)
        lastOutputStepID = invocation.stepID
        if invocation.kind == .action { unverifiedActions.append(invocation.stepID) } else if succeeded { unverifiedActions.removeAll() }
        // Each host's result is in the `hosts` record: the step ran, so there is no failure reason
        // (which says it could not run at all).
        let resultRecord = ResultRecord(
            stepID: invocation.stepID, exitStatus: nil, httpStatus: nil, durationMilliseconds: result.durationMilliseconds, timedOut: false,
            cancelled: result.cancelled, failureReason: nil, notRun: nil, succeeded: succeeded)
        let outputRecord = OutputRecord(
            stepID: invocation.stepID, excerpt: whole.excerpt(), bytes: whole.totalBytes, lines: whole.lineCount, file: file)
        guard record(.hosts(HostsRecord(stepID: invocation.stepID, placement: invocation.placementText, hosts: records))),
            record(.output(outputRecord)), record(.result(resultRecord))
        else { return nil }
        return finished(result, of: invocation)
    }

    /// The groups of identical results: a line per group, then its shared output.
    func showGroups(_ records: [HostRecord]) {
        if records.isEmpty { console.show("  no hosts in the set: nothing ran", .warning) }
        for group in HostGroup.groups(records) {
            let mark = group.succeeded ? "✓" : "✗"
            console.show(
                "  \(mark) \(group.count): \(TerminalText.sanitize(group.status)) · \(TerminalText.sanitize(group.hosts.joined(separator: ", ")))",
                group.succeeded ? .success : .failure)
            let lines =
                group.output.isEmpty
                ? [] : group.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast(group.output.hasSuffix("\n") ? 1 : 0)
            for line in lines.prefix(Self.hostGroupLines) { console.show("  │ " + TerminalText.sanitize(String(line)), .output) }
            if lines.count > Self.hostGroupLines { console.show("  │ … \(lines.count - Self.hostGroupLines) more lines, `show` for all", .dim) }
        }
    }

    /// A rolling action stopped: say why, and record the hosts it never reached.
    func rolloutStopped(stepID: String, reason: String, notRun: [String]) -> Bool {
        console.show("  rollout stopped: \(TerminalText.sanitize(reason))", .warning)
        if !notRun.isEmpty { console.show("  not run on: \(TerminalText.sanitize(notRun.joined(separator: ", ")))", .warning) }
        let records = notRun.map {
            HostRecord(
                host: $0, exitStatus: nil, unreachable: false, timedOut: false, cancelled: false, succeeded: false, durationMilliseconds: 0,
                failureReason: "not run: the rollout stopped", excerpt: "")
        }
        return record(.hosts(HostsRecord(stepID: stepID, placement: "not run", hosts: records, stopped: reason)))
    }

    /// The step id inside its runbook, from a qualified id (`verify-site/health` → `health`).
    static func localID(_ qualified: String) -> String {
        qualified.split(separator: "/").last.map(String.init) ?? qualified
    }
}
