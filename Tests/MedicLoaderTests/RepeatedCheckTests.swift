import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Validation proves each distinct command or script once, however many steps repeat it word for
/// word (`Validator.Verdicts.distinct`), and places the answer where each copy is written: every
/// copy still gets its own error, at its own line and column.
@Suite("A check repeated word for word")
struct RepeatedCheckTests {
    static let runbook = """
        medic: 1
        id: repeated
        title: Repeated
        inputs:
          token: {type: secret}
        steps:
          first:
            kind: check
            title: First
            why: w
            script: echo start; rm -f /tmp/medic-x
            branches:
              - otherwise: second
          second:
            kind: check
            title: Second
            why: w
            script:   echo start; rm -f /tmp/medic-x
            branches:
              - otherwise: third
          third:
            kind: check
            title: Third
            why: w
            command: [systemctl, restart, app]
            branches:
              - otherwise: fourth
          fourth:
            kind: check
            title: Fourth
            why: w
            command:   [systemctl, restart, app]
            branches:
              - otherwise: fifth
          fifth:
            kind: check
            title: Fifth
            why: w
            script: echo; curl -u "$TOKEN" http://127.0.0.1/
            branches:
              - otherwise: sixth
          sixth:
            kind: check
            title: Sixth
            why: w
            script:  echo; curl -u "$TOKEN" http://127.0.0.1/
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """

    @Test("each copy's error is at its own place, by `medic validate` and by `medic run`'s loading alike")
    func eachCopyLocated() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeRunbook(Self.runbook, named: "repeated.yaml", in: folder)
        let path = folder + "/repeated.yaml"
        for found in [RunbookLoader().check([path]), RunbookLoader().loadBundle(path).diagnostics] {
            let errors = found.filter { $0.severity == .error }
            func places(_ prefix: String) -> [String] {
                errors.filter { $0.message.hasPrefix(prefix) }.map { "\($0.location.line):\($0.location.column)" }.sorted()
            }
            // `rm` is the 13th character of each script: at column 25 of line 11, and two further
            // right on line 18, behind two more spaces.
            #expect(places("check 'first' must be provably read-only") == ["11:25"], "\(errors)")
            #expect(places("check 'second' must be provably read-only") == ["18:27"], "\(errors)")
            // A command's refusal points at its program's word.
            #expect(places("check 'third' must be provably read-only") == ["25:15"], "\(errors)")
            #expect(places("check 'fourth' must be provably read-only") == ["32:17"], "\(errors)")
            // The secret handed to curl, at the word that carries it in each copy.
            let leaks = errors.filter { $0.message.contains("passes the secret 'token' to 'curl'") }
            #expect(leaks.map { "\($0.location.line):\($0.location.column)" }.sorted() == ["39:27", "46:28"], "\(errors)")
        }
    }

    /// Two scripts that `String`'s `==` holds equal (canonically equivalent) are two scripts to
    /// the proof: a Kelvin sign is not the function `K`.
    @Test("copies are told apart by their bytes, not by canonical equivalence")
    func canonicallyEquivalentScriptsApart() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runbook = """
            medic: 1
            id: kelvin
            title: Kelvin
            steps:
              plain:
                kind: check
                title: Plain
                why: w
                script: "K() { :; }; K"
                branches:
                  - otherwise: sign
              sign:
                kind: check
                title: Sign
                why: w
                script: "K() { :; }; \u{212A}"
                branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}

            """
        #expect("K() { :; }; K" == "K() { :; }; \u{212A}", "Swift's == holds them equal, which is what this test is about")
        try TestSupport.writeRunbook(runbook, named: "kelvin.yaml", in: folder)
        for found in [RunbookLoader().check([folder + "/kelvin.yaml"]), RunbookLoader().loadBundle(folder + "/kelvin.yaml").diagnostics] {
            let refused = found.filter { $0.severity == .error && $0.message.hasPrefix("check ") }.map(\.message)
            #expect(refused.count == 1 && refused.first?.hasPrefix("check 'sign' must be provably read-only") == true, "\(found)")
        }
    }
}
