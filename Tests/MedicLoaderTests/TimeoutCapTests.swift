import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Step timeouts are capped at 1h; a step may go past the cap only with a reason written beside
/// it in `timeout_beyond_cap`, and `defaults.timeout` may not go past it at all.
@Suite("The timeout cap")
struct TimeoutCapTests {
    func errors(timeout: String, reason: String? = nil, defaults: String? = nil) -> [Diagnostic] {
        let text = """
            medic: 1
            id: t
            title: T
            \(defaults.map { "defaults:\n  timeout: \($0)\n" } ?? "")steps:
              a:
                kind: check
                title: A
                why: w
                command: [true]
                timeout: \(timeout)
            \(reason.map { "    timeout_beyond_cap: \"\($0)\"\n" } ?? "")    branches:
                  - otherwise: end
            \(TestSupport.runbookEnding())
            """
        return RunbookLoader().parse(text, path: "t.yaml").diagnostics.filter { $0.severity == .error }
    }

    @Test("a timeout over 1h without a reason is a located error", arguments: ["10h", "61m", "3601s"])
    func overTheCap(timeout: String) {
        let found = errors(timeout: timeout)
        #expect(found.map(\.message) == ["step 'a' has a timeout over the cap of 1h"])
        #expect(found.first?.location.line == 10)
        #expect(found.first?.location.column == 14)
    }

    @Test("up to 1h needs no reason")
    func atTheCap() {
        #expect(errors(timeout: "1h").isEmpty)
        #expect(errors(timeout: "30s").isEmpty)
    }

    @Test("with a reason, a step may go past the cap")
    func withReason() {
        #expect(errors(timeout: "3h", reason: "the restore of the big database takes two hours").isEmpty)
    }

    @Test("a reason without a timeout over the cap, or an empty reason, is an error")
    func uselessReason() {
        let useless = errors(timeout: "30m", reason: "x").map(\.message)
        #expect(useless == ["'timeout_beyond_cap' in step 'a' needs a timeout over the cap of 1h beside it"])
        #expect(errors(timeout: "2h", reason: " ").map(\.message) == ["'timeout_beyond_cap' in step 'a' must say why the step needs so long"])
    }

    @Test("defaults.timeout over the cap is an error")
    func defaults() {
        let found = errors(timeout: "30s", defaults: "2h")
        #expect(found.map(\.message) == ["the default timeout is over the cap of 1h"])
        #expect(found.first?.location.line == 5)
    }
}
