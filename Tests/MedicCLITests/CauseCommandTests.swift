import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// A cause no Medic knows, declared by a runbook: every command shows it as the runbook says.
@Suite("causes declared by runbooks")
struct CauseCommandTests {
    let cli = CommandLineTests()

    /// A runbook whose one cause, `cosmic-ray`, appears nowhere in Medic's sources.
    static let runbook = """
        medic: 1
        id: bit-flip
        title: A flipped bit
        causes:
          cosmic-ray:
            title: A cosmic ray flipped a bit
            description: >
              The checksum of the stored block differs from the one written, and the disk
              reports no error.
          none:
            title: No flipped bit found
            description: The checksums agree.
        steps:
          checksum:
            kind: check
            title: Compare the checksums
            why: A flipped bit changes the checksum.
            command: ["echo", "mismatch"]
            branches:
              - when: {matches: mismatch}
                next: flipped
                because: the checksums differ
              - otherwise: fine
                because: the checksums agree
          flipped:
            kind: conclusion
            title: The block is corrupt
            why: w
            outcome: escalate
            cause: cosmic-ray
            summary: The stored block no longer matches its checksum.
          fine:
            kind: conclusion
            title: The block is intact
            why: w
            outcome: no-fault
            cause: none
            summary: The checksums agree.
        """

    func folder(expecting cause: String = "cosmic-ray") throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        try Self.runbook.write(toFile: dir + "/bit-flip.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/bit-flip.scenarios", withIntermediateDirectories: true)
        let scenario = """
            medic-scenario: 1
            name: flipped
            results:
              checksum: {exit: 0, output: "mismatch\\n"}
            expect:
              outcome: escalate
              cause: \(cause)
            """
        try scenario.write(toFile: dir + "/bit-flip.scenarios/flipped.yaml", atomically: true, encoding: .utf8)
        let fine = """
            medic-scenario: 1
            name: fine
            results:
              checksum: {exit: 0, output: "same\\n"}
            expect:
              outcome: no-fault
              cause: none
            """
        try fine.write(toFile: dir + "/bit-flip.scenarios/fine.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a new cause is walked by medic test, shown by show and graph, and recorded by run, with no change to Medic")
    func newCauseEndToEnd() throws {
        let dir = try folder()
        let test = try cli.medic(["test", dir + "/bit-flip.yaml", "--require-full-coverage"])
        #expect(test.status == 0, "\(test.output)\(test.error)")
        #expect(test.output.contains("PASS flipped  escalate · cosmic-ray (A cosmic ray flipped a bit)"), "\(test.output)")

        let show = try cli.medic(["show", dir + "/bit-flip.yaml"])
        #expect(show.output.contains("CAUSES"))
        #expect(show.output.contains("  cosmic-ray: A cosmic ray flipped a bit"))
        #expect(show.output.contains("outcome escalate, cause cosmic-ray (A cosmic ray flipped a bit)"))
        let graph = try cli.medic(["graph", dir + "/bit-flip.yaml"])
        #expect(graph.output.contains("A cosmic ray flipped a bit"), "\(graph.output)")

        let run = try cli.medic(["run", dir + "/bit-flip.yaml", "--transcript", dir + "/s"])
        #expect(run.status == ExitStatus.escalated.rawValue, "\(run.output)\(run.error)")
        #expect(run.output.contains("Cause: A cosmic ray flipped a bit (cosmic-ray)"), "\(run.output)")
        #expect(run.output.contains("The checksum of the stored block differs from the one written"))
        let end = try #require(try SessionEvidence(directory: dir + "/s").end)
        #expect(end.cause == "cosmic-ray")
        #expect(end.causeTitle == "A cosmic ray flipped a bit")
        #expect(end.causeDescription == "The checksum of the stored block differs from the one written, and the disk reports no error.")
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("**ESCALATE**, cause `cosmic-ray` (A cosmic ray flipped a bit)"), "\(report)")
        #expect(report.contains("**Cause `cosmic-ray`:** The checksum of the stored block differs"))

        let captured = try cli.medic(["scenario", "capture", dir + "/s"])
        #expect(captured.status == 0, "\(captured.error)")
        #expect(captured.output.contains("  cause: cosmic-ray\n  # the cause: A cosmic ray flipped a bit"), "\(captured.output)")
    }

    @Test("a scenario expecting a cause the runbook does not declare is a located error")
    func undeclaredExpectation() throws {
        let dir = try folder(expecting: "cosmic-rays")
        let test = try cli.medic(["test", dir + "/bit-flip.yaml"])
        #expect(test.status == ExitStatus.invalidRunbook.rawValue, "\(test.output)\(test.error)")
        #expect(
            test.error.contains("bit-flip.scenarios/flipped.yaml:7:10: error: expected cause 'cosmic-rays' is not one runbook 'bit-flip' declares\n"),
            "\(test.error)")
        #expect(test.error.contains("bit-flip.scenarios/flipped.yaml:7:10: note: did you mean 'cosmic-ray'?"), "\(test.error)")
    }

    @Test("a drill shows the cause expected and reached with the runbook's titles")
    func drill() throws {
        let dir = try folder()
        let drill = try cli.medic(["drill", dir + "/bit-flip.yaml", "--scenario", "flipped"], stdin: "")
        #expect(drill.output.contains("expected: escalate · cosmic-ray (A cosmic ray flipped a bit)"), "\(drill.output)\(drill.error)")
        #expect(drill.output.contains("you reached: escalate · cosmic-ray (A cosmic ray flipped a bit)"))
    }
}
