import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A problem inside a script written as a literal block scalar is pointed at its own line and
/// column: the indentation the block takes off its lines is added back, whichever way the block
/// is written (`|`, `|-` that strips the last line break, `|2` that gives the indentation, deeper
/// lines keeping their extra spaces).
@Suite("Where a problem in a block scalar's script points")
struct BlockScriptLocationTests {
    static let runbook = """
        medic: 1
        id: blocks
        title: Blocks
        steps:
          keep:
            kind: check
            title: Keep
            why: w
            script: |
              echo one
                  rm -f /tmp/medic-a
            branches:
              - otherwise: strip
          strip:
            kind: check
            title: Strip
            why: w
            script: |-
              echo one
              echo two; rm -f /tmp/medic-b
            branches:
              - otherwise: given
          given:
            kind: check
            title: Given
            why: w
            script: |2
                 rm -f /tmp/medic-c
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """

    @Test("each refusal's line and column are those of its `rm`")
    func located() throws {
        let found = try TestSupport.validationErrors(of: Self.runbook, named: "blocks.yaml")
        func location(_ step: String) -> String? { TestSupport.readOnlyRefusalPlace(of: step, in: found) }
        // `|`: six spaces off each line, and the line's own four more.
        #expect(location("keep") == "11:11", "\(found)")
        // `|-`: no line break at the end, and still a block: its text starts on the line after `|-`.
        #expect(location("strip") == "20:17", "\(found)")
        // `|2`: two spaces more than the mapping's four, so the text keeps three of the line's nine.
        #expect(location("given") == "28:10", "\(found)")
        #expect(found.count == 3, "\(found)")
    }

    /// A snippet written `|-` is a block too, and a variant's snippets keep their places when
    /// the step's own `uses` puts more snippets before them.
    @Test("a problem in a '|-' snippet that a variant uses, under the step's own snippets, points at its line and column")
    func snippetOfAVariant() throws {
        let runbook = """
            medic: 1
            id: pieces
            title: Pieces
            inputs:
              runtime: {type: choice, choices: [a], default: a}
            snippets:
              strip: |-
                echo s
                rm -f /tmp/medic-s
              outer: |
                true
            steps:
              look:
                kind: check
                title: Look
                why: w
                uses: [outer]
                by: runtime
                variants:
                  a:
                    uses: [strip]
                    script: echo a
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        let found = try TestSupport.validationErrors(of: runbook, named: "pieces.yaml")
        // `rm` on the snippet's second line (9), past its four spaces.
        #expect(found.map(\.location.lineAndColumn) == ["9:5"], "\(found)")
        #expect(found.first?.message.hasPrefix("check 'look' must be provably read-only") == true, "\(found)")
    }
}
