import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// Rebuilding a walk from a run's journal, as `medic resume` does, against journals a real
/// session recorded.
@Suite("Replaying a journal")
struct JournalReplayTests {
    typealias H = RunSessionTests

    /// A fresh walk over the session tests' runbook, with the harness's inputs.
    func freshWalk() throws -> Walk {
        Walk(bundle: TestSupport.bundle(try TestSupport.runbook(H.yaml)), inputs: ["service": "app", "target": "web1", "password": ""])
    }

    @Test("a dry run's journal replays along the path the run took: a not-run action is the success the walk was given")
    func dryRun() throws {
        let h = try H.harness([], dryRun: true)
        _ = h.session.run(start: H.start)
        var walk = try freshWalk()
        let outcome = JournalReplay.replay(
            h.recorder.events, keptOutput: { record, _ in (String(decoding: h.recorder.outputs[record.stepID] ?? [], as: UTF8.self), nil) },
            hostOutputs: { _, _, _ in nil }, on: &walk)
        #expect(outcome.problem == nil)
        #expect(walk.path == h.session.path)
        #expect(walk.isEnded)
    }

    @Test("a step's output read back differently from the run is caught at the branch it changes")
    func divergingOutput() throws {
        let h = try H.harness([.line("yes")])
        _ = h.session.run(start: H.start)
        #expect(h.session.path.starts(with: ["look", "fix"]))
        var walk = try freshWalk()
        let outcome = JournalReplay.replay(h.recorder.events, keptOutput: { _, _ in ("all fine\n", nil) }, hostOutputs: { _, _, _ in nil }, on: &walk)
        #expect(outcome.problem == "at 'look' the run went to 'fix', but replaying its journal goes to 'ask'")
    }

    @Test("an output that cannot be read back stops the replay, saying why")
    func unreadableOutput() throws {
        struct Gone: Error, CustomStringConvertible { var description: String { "the file is gone" } }
        let h = try H.harness([.line("yes")])
        _ = h.session.run(start: H.start)
        var walk = try freshWalk()
        let outcome = JournalReplay.replay(h.recorder.events, keptOutput: { _, _ in throw Gone() }, hostOutputs: { _, _, _ in nil }, on: &walk)
        #expect(outcome.problem == "the output of 'look' could not be read back: the file is gone")
    }

    @Test("where the run took no branch (its matching did not finish), a replay that branches there is refused")
    func stalledWhereReplayBranches() throws {
        let h = try H.harness([.line("yes")])
        _ = h.session.run(start: H.start)
        var events = h.recorder.events
        let index = try #require(events.firstIndex { if case .branch(let taken) = $0 { taken.from == "look" } else { false } })
        events[index] = .stalled(stepID: "look", reason: "matching did not finish within the step's deadline")
        events.removeSubrange((index + 1)...)
        var walk = try freshWalk()
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (String(decoding: h.recorder.outputs[record.stepID] ?? [], as: UTF8.self), nil) },
            hostOutputs: { _, _, _ in nil }, on: &walk)
        #expect(outcome.problem == "at 'look' the run took no branch, but replaying its journal goes to 'fix'")
    }

    @Test(
        "a 'set' in the journal is held to the checks the prompt makes: a value the input refuses, a secret's value or an unknown name stops the replay",
        arguments: [
            ("set service=BAD1", "'BAD1' does not match the pattern ^[a-z]+$"),
            ("set password=hunter2", "'password' is secret, and a secret is never written to a journal"),
            ("set nothing=1", "there is no variable 'nothing' at that step"),
            ("set service=web", nil),
        ])
    func replayedSet(command: String, problem: String?) throws {
        let h = try H.harness([.line("yes")])
        _ = h.session.run(start: H.start)
        var events = h.recorder.events
        let index = try #require(events.firstIndex { if case .result(let result) = $0 { result.stepID == "look" } else { false } })
        events.insert(.command(stepID: "look", text: command), at: index)
        var walk = try freshWalk()
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (String(decoding: h.recorder.outputs[record.stepID] ?? [], as: UTF8.self), nil) },
            hostOutputs: { _, _, _ in nil }, on: &walk)
        let name = command.dropFirst(4).prefix { $0 != "=" }
        #expect(outcome.problem == problem.map { "record \(index + 1) sets '\(name)', which the prompt would have refused: \($0)" })
        if problem == nil { #expect(walk.variables["service"] == "web") }
    }
}
