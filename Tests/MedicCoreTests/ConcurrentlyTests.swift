import MedicCore
import Testing

/// Work shared out over the cores comes back in the order of its pieces, whichever core finished first.
@Suite("Concurrently")
struct ConcurrentlyTests {
    @Test("map returns each piece's result in the order of the pieces", arguments: [0, 1, 2, 7, 1000])
    func mapKeepsOrder(count: Int) {
        // Early pieces take longest, so that later ones finish first on another core.
        let results = Concurrently.map(Array(0..<count)) { item in
            var sum = 0
            for value in 0..<((count - item) * 50) { sum &+= value }
            return (item, sum)
        }
        #expect(results.map(\.0) == Array(0..<count))
        #expect(results.map(\.1) == (0..<count).map { item in (0..<((count - item) * 50)).reduce(0, &+) })
    }

    @Test("both returns each piece's result in its own place, whichever finishes first")
    func bothKeepsPlaces() {
        let (first, second) = Concurrently.both(
            { (0..<200_000).reduce(0, &+) },
            { "second" })
        #expect(first == (0..<200_000).reduce(0, &+))
        #expect(second == "second")
    }

    @Test("the diagnostics of passes come in the order of the passes")
    func diagnosticsInOrder() {
        let location = SourceLocation(file: "r.yaml", line: 1, column: 1)
        let passes: [@Sendable () -> [Diagnostic]] = (0..<20).map { pass in
            { (0..<(pass % 3)).map { .warning("pass \(pass) finding \($0)", at: location) } }
        }
        let expected = (0..<20).flatMap { pass in (0..<(pass % 3)).map { "pass \(pass) finding \($0)" } }
        #expect(Concurrently.diagnostics(passes).map(\.message) == expected)
    }
}

/// Patterns compiled on another core while a file is read compile exactly as the validator compiles them.
@Suite("PatternPipeline")
struct PatternPipelineTests {
    static let location = SourceLocation(file: "r.yaml", line: 3, column: 5)

    @Test(
        "every pattern the worker finished compiles as RegexPattern.compilation() says, each text is taken once, and none SimpleSyntax reads"
    )
    func compiledAsTheValidatorCompiles() {
        let sources = ["NRestarts=(?<restarts>\\d+)", "(unclosed", "^(a+)+$", "plain text", "(?<x>a|aa)+", "[z-a]"]
        let pipeline = PatternPipeline()
        for round in 0..<3 {
            pipeline.submit(sources.map { RegexPattern($0, at: Self.location) } + [RegexPattern("r\\d{\(round)}", at: Self.location)])
        }
        // The worker gets as far as it gets; what it finished is exact.
        var compiled = pipeline.finish()
        for (source, compilation) in compiled { #expect(compilation == RegexPattern(source, at: Self.location).compilation()) }
        #expect(Set(compiled.keys).isSubset(of: Set(sources + ["r\\d{0}", "r\\d{1}", "r\\d{2}"])))
        // What `SimpleSyntax` reads is left to validation: no worker is woken for it.
        #expect(compiled["NRestarts=(?<restarts>\\d+)"] == nil && compiled["plain text"] == nil)
        // Nothing is taken after finishing.
        pipeline.submit([RegexPattern("late(?<y>b)", at: Self.location)])
        compiled = pipeline.finish()
        #expect(compiled["late(?<y>b)"] == nil)
    }

    @Test("a validator started from the pipeline's compilations reports exactly what one that compiles everything itself reports")
    func validatorFromPipeline() {
        var runbook = Runbook(path: "r.yaml", id: "r", title: "R")
        var step = Step(id: "a", kind: .check, location: Self.location)
        step.execution = .command([Template("true", at: Self.location)])
        step.captures = [
            RegexPattern("(?<code>\\d+)", at: Self.location), RegexPattern("(bad", at: Self.location), RegexPattern("^(x+)+$", at: Self.location),
        ]
        step.branches = [Branch(condition: nil, next: StepReference("end", at: Self.location), because: nil, location: Self.location)]
        var end = Step(id: "end", kind: .conclusion, location: Self.location)
        end.conclusion = Conclusion(outcome: .escalate, cause: "", summary: nil, causeLocation: nil)
        runbook.steps = [step, end]
        let bundle = RunbookBundle(root: runbook, runbooks: ["r.yaml": runbook])
        let pipeline = PatternPipeline()
        pipeline.submit(Validator.patterns(of: step))
        let compiled = pipeline.finish()
        let plain = Validator().validate(bundle).map(\.description).sorted()
        let piped = Validator().prepared(for: [runbook], compiled: compiled).validate(bundle, only: ["r.yaml"]).map(\.description).sorted()
        #expect(piped == plain)
        #expect(plain.contains { $0.contains("does not compile") })
        #expect(plain.contains { $0.contains("(x+)+") })
    }
}
