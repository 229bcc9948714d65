import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

/// Events of every kind, with text that is hard to write as JSON.
enum SampleEvents {
    static let awkward = "quote \" backslash \\ tab \t newline \n cr \r bell \u{07} nul \u{00} é 🚑 \u{2028} end"

    static let start = TranscriptEvent.start(
        SessionStart(
            runbookID: "nginx-502", runbookVersion: "3",
            files: [RunbookFileDigest(path: "runbooks/nginx-502.yaml", sha256: String(repeating: "ab", count: 32))],
            medicVersion: "0.1.0", operatorName: "alice@web1",
            inputs: [InputValue(name: "service", value: "app", secret: false), InputValue(name: "api_token", value: Masking.mask, secret: true)],
            flags: ["--yes", "--dry-run"], interactive: true))

    static let all: [TranscriptEvent] = [
        start,
        .inputs(
            InputReviewRecord(
                entries: [
                    .init(
                        name: "service", value: "app", origin: "discovered: the proxy_pass of nginx -T",
                        flags: ["the default web differs from what was found; using what was found"], notes: ["passed over '-x': " + awkward]),
                    .init(name: "api_token", value: "", origin: "secret: asked when the first step that reads it is reached"),
                ], acceptedBy: "operator")),
        .step(StepVisit(stepID: "probe", kind: .check, title: "Is the site up?", why: "A 502 means nginx is up. " + awkward, runbookID: "nginx-502")),
        .run(RunRecord(stepID: "probe", kind: .check, display: "curl -sS 'http://localhost/health'\n" + awkward, placement: "local", dryRun: false)),
        .run(
            {
                var run = RunRecord(stepID: "backup", kind: .action, display: "pg_dump app", placement: "local", dryRun: false)
                run.unverified = "the author's word: " + awkward
                run.timeoutBeyondCap = TimeoutBeyondCap(timeout: "3h", reason: "a full dump takes two hours: " + awkward)
                return run
            }()),
        .output(OutputRecord(stepID: "probe", excerpt: "HTTP/1.1 502 Bad Gateway\n" + awkward, bytes: 1234, lines: 17, file: "output/001-probe.log")),
        .result(
            ResultRecord(
                stepID: "probe", exitStatus: 7, httpStatus: 502, durationMilliseconds: 1520, timedOut: false, cancelled: true,
                failureReason: nil, notRun: nil, succeeded: false)),
        .result(
            ResultRecord(
                stepID: "restart", exitStatus: nil, httpStatus: nil, durationMilliseconds: 0, timedOut: true, cancelled: false,
                failureReason: "program not found: " + awkward, notRun: "dry run", succeeded: true)),
        .output(OutputRecord(stepID: "quiet", excerpt: "", bytes: 0, lines: 0, file: nil)),
        .hosts(
            HostsRecord(
                stepID: "app-state", placement: "hosts pool: a, b",
                hosts: [
                    HostRecord(
                        host: "a", exitStatus: 0, unreachable: false, timedOut: false, cancelled: false, succeeded: true, durationMilliseconds: 12,
                        failureReason: nil, excerpt: "active\n" + awkward, bytes: 7 + awkward.utf8.count),
                    HostRecord(
                        host: "b", exitStatus: 255, unreachable: true, timedOut: false, cancelled: false, succeeded: false, durationMilliseconds: 3,
                        failureReason: "ssh: connect to host b port 22: Connection refused", excerpt: ""),
                ])),
        .hosts(HostsRecord(stepID: "restart", placement: "not run", hosts: [], stopped: "batch 1 did not succeed: " + awkward)),
        .captured(stepID: "probe", values: [CapturedValue(name: "status", value: "502"), CapturedValue(name: "odd", value: awkward)]),
        .captured(stepID: "none", values: []),
        .branch(BranchTaken(from: "probe", to: "restart", condition: "HTTP 502", because: "nginx answers 502: " + awkward)),
        .branch(BranchTaken(from: "restart", to: "verify", condition: "otherwise", because: nil)),
        .confirm(ConfirmRecord(stepID: "restart", expected: "app", reply: "app", approved: true, by: "alice@web1")),
        .confirm(ConfirmRecord(stepID: "restart", expected: "yes", reply: "--yes", approved: true, by: "--yes")),
        .confirm(ConfirmRecord(stepID: "restart", expected: "yes", reply: "no " + awkward, approved: false, by: "alice@web1")),
        .answer(stepID: "ask-deploy", answer: "yes " + awkward),
        .stalled(stepID: "probe", reason: "no branch applies: " + awkward),
        .command(stepID: "probe", text: "goto verify"),
        .note("the operator's note: " + awkward),
        .end(
            SessionEnd(
                outcome: "resolved", cause: "oom-killed", summary: "Restarted app after OOM. " + awkward, stepID: "fixed", exitStatus: 0,
                causeTitle: "The kernel killed the app for memory", causeDescription: "The OOM killer ended it. " + awkward)),
        .end(SessionEnd(outcome: "aborted", cause: "", summary: "the operator quit", stepID: nil, exitStatus: 4)),
    ]

    /// A session in a fresh temporary folder.
    static func session(secrets: [String] = [], runbookID: String = "nginx-502") throws -> SessionDirectory {
        try SessionDirectory.create(
            at: try TestSupport.temporaryDirectory() + "/session", runbookID: runbookID, masking: Masking(secrets: secrets),
            screenSize: (width: 100, height: 30))
    }
}

/// Small file helpers for the tests.
enum Files {
    static func mode(_ path: String) throws -> Int {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw TestFailure("cannot stat \(path)") }
        return Int(status.st_mode & 0o7777)
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// Every regular file under `directory`, recursively.
    static func all(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.map { directory + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Runs a program and returns its status and standard output.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}
