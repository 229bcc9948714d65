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
