import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A conclusion reached after the end-to-end verification says what its watch found of nginx's
/// error log, and never that the log was checked when the watch could not read it.
@Suite("What a verified ending says of the error log")
struct VerifiedSummaryTests {
    /// The shipped scenario `name` of `runbook`, walked offline: the reached conclusion.
    static func reached(_ runbook: String, _ name: String) throws -> ReachedConclusion {
        let path = TestSupport.repositoryRoot + "/runbooks/" + runbook
        let (bundle, diagnostics) = RunbookLoader().loadBundle(path)
        let loaded = try #require(bundle, "\(diagnostics)")
        let file = ScenarioLoader.folder(for: path) + "/" + name + ".yaml"
        let scenario = try #require(ScenarioLoader().load(file, of: loaded.root).scenario)
        let report = ScenarioRunner(bundle: loaded).run(scenario)
        #expect(report.passed, "\(report.failures)")
        guard case .concluded(let conclusion) = report.ending else {
            Issue.record("\(name) reached no conclusion: \(String(describing: report.ending))")
            throw CancellationError()
        }
        return conclusion
    }

    @Test(
        "the summary names the watch's finding: the log unread, or the lines it read",
        arguments: [
            // The watch could not read the log.
            ("nginx-502.yaml", "wrong-port-fixed-since", "medic: cannot read /var/log/nginx/error.log"),
            // The watch read it: so many new lines, none an upstream error.
            ("nginx-502.yaml", "oom-docker-build-jobs", "new error-log lines: "),
        ])
    func watchNamed(_ runbook: String, _ scenario: String, _ finding: String) throws {
        let conclusion = try Self.reached(runbook, scenario)
        let summary = conclusion.summary.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(summary.contains("nginx's error log during the watch: " + finding), "\(summary)")
        #expect(!summary.contains("error log verified") && !summary.contains("error log are healthy"), "\(summary)")
    }

    @Test("verify-site itself ends apart when the log could not be read, and says so")
    func verifySiteUnread() throws {
        let conclusion = try Self.reached("verify-site.yaml", "no-counter-no-log")
        #expect(conclusion.stepID == "verified-log-unread")
        #expect(conclusion.summary.contains("could not be read"), "\(conclusion.summary)")
        #expect(!conclusion.summary.contains("logged no new upstream error"), "\(conclusion.summary)")
    }
}
