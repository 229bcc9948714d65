import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// The inputs screen when a `refuse_if` pattern cannot be checked: the value is refused and the
/// screen says why; a `set` checks again; SIGTERM during the check ends the review.
@Suite("The inputs screen and a refuse_if pattern that stalls")
struct InputReviewRefusalTests {
    static let runaway = "^(a+)+$"
    static let value = String(repeating: "a", count: 40) + "!"
    static let yaml = """
        medic: 1
        id: review
        title: Review
        inputs:
          word:
            type: string
            default: \(value)
            refuse_if:
              - matches: '\(runaway)'
                because: ${word} is all a's
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func findings() -> [InputFinding] { [InputFinding(name: "word", value: value, origin: .defaultValue)] }

    static let unchecked =
        "'\(value)' could not be checked against the refuse_if pattern \(runaway): matching did not finish within 2s, and was stopped"

    @Test("unattended, the value is refused with why it could not be checked, and nothing is accepted")
    func unattended() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(interactive: false)
        let review = InputReview(inputs: runbook.inputs, console: console, matcher: StallingMatcher(stalling: [Self.runaway]))
        #expect(review.review(Self.findings(), ask: false) == .refused("'word' is refused: \(Self.unchecked)"))
        #expect(console.screen.contains("✗ refused: \(Self.unchecked)"))
    }

    @Test("at a terminal, yes is refused while the value is unchecked, and set to a value the rule checks lets the run go on")
    func setAnother() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(replies: [.line("yes"), .line("set word=abc"), .line("yes")])
        let review = InputReview(inputs: runbook.inputs, console: console, matcher: StallingMatcher(stalling: [Self.runaway], over: [Self.value]))
        guard case .accepted(let accepted) = review.review(Self.findings(), ask: true) else {
            Issue.record("not accepted: \(console.screen)")
            return
        }
        #expect(accepted.first?.value == "abc" && accepted.first?.refusal == nil)
        #expect(console.screen.contains("'word' is refused: \(Self.unchecked); change it with set NAME=VALUE"))
    }

    @Test("SIGTERM while a rule's pattern is matched ends the review: nothing is accepted, nothing asked")
    func terminated() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(replies: [.line("yes")])
        let review = InputReview(inputs: runbook.inputs, console: console, matcher: StallingMatcher(stalling: [Self.runaway], reason: .stopped))
        #expect(review.review(Self.findings(), ask: true) == .stopped)
        #expect(console.prompts.isEmpty)
    }
}
