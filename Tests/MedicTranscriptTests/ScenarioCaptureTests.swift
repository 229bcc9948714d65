import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

/// `ScenarioCapture` over journals written by a real session directory.
@Suite("capturing a scenario from a journal")
struct ScenarioCaptureTests {
    static let start = TranscriptEvent.start(
        SessionStart(
            runbookID: "nginx-502", runbookVersion: "3", files: [RunbookFileDigest(path: "/r/nginx-502.yaml", sha256: "ab")],
            medicVersion: "0.1.0", operatorName: "alice@web1",
            inputs: [InputValue(name: "service", value: "app", secret: false), InputValue(name: "api_token", value: Masking.mask, secret: true)],
            flags: [], interactive: true))

    func step(_ id: String, _ kind: Step.Kind) -> TranscriptEvent {
        .step(StepVisit(stepID: id, kind: kind, title: id, why: "", runbookID: "nginx-502"))
    }

    func result(_ id: String, exit: Int? = nil, http: Int? = nil) -> TranscriptEvent {
        .result(
            ResultRecord(
                stepID: id, exitStatus: exit, httpStatus: http, durationMilliseconds: 1, timedOut: false, cancelled: false, failureReason: nil,
                notRun: nil, succeeded: exit == 0))
    }

    func capture(_ events: [TranscriptEvent]) throws -> CapturedScenario {
        let session = try SampleEvents.session()
        for event in events { try session.record(event) }
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        return try ScenarioCapture.capture(
            read, session: session.path, keptOutput: { "kept " + $0.stepID },
            hostOutputs: { _, hosts in hosts.hosts.allSatisfy { $0.bytes != nil } ? hosts.hosts.map { "whole " + $0.host } : nil }, capturedAt: "now",
            medic: "medic x")
    }

    @Test("results, headers, the answer to a question, a declined action, the path and the ending")
    func whole() throws {
        var probe = ResultRecord(
            stepID: "probe", exitStatus: nil, httpStatus: 502, durationMilliseconds: 3, timedOut: false, cancelled: false, failureReason: nil,
            notRun: nil, succeeded: false)
        probe.headers = [HTTPHeader(name: "Server", value: "nginx")]
        let scenario = try capture([
            Self.start, step("probe", .check), .output(OutputRecord(stepID: "probe", excerpt: "", bytes: 3, lines: 1, file: "output/001-probe.log")),
            .result(probe), step("which", .question), .answer(stepID: "which", answer: "docker"), step("restart", .action),
            .confirm(ConfirmRecord(stepID: "restart", expected: "yes", reply: "no", approved: false, by: "alice@web1")),
            step("gave-up", .conclusion),
            .end(SessionEnd(outcome: "escalate", cause: "oom-killed", summary: "", stepID: "gave-up", exitStatus: 3, title: "Gave up")),
        ])
        #expect(scenario.results["probe"] == [StepResult(output: "kept probe", httpStatus: 502, headers: probe.headers)])
        #expect(scenario.answers.map(\.stepID) == ["which", "restart"])
        #expect(scenario.answers.map(\.answer) == ["docker", "no"])
        #expect(scenario.actions == ["restart"])
        #expect(scenario.path == ["probe", "which", "restart", "gave-up"])
        #expect(scenario.outcome == .escalate && scenario.cause == "oom-killed" && scenario.conclusion == "Gave up")
        #expect(scenario.provenance.runbook == "/r/nginx-502.yaml" && scenario.provenance.runMedic == "0.1.0")
        let yaml = ScenarioWriter.yaml(scenario)
        #expect(!yaml.contains(Masking.mask) && yaml.contains("# api_token is a secret"))
    }

    @Test("a vouched check's confirmation is neither an answer nor an action reached; declining one is refused")
    func vouchedCheck() throws {
        let login = [
            Self.start, step("login", .check),
            .confirm(ConfirmRecord(stepID: "login", expected: "yes", reply: "--yes", approved: true, by: "--yes")),
            result("login", http: 200), step("restart", .action),
            .confirm(ConfirmRecord(stepID: "restart", expected: "yes", reply: "--yes", approved: true, by: "--yes")),
            result("restart", exit: 0), step("fixed", .conclusion),
            .end(SessionEnd(outcome: "resolved", cause: "oom-killed", summary: "", stepID: "fixed", exitStatus: 0, title: "Fixed")),
        ]
        let scenario = try capture(login)
        #expect(scenario.actions == ["restart"])
        #expect(scenario.answers.map(\.stepID) == ["restart"])
        #expect(scenario.path == ["login", "restart", "fixed"])
        do {
            _ = try capture([
                Self.start, step("login", .check),
                .confirm(ConfirmRecord(stepID: "login", expected: "yes", reply: "no", approved: false, by: "alice@web1")),
                step("fixed", .conclusion),
                .end(SessionEnd(outcome: "resolved", cause: "none", summary: "", stepID: "fixed", exitStatus: 0, title: "Fixed")),
            ])
            Issue.record("a run that declined a vouched check was captured")
        } catch {
            #expect("\(error)".contains("vouched check 'login' was declined"))
        }
    }

    @Test("typed commands, an aborted run and a run without an end are refused with the reason")
    func refusals() throws {
        let commanded = [Self.start, step("probe", .check), .command(stepID: "probe", text: "goto fixed")]
        #expect(throws: TranscriptError.self) { try capture(commanded) }
        do {
            _ = try capture(commanded)
        } catch {
            #expect("\(error)".contains("typed 'goto fixed'"))
        }
        do {
            _ = try capture([Self.start, step("probe", .check), result("probe", exit: 0)])
            Issue.record("a run without an end was captured")
        } catch {
            #expect("\(error)".contains("did not end"))
        }
        do {
            _ = try capture([Self.start, .end(SessionEnd(outcome: "aborted", cause: "", summary: "quit", stepID: nil, exitStatus: 4))])
            Issue.record("an aborted run was captured")
        } catch {
            #expect("\(error)".contains("ended 'aborted'"))
        }
    }
}
