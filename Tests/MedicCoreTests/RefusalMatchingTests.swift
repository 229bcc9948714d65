import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `refuse_if` rules with `matches:` and the validator's check of defaults go through the
/// run's `PatternMatcher`, within a budget, like every other match: a pattern that backtracks
/// for hours can be stopped, and a value a rule could not be checked against is refused, saying
/// why; never passed as if the rule had not matched.
@Suite("Refusal rules and defaults, matched within a budget")
struct RefusalMatchingTests {
    static let runaway = "^(a+)+$"
    static let value = String(repeating: "a", count: 40) + "!"

    static let yaml = """
        medic: 1
        id: refusals
        title: Refusal rules
        inputs:
          word:
            type: string
            default: \(value)
            discover:
              command: [printf, "x"]
              capture: '(?<value>[a-z!]+)'
            refuse_if:
              - equals: nothing
                because: never
              - matches: '\(runaway)'
                because: ${word} is all a's
          other:
            type: string
            default: fine
            refuse_if:
              - matches: '^x'
                because: starts with x
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let unchecked =
        "'\(value)' could not be checked against the refuse_if pattern \(runaway): matching did not finish within 2s, and was stopped"

    @Test("a value a rule's pattern could not be checked against within 2 s is refused, and says so; the others are checked as ever")
    func uncheckedIsRefused() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let matcher = StallingMatcher(stalling: [Self.runaway])
        let findings = InputFinder(runbook: runbook, runner: FakeRunner(results: [:]), matcher: matcher).find(given: [:])
        let word = try #require(findings.first { $0.name == "word" })
        #expect(word.refusal == Self.unchecked)
        #expect(findings.first { $0.name == "other" }?.refusal == nil)
        #expect(matcher.questions.contains { $0.pattern == Self.runaway && $0.texts == [Self.value] }, "the rule was asked of the matcher")
        #expect(matcher.questions.contains { $0.pattern == "^x" && $0.texts == ["fine"] })
        #expect(matcher.budgets.allSatisfy { $0 == InputDefinition.patternMilliseconds } && matcher.budgets.count == 2, "2 s a value")
    }

    @Test("Ctrl-C or a failed matcher refuse the value too, each saying why; a rule that matches refuses with its reason")
    func otherStops() throws {
        let input = try #require(try TestSupport.runbook(Self.yaml).input("word"))
        #expect(
            input.refusal(of: Self.value, values: [:], matcher: StallingMatcher(stalling: [Self.runaway], reason: .cancelled))
                == "'\(Self.value)' could not be checked against the refuse_if pattern \(Self.runaway): matching was cancelled")
        #expect(
            input.refusal(of: Self.value, values: [:], matcher: StallingMatcher(stalling: [Self.runaway], reason: .failed("no process")))
                == "'\(Self.value)' could not be checked against the refuse_if pattern \(Self.runaway): matching failed (no process)")
        #expect(input.refusal(of: "aaaa", values: [:], matcher: StallingMatcher(stalling: [])) == "aaaa is all a's")
        #expect(input.refusal(of: "abc", values: [:], matcher: StallingMatcher(stalling: [])) == nil)
    }

    @Test("a value checked once is not matched again with the same values; a change checks it again")
    func checkedOnce() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let matcher = StallingMatcher(stalling: [Self.runaway])
        var findings = InputFinder(runbook: runbook, runner: FakeRunner(results: [:]), matcher: matcher).find(given: [:])
        let asked = matcher.questions.count
        InputFinder.checkRefusals(&findings, inputs: runbook.inputs, matcher: matcher)
        #expect(matcher.questions.count == asked)
        findings[1].value = "xyz"
        InputFinder.checkRefusals(&findings, inputs: runbook.inputs, matcher: matcher)
        #expect(findings[1].refusal == "starts with x")
        #expect(findings[0].refusal == Self.unchecked, "'word' is checked again with the new values, and still stalls")
    }

    @Test("a discovery's candidate a rule could not be checked against is passed over, saying why")
    func candidatePassedOver() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let runner = FakeRunner(results: ["discover:word": [StepResult(exitStatus: 0, output: Self.value)]])
        let findings = InputFinder(runbook: runbook, runner: runner, matcher: StallingMatcher(stalling: [Self.runaway])).find(given: [:])
        let word = try #require(findings.first { $0.name == "word" })
        #expect(word.notes == ["passed over '\(Self.value)': \(Self.unchecked)"])
        #expect(word.origin == .defaultValue)
    }

    static let defaults = """
        medic: 1
        id: defaults
        title: Defaults
        inputs:
          word: {type: string, default: "\(value)", pattern: '\(runaway)'}
          port: {type: int, default: "80", pattern: '^[0-9]+$'}
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    /// What validating `defaults` through `matcher` reports, and its diagnostic about 'word'.
    static func wordDefault(checkedBy matcher: StallingMatcher) throws -> (all: [Diagnostic], word: Diagnostic) {
        // Parsed only: validating it in process would match the default for hours.
        let runbook = try TestSupport.parsed(Self.defaults, path: "test.yaml")
        let diagnostics = Validator(matcher: matcher).validate(TestSupport.bundle(runbook))
        return (diagnostics, try #require(diagnostics.first { $0.message.hasPrefix("the default of 'word'") }))
    }

    @Test("validation matches defaults through its matcher, 2 s each: one it could not check is a located error saying so")
    func validatedDefaults() throws {
        let matcher = StallingMatcher(stalling: [Self.runaway])
        let (diagnostics, error) = try Self.wordDefault(checkedBy: matcher)
        #expect(error.severity == .error)
        #expect(
            error.message
                == "the default of 'word' could not be checked against its pattern \(Self.runaway): "
                + "matching did not finish within 2s, and was stopped; a run would refuse it the same way")
        #expect(error.location.line == 5)
        #expect(!diagnostics.contains { $0.message.contains("'port'") })
        #expect(matcher.prepared == 1, "the matching process is started before the patterns are compiled")
        #expect(Set(matcher.questions.map(\.pattern)) == [Self.runaway, "^[0-9]+$"])
        #expect(matcher.budgets == [InputDefinition.patternMilliseconds, InputDefinition.patternMilliseconds])
    }

    @Test("a default the matching process could not check because it failed is an error that blames no pattern")
    func failedMatcherBlamesNoPattern() throws {
        let matcher = StallingMatcher(stalling: [Self.runaway], reason: .failed("the matching process ended unexpectedly"))
        let (_, error) = try Self.wordDefault(checkedBy: matcher)
        #expect(error.severity == .error)
        #expect(
            error.message
                == "the default of 'word' could not be checked against its pattern \(Self.runaway): "
                + "matching failed (the matching process ended unexpectedly)")
        #expect(error.hint == nil, "no hint to change a pattern that was never the problem")
    }

    @Test("through the matcher, a default whose pattern does not compile is said to be so, whatever the matcher answered")
    func brokenPatternThroughMatcher() throws {
        let runbook = try TestSupport.parsed(
            """
            medic: 1
            id: broken
            title: Broken
            inputs:
              broken: {type: string, default: x, pattern: '(x'}
              port: {type: string, default: 80a, pattern: '^[0-9]+$'}
              fine: {type: string, default: '8080', pattern: '^[0-9]+$'}
            steps:
              end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """, path: "test.yaml")
        // The matcher is asked while the patterns compile, before it is known that '(x' does not: its failure must not be what is said.
        let matcher = StallingMatcher(stalling: ["(x"], reason: .failed("no such pattern"))
        let messages = Validator(matcher: matcher).validate(TestSupport.bundle(runbook)).map(\.message)
        #expect(messages.contains("the default of 'broken' is not a valid value: the input's pattern does not compile"), "\(messages)")
        #expect(!messages.contains { $0.contains("could not be checked") }, "\(messages)")
        #expect(messages.contains("the default of 'port' is not a valid value: '80a' does not match the pattern ^[0-9]+$"), "\(messages)")
        #expect(!messages.contains { $0.contains("'fine'") }, "\(messages)")
        #expect(matcher.prepared == 1)
        // An interrupt while it is asked is said, not swallowed by the pattern's own problem.
        let interrupted = StallingMatcher(stalling: ["(x"], reason: .cancelled)
        let said = Validator(matcher: interrupted).validate(TestSupport.bundle(runbook)).map(\.message)
        #expect(said.contains { $0.hasPrefix("the default of 'broken' could not be checked") && $0.contains("cancelled") }, "\(said)")
    }

    @Test("a runbook with no default to check against a pattern never asks the matcher, nor starts it")
    func noDefaultsNoMatcher() throws {
        let runbook = try TestSupport.runbook(Self.yaml.replacingOccurrences(of: "default: \(Self.value)", with: "required: false"))
        let matcher = StallingMatcher(stalling: [])
        _ = Validator(matcher: matcher).validate(TestSupport.bundle(runbook))
        #expect(matcher.prepared == 0 && matcher.questions.isEmpty)
    }
}
