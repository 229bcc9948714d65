import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A problem inside a script written as a quoted scalar (`"…"`, `'…'`) or a folded block scalar
/// (`>`, `>-`) is pointed at the line and column of the character that produced it: past the
/// opening quote, counting each escape (`\"`, `\\`, `\n`, `''`) as the characters written for
/// it, and following the line breaks that folding joined.
@Suite("Where a problem in a quoted or folded script points")
struct QuotedScriptLocationTests {
    static let runbook = #"""
        medic: 1
        id: quoted
        title: Quoted
        snippets:
          quoted: "echo s; rm -f /tmp/medic-s"
        steps:
          double:
            kind: check
            title: Double
            why: w
            script: "echo one; rm -f /tmp/medic-a"
            branches:
              - otherwise: escaped
          escaped:
            kind: check
            title: Escaped
            why: w
            script: "printf \"a\\b\"; rm -f /tmp/medic-b"
            branches:
              - otherwise: newline
          newline:
            kind: check
            title: Newline
            why: w
            script: "echo \"one\"\nrm -f /tmp/medic-c"
            branches:
              - otherwise: single
          single:
            kind: check
            title: Single
            why: w
            script: 'echo ''a''; rm -f /tmp/medic-d'
            branches:
              - otherwise: double-lines
          double-lines:
            kind: check
            title: Double lines
            why: w
            script: "echo \"one\";
              echo two;   rm -f /tmp/medic-e"
            branches:
              - otherwise: single-lines
          single-lines:
            kind: check
            title: Single lines
            why: w
            script: 'echo ''one''

              rm -f /tmp/medic-f'
            branches:
              - otherwise: joined
          joined:
            kind: check
            title: Joined
            why: w
            script: "echo one; \
              rm -f /tmp/medic-g"
            branches:
              - otherwise: folded
          folded:
            kind: check
            title: Folded
            why: w
            script: >
              echo one;
              echo two; rm -f /tmp/medic-h
            branches:
              - otherwise: strip
          strip:
            kind: check
            title: Strip
            why: w
            script: >-
              echo one

              echo two
                rm -f /tmp/medic-i
            branches:
              - otherwise: syntax
          syntax:
            kind: check
            title: Syntax
            why: w
            script: >
              echo one
              echo "two" )
            branches:
              - otherwise: quoted-syntax
          quoted-syntax:
            kind: check
            title: Quoted syntax
            why: w
            script: "echo \"\\\\\" )"
            branches:
              - otherwise: snippet
          snippet:
            kind: check
            title: Snippet
            why: w
            uses: [quoted]
            script: echo own
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """#

    @Test("each refusal's line and column are those of its `rm` or its stray `)`")
    func located() throws {
        let found = try TestSupport.validationErrors(of: Self.runbook, named: "quoted.yaml")
        func location(_ step: String) -> String? { TestSupport.readOnlyRefusalPlace(of: step, in: found) }
        // One line in double quotes: past the opening quote.
        #expect(location("double") == "11:24", "\(found)")
        // `\"` and `\\` are two characters written for one.
        #expect(location("escaped") == "18:31", "\(found)")
        // `\n` makes a second line of the value, still on the file's line 25.
        #expect(location("newline") == "25:28", "\(found)")
        // `''` in single quotes is two characters written for one.
        #expect(location("single") == "32:26", "\(found)")
        // A line break folded into a space, the next line's indentation dropped, the blanks
        // inside the line kept.
        #expect(location("double-lines") == "40:19", "\(found)")
        // An empty line folded into a line break.
        #expect(location("single-lines") == "49:7", "\(found)")
        // An escaped line break joins the lines without a space.
        #expect(location("joined") == "57:7", "\(found)")
        // `>`: the second line folded onto the first.
        #expect(location("folded") == "66:17", "\(found)")
        // `>-`: an empty line and a more indented line each keep a line break.
        #expect(location("strip") == "77:9", "\(found)")
        // A shell syntax error on a folded line.
        #expect(location("syntax") == "86:18", "\(found)")
        // A shell syntax error after escapes in double quotes.
        #expect(location("quoted-syntax") == "93:28", "\(found)")
        // A snippet in double quotes, before the step's own script.
        #expect(location("snippet") == "5:20", "\(found)")
        #expect(found.count == 12, "\(found)")
    }

    /// A secret handed to a program as an argument is pointed at its word the same way, in a
    /// discovery's folded script and an action's double-quoted one.
    @Test("a secret in argv is pointed at its word in a folded discovery script and a double-quoted action script")
    func secretWords() throws {
        let runbook = #"""
            medic: 1
            id: secrets
            title: Secrets
            inputs:
              tok: {type: secret}
              found:
                type: string
                discover:
                  why: w
                  script: >-
                    echo looking;
                    found-by "$TOK"
                  capture: '^(?<value>\S+)$'
            steps:
              fix:
                kind: action
                title: Fix
                why: w
                script: "echo \"fixing\"; fixer \"$TOK\""
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """#
        let found = try TestSupport.validationErrors(of: runbook, named: "secrets.yaml")
        let places = found.filter { $0.message.contains("passes the secret 'tok'") || $0.message.contains("must be provably read-only") }
            .map { "\($0.location.lineAndColumn) \($0.message.prefix(while: { $0 != "," }))" }
        #expect(
            places == [
                // `found-by` on the folded script's second line, past its eight spaces.
                "12:9 the discovery of 'found' must be provably read-only",
                "12:18 the discovery script of 'found' passes the secret 'tok' to 'found-by' as an argument",
                // The word `"$TOK"` starts with the escape `\"` that writes its quote.
                "19:37 the script of 'fix' passes the secret 'tok' to 'fixer' as an argument",
            ], "\(found)")
    }

    /// A plain script over several lines is folded the same way: one line break, one space.
    @Test("a problem in a plain script on its second line is pointed at that line and column")
    func plainLines() throws {
        let runbook = """
            medic: 1
            id: plain
            title: Plain
            steps:
              plain:
                kind: check
                title: Plain
                why: w
                script: echo one;
                  echo two;  rm -f /tmp/medic-p
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let found = try TestSupport.validationErrors(of: runbook, named: "plain.yaml")
        // `rm` past the second line's six spaces and `echo two;  `.
        #expect(found.map(\.location.lineAndColumn) == ["10:18"], "\(found)")
    }
}
