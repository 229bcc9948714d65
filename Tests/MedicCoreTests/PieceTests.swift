import MedicCore
import Testing

@Suite("Templates, inputs, masking and JSON")
struct PieceTests {
    let here = SourceLocation(file: "t.yaml", line: 1, column: 1)

    @Test func templates() {
        let t = Template("docker inspect ${app} $${literal} {{.State}} ${not valid}", at: here)
        #expect(t.variables == ["app"])
        #expect(t.render { $0 == "app" ? "a b" : "?" } == "docker inspect a b ${literal} {{.State}} ${not valid}")
        #expect(Template("${open", at: here).hasUnclosedPlaceholder)
    }

    /// A matcher that never answers: it stops as `reason` says.
    final class Unanswering: PatternMatcher {
        let reason: MatchUnfinished.Reason
        init(_ reason: MatchUnfinished.Reason) { self.reason = reason }
        func allow(milliseconds: Int) {}
        func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer { throw MatchUnfinished(reason, pattern: question.pattern) }
    }

    @Test("a value its pattern could not check says why: the deadline, Ctrl-C, or a matcher that failed")
    func inputPatternUnanswered() {
        let input = InputDefinition(name: "w", type: .string, pattern: RegexPattern("^[a-z]+$", at: here), location: here)
        #expect(
            input.problem(with: "abc", matcher: Unanswering(.deadline(milliseconds: 2000)))
                == "'abc' could not be checked against the pattern ^[a-z]+$: "
                + "matching did not finish within 2s, and was stopped")
        #expect(
            input.problem(with: "abc", matcher: Unanswering(.cancelled))
                == "'abc' could not be checked against the pattern ^[a-z]+$: matching was cancelled")
        #expect(
            input.problem(with: "abc", matcher: Unanswering(.failed("the matching process could not start")))
                == "'abc' could not be checked against the pattern ^[a-z]+$: matching failed (the matching process could not start)")
    }

    @Test func inputValues() {
        let port = InputDefinition(name: "port", type: .int, location: here)
        #expect(port.problem(with: "80") == nil)
        #expect(port.problem(with: "eighty") != nil)
        let name = InputDefinition(name: "name", type: .string, location: here)
        #expect(name.problem(with: "--help") != nil)
        #expect(name.problem(with: "a\nb") != nil)
        #expect(name.problem(with: "ok\u{1B}[31m") != nil)
        let dashed = InputDefinition(name: "flag", type: .string, pattern: RegexPattern("^-[a-z]$", at: here), location: here)
        // No value may start with '-', whatever its pattern allows: it could become an option.
        #expect(dashed.problem(with: "-v")?.contains("starts with '-'") == true)
        let secret = InputDefinition(name: "pw", type: .secret, location: here)
        #expect(
            secret.problem(with: "-hunter2")
                == "the value starts with '-' and could be taken for an option of the command it is passed to: no input may start with '-'")
        let url = InputDefinition(name: "u", type: .url, location: here)
        #expect(url.problem(with: "http://127.0.0.1:8080/x") == nil)
        #expect(url.problem(with: "ftp://x") != nil && url.problem(with: "http://") != nil)
        let choice = InputDefinition(name: "c", type: .choice, choices: ["docker", "systemd"], location: here)
        #expect(choice.problem(with: "systemd") == nil && choice.problem(with: "podman") != nil)
        let optional = InputDefinition(name: "o", type: .string, isRequired: false, location: here)
        #expect(optional.problem(with: "") == nil && name.problem(with: "") != nil)
    }

    @Test func masking() {
        let secret = "p\"a$s%\nw"
        let masking = Masking(secrets: [secret])
        let json = #"{"password":"p\"a$s%\nw"}"#
        #expect(!masking.apply(json).contains("a$s"))
        #expect(masking.apply("q=p%22a%24s%25%0Aw&x=1") == "q=••••&x=1")
        #expect(masking.apply("raw: \(secret)") == "raw: ••••")
        #expect(Masking(secrets: ["hunter22"]).apply("aHVudGVyMjI=") == "••••=")
    }

    @Test func durations() {
        #expect(TimeSpan(parsing: "15m")?.wholeSeconds == 900)
        #expect(TimeSpan(parsing: "250ms")?.milliseconds == 250)
        #expect(TimeSpan(parsing: "5 minutes") == nil && TimeSpan(parsing: "m") == nil && TimeSpan(parsing: "-5s") == nil)
    }
}
