import MedicCore
import MedicLoader
import MedicRender
import Testing

/// `medic show` gives a timeout past the 1h cap with the runbook's reason beside it, and the
/// walk hands the reason to the step's invocation.
@Suite("show: a timeout past the cap")
struct TimeoutBeyondCapShowTests {
    static func runbook(timeout: String, reason: String?) throws -> Runbook {
        let yaml = """
            medic: 1
            id: long
            title: Long
            steps:
              scan:
                kind: check
                title: Scan the archive
                why: w
                command: [cat, /var/log/archive.log]
                timeout: \(timeout)
            \(reason.map { "    timeout_beyond_cap: \"\($0)\"\n" } ?? "")    branches:
                  - otherwise: done
              done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "Nothing", description: "In this test, nothing."}
            """
        return try #require(RunbookLoader().parse(yaml, path: "long.yaml").runbook)
    }

    @Test("past the cap: the timeout and the reason; within it: the timeout alone")
    func shown() throws {
        let long = try Self.runbook(timeout: "2h", reason: "the archive is 40 GB")
        #expect(long.step("scan")?.timeoutBeyondCap == "the archive is 40 GB")
        #expect(RunbookDocument(long).render().contains("runs (command, timeout 2h, past the 1h cap because: the archive is 40 GB):"))
        let walk = Walk(bundle: RunbookBundle(root: long, runbooks: [:]), inputs: [:])
        let scan = try #require(long.step("scan"))
        let invocation = try #require(walk.invocation(for: scan))
        #expect(invocation.beyondCap == TimeoutBeyondCap(timeout: "2h", reason: "the archive is 40 GB"))

        let short = try Self.runbook(timeout: "30m", reason: nil)
        #expect(short.step("scan")?.timeoutBeyondCap == nil)
        #expect(RunbookDocument(short).render().contains("runs (command, timeout 30m):"))
        let shortWalk = Walk(bundle: RunbookBundle(root: short, runbooks: [:]), inputs: [:])
        let shortScan = try #require(short.step("scan"))
        #expect(shortWalk.invocation(for: shortScan)?.beyondCap == nil)
    }
}
