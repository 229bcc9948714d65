import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import MedicTranscript
import Testing

/// `medic resume` without a terminal, from journals cut short the way a lost connection leaves
/// them: where it reads the runbook from, and what output the replayed conditions see.
@Suite("medic resume without a terminal")
struct ResumeCommandTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/resume-tail.yaml"
    let cli = CommandLineTests()

    /// Runs `runbook` to its end with --yes, then cuts the journal back to the moment step
    /// `stop-here` was entered, as if Medic had died there. Returns the session directory.
    func interruptedRun(_ runbook: String = Self.runbook, in folder: String = TestSupport.repositoryRoot) throws -> String {
        let session = try TestSupport.temporaryDirectory() + "/one"
        let run = try cli.medic(["run", runbook, "--yes", "--transcript", session], in: folder)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        try SessionEvidence.cut(session, atStep: "stop-here")
        return session
    }

    func start(of session: String) throws -> SessionStart {
        try #require(try SessionEvidence(directory: session).start)
    }

    @Test("resume works from any folder, and a condition on the end of a long output branches as it did in the run")
    func fromAnotherFolderWithTheTailOfALongOutput() throws {
        let session = try interruptedRun()
        let elsewhere = try TestSupport.temporaryDirectory()
        let resumed = try cli.medic(["resume", session, "--yes", "--transcript", elsewhere + "/two"], in: elsewhere)
        #expect(resumed.status == 0, "\(resumed.error)")
        // The run branched on the output's last line; read as its first 2 MiB, the replay would go to tail-lost.
        #expect(resumed.output.contains("The run stopped at stop-here"), "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("RESOLVED"))
        let absolute = TestSupport.repositoryRoot + "/" + Self.runbook
        #expect(try start(of: session).files.map(\.path) == [absolute], "the runbook is recorded by its absolute path")
        #expect(try start(of: elsewhere + "/two").files.map(\.path) == [absolute])
    }

    @Test("a continuation that was itself interrupted resumes through both journals, each step's output read from its own session")
    func continuationOfAContinuation() throws {
        let session = try interruptedRun()
        let folder = try TestSupport.temporaryDirectory()
        let second = try cli.medic(["resume", session, "--yes", "--transcript", folder + "/two"], in: folder)
        try #require(second.status == 0, "\(second.error)")
        #expect(try start(of: folder + "/two").flags == ["--yes", "--resumed-from=\(session)"])
        // The continuation dies right after its start record.
        let path = folder + "/two/transcript.jsonl"
        let first = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        try (first + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let third = try cli.medic(["resume", "two", "--yes", "--transcript", folder + "/three"], in: folder)
        #expect(third.status == 0, "\(third.error)")
        #expect(third.output.contains("The run stopped at stop-here"), "\(third.output)\(third.error)")
        // Two session directories side by side name each other by name alone.
        #expect(try start(of: folder + "/three").flags == ["--yes", "--resumed-from=../two"])
    }

    @Test("a journal naming its runbook relative to where the run started (older Medic) resumes from there, and says so elsewhere")
    func relativePathOfAnOlderJournal() throws {
        let session = try interruptedRun()
        let path = session + "/transcript.jsonl"
        let absolute = TestSupport.repositoryRoot + "/" + Self.runbook
        let journal = try String(contentsOfFile: path, encoding: .utf8)
        try journal.replacing("\"path\":\"\(absolute)\"", with: "\"path\":\"\(Self.runbook)\"").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try start(of: session).files.map(\.path) == [Self.runbook])

        let elsewhere = try TestSupport.temporaryDirectory()
        let refused = try cli.medic(["resume", session, "--yes", "--transcript", elsewhere + "/two"], in: elsewhere)
        #expect(refused.status == 1)
        #expect(
            refused.error.contains(
                "names its runbook as \(Self.runbook), relative to the folder the run started in; run `medic resume` from that folder"))
        let resumed = try cli.medic(["resume", session, "--yes", "--transcript", elsewhere + "/three"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("The run stopped at stop-here"))
    }

    @Test("the recorded digest is of the bytes that were parsed, and a runbook changed since is refused unless accepted")
    func digestOfTheParsedBytes() throws {
        let folder = try TestSupport.temporaryDirectory()
        let copy = folder + "/runbook.yaml"
        try FileManager.default.copyItem(atPath: TestSupport.repositoryRoot + "/" + Self.runbook, toPath: copy)
        let session = try interruptedRun("runbook.yaml", in: folder)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: copy)))
        #expect(try start(of: session).files == [RunbookFileDigest(path: copy, sha256: SHA256.hex(of: bytes))])

        try (String(decoding: bytes, as: UTF8.self) + "# edited after the run\n").write(toFile: copy, atomically: true, encoding: .utf8)
        let refused = try cli.medic(["resume", session, "--yes", "--transcript", folder + "/two"])
        #expect(refused.status == 1)
        #expect(refused.error.contains("\(copy) changed since the run started"))
        let accepted = try cli.medic(["resume", session, "--yes", "--accept-changed-runbook", "--transcript", folder + "/three"])
        #expect(accepted.status == 0, "\(accepted.error)")
        #expect(accepted.error.contains("\(copy) changed since the run started; going on as asked"))
        #expect(try start(of: folder + "/three").files.map(\.sha256) == [SHA256.hex(of: Array(Data(contentsOf: URL(fileURLWithPath: copy))))])
    }
}

/// `medic resume` where part of a recorded path is a secret's value, so the journal holds it masked.
@Suite("medic resume through masked paths")
struct ResumeMaskedPathTests {
    static let runbook = TestSupport.repositoryRoot + "/Tests/MedicCLITests/Fixtures/resume-secret.yaml"
    /// The secret input's value, which is also part of the folders' names.
    static let secret = "hunter2"
    let cli = CommandLineTests()
    let environment = ["MEDIC_VAR_token": Self.secret]

    /// A runbook with one check, called by the callers these tests write.
    static let inner = """
        medic: 1
        id: inner
        title: Called
        steps:
          look:
            kind: check
            title: Look
            why: A check in the called runbook.
            command: ["true"]
            branches:
              - otherwise: done
                because: it ran
          done: {kind: conclusion, title: Done, why: The end., outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """

    /// Copies the runbook into a folder whose name holds the secret, runs it there to its end
    /// with --yes into `session` (under the same parent), and cuts the journal back to where
    /// `stop-here` was entered. Returns the runbook's and the session's paths.
    func interrupted(session name: String) throws -> (runbook: String, session: String) {
        let folder = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/\(Self.secret)-books", withIntermediateDirectories: true)
        let runbook = folder + "/\(Self.secret)-books/runbook.yaml"
        try FileManager.default.copyItem(atPath: Self.runbook, toPath: runbook)
        let session = folder + "/" + name
        let run = try cli.medic(["run", runbook, "--yes", "--transcript", session], environment: environment)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        try SessionEvidence.cut(session, atStep: "stop-here")
        return (runbook, session)
    }

    @Test("a runbook path masked in the journal is refused with a way on, --runbook PATH, which resumes")
    func maskedRunbookPath() throws {
        let (runbook, session) = try interrupted(session: "one")
        let recorded = try #require(try SessionEvidence(directory: session).start).files.map(\.path)
        #expect(
            recorded == [runbook.replacing("\(Self.secret)-books", with: "\(Masking.mask)-books")], "the path is masked where it holds the secret")

        let refused = try cli.medic(["resume", session, "--yes", "--transcript", session + "-refused"], environment: environment)
        #expect(refused.status == 1)
        #expect(
            refused.error.contains("part of that path is the value of a secret input, so it was masked; name the file with --runbook PATH"),
            "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: session + "-refused"), "nothing was run")

        let resumed = try cli.medic(["resume", session, "--yes", "--runbook", runbook, "--transcript", session + "-two"], environment: environment)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("The run stopped at stop-here"), "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("RESOLVED"))
        // Side by side, the continuation names the earlier session by its name alone: nothing to mask.
        #expect(try SessionEvidence(directory: session + "-two").start?.flags == ["--yes", "--resumed-from=../one"])
    }

    @Test("--runbook must be the same bytes as the journal's runbook, or accepted as changed")
    func runbookOptionChecksTheDigest() throws {
        let (runbook, session) = try interrupted(session: "one")
        let other = try TestSupport.temporaryDirectory() + "/moved.yaml"
        try (try String(contentsOfFile: runbook, encoding: .utf8) + "# another file\n").write(toFile: other, atomically: true, encoding: .utf8)
        let refused = try cli.medic(["resume", session, "--yes", "--runbook", other, "--transcript", session + "-two"], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.error.contains("changed since the run started"), "\(refused.error)")
        let accepted = try cli.medic(
            ["resume", session, "--yes", "--runbook", other, "--accept-changed-runbook", "--transcript", session + "-three"], environment: environment
        )
        #expect(accepted.status == 0, "\(accepted.error)")
    }

    @Test("with --runbook, the runbooks it calls are found beside it as they were beside the old one, and their digests checked")
    func movedFolderWithACall() throws {
        let folder = try TestSupport.temporaryDirectory()
        let old = folder + "/\(Self.secret)-books"
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        try """
        medic: 1
        id: caller
        title: Reads a secret, calls a runbook beside it, then stops
        inputs:
          token: {type: secret, description: a token}
        steps:
          first:
            kind: check
            title: Check that the token is set
            why: The secret reaches the script in its environment.
            script: 'test -n "$TOKEN"'
            branches:
              - otherwise: call-it
                because: it ran
          call-it:
            kind: runbook
            title: Call the runbook beside this one
            why: Its path is recorded, masked where it holds the secret.
            runbook: inner.yaml
            branches:
              - otherwise: stop-here
                because: it ended
          stop-here:
            kind: check
            title: Where the interrupted run stopped
            why: The test cuts the journal as this step is entered.
            command: ["true"]
            branches:
              - otherwise: done
                because: it ran
          done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: old + "/caller.yaml", atomically: true, encoding: .utf8)
        let inner = Self.inner
        try inner.write(toFile: old + "/inner.yaml", atomically: true, encoding: .utf8)
        let session = folder + "/one"
        let run = try cli.medic(["run", old + "/caller.yaml", "--yes", "--transcript", session], environment: environment)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        try SessionEvidence.cut(session, atStep: "stop-here")
        #expect(
            try SessionEvidence(directory: session).start?.files.map(\.path)
                == ["caller.yaml", "inner.yaml"].map { "\(folder)/\(Masking.mask)-books/\($0)" })

        let moved = folder + "/books"
        try FileManager.default.moveItem(atPath: old, toPath: moved)
        let resumed = try cli.medic(
            ["resume", session, "--yes", "--runbook", moved + "/caller.yaml", "--transcript", folder + "/two"], environment: environment)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(!resumed.error.contains("changed"), "\(resumed.error)")
        #expect(resumed.output.contains("The run stopped at stop-here"), "\(resumed.output)")

        // The called runbook changed since: its digest no longer matches.
        try (inner + "# edited\n").write(toFile: moved + "/inner.yaml", atomically: true, encoding: .utf8)
        let refused = try cli.medic(
            ["resume", session, "--yes", "--runbook", moved + "/caller.yaml", "--transcript", folder + "/three"], environment: environment)
        #expect(refused.status == 1)
        #expect(
            refused.error.contains("\(folder)/\(Masking.mask)-books/inner.yaml, \(moved)/inner.yaml changed since the run started"),
            "\(refused.error)")
    }

    @Test("a called runbook whose recorded path is masked is matched where the secret was, not said to have changed")
    func maskedCalledRunbookPath() throws {
        let folder = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/lib", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.runbook, toPath: folder + "/lib/\(Self.secret)-check.yaml")
        var steps = ""
        for (id, next) in [("first", "again"), ("again", "done")] {
            steps += """
                  \(id):
                    kind: runbook
                    title: Call the check
                    why: Its path holds the secret's value.
                    runbook: lib/\(Self.secret)-check.yaml
                    with: {token: "${token}"}
                    branches:
                      - otherwise: \(next)
                        because: it ended

                """
        }
        try """
        medic: 1
        id: caller
        title: Calls a runbook whose path holds the secret
        inputs:
          token: {type: secret, description: a token}
        steps:
        \(steps)  done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "No fault found."}

        """.write(toFile: folder + "/caller.yaml", atomically: true, encoding: .utf8)
        let run = try cli.medic(["run", folder + "/caller.yaml", "--yes", "--transcript", folder + "/one"], environment: environment)
        try #require(run.status == 0, "\(run.output)\(run.error)")
        let files = try #require(try SessionEvidence(directory: folder + "/one").start).files.map(\.path)
        #expect(files == [folder + "/caller.yaml", folder + "/lib/\(Masking.mask)-check.yaml"])
        try SessionEvidence.cut(folder + "/one", atStep: "again")
        let resumed = try cli.medic(["resume", folder + "/one", "--yes", "--transcript", folder + "/two"], environment: environment)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(!resumed.error.contains("changed"), "\(resumed.error)")
    }

    @Test("every runbook loaded must be one the journal records: a file that takes a symbolic link's place is refused")
    func loadedButNotRecorded() throws {
        let folder = try TestSupport.temporaryDirectory()
        let old = folder + "/old"
        try FileManager.default.createDirectory(atPath: old + "/lib", withIntermediateDirectories: true)
        let inner = Self.inner
        try inner.write(toFile: old + "/lib/inner.yaml", atomically: true, encoding: .utf8)
        // An absolute link: the journal records the file behind it, so both calls name lib/inner.yaml.
        try FileManager.default.createSymbolicLink(atPath: old + "/common", withDestinationPath: old + "/lib")
        try PresetAnswerTests.write(old + "/caller.yaml", calling: [("first", "lib/inner.yaml"), ("second", "common/inner.yaml")], id: "caller")
        let run = try cli.medic(["run", old + "/caller.yaml", "--yes", "--transcript", folder + "/one"])
        try #require(run.status == 0, "\(run.output)\(run.error)")
        try SessionEvidence.cut(folder + "/one", atStep: "second")

        // Moved, with the link replaced by a folder holding an edited copy.
        let moved = folder + "/new"
        try FileManager.default.moveItem(atPath: old, toPath: moved)
        try FileManager.default.removeItem(atPath: moved + "/common")
        try FileManager.default.createDirectory(atPath: moved + "/common", withIntermediateDirectories: true)
        try (inner + "# edited after the run\n").write(toFile: moved + "/common/inner.yaml", atomically: true, encoding: .utf8)
        let refused = try cli.medic(["resume", folder + "/one", "--yes", "--runbook", moved + "/caller.yaml", "--transcript", folder + "/two"])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.error.contains("\(moved)/common/inner.yaml changed since the run started"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/two"), "nothing was run")
    }

    @Test("a link to the earlier session is read from the session's real folder when it is reached through a symbolic link")
    func linkThroughASymbolicLink() throws {
        let (runbook, session) = try interrupted(session: "one")
        let parent = (session as NSString).deletingLastPathComponent
        let resumed = try cli.medic(["resume", session, "--yes", "--runbook", runbook, "--transcript", parent + "/two"], environment: environment)
        try #require(resumed.status == 0, "\(resumed.error)")
        let path = parent + "/two/transcript.jsonl"
        let first = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        try (first + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let elsewhere = try TestSupport.temporaryDirectory()
        // A relative link, named from another folder: resolving the path as typed would read its
        // destination from there.
        try #require((elsewhere as NSString).deletingLastPathComponent == (parent as NSString).deletingLastPathComponent)
        try FileManager.default.createSymbolicLink(
            atPath: elsewhere + "/current", withDestinationPath: "../" + (parent as NSString).lastPathComponent + "/two")
        let third = try cli.medic(
            ["resume", elsewhere + "/current", "--yes", "--runbook", runbook, "--transcript", elsewhere + "/three"], environment: environment)
        #expect(third.status == 0, "\(third.error)")
        #expect(third.output.contains("The run stopped at stop-here"), "\(third.output)")
    }

    @Test("a link to the earlier session masked in a continuation's journal is refused plainly, and nothing runs")
    func maskedLinkToTheEarlierSession() throws {
        let (runbook, session) = try interrupted(session: "\(Self.secret)-one")
        let second = session.replacing("-one", with: "-two")
        let resumed = try cli.medic(["resume", session, "--yes", "--runbook", runbook, "--transcript", second], environment: environment)
        try #require(resumed.status == 0, "\(resumed.error)")
        #expect(try SessionEvidence(directory: second).start?.flags == ["--yes", "--resumed-from=../\(Masking.mask)-one"])
        // The continuation dies right after its start record.
        let path = second + "/transcript.jsonl"
        let first = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        try (first + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let refused = try cli.medic(["resume", second, "--yes", "--runbook", runbook, "--transcript", session + "-three"], environment: environment)
        #expect(refused.status == 1)
        #expect(
            refused.error.contains("continues the one recorded in ../\(Masking.mask)-one: part of that path is the value of a secret input"),
            "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: session + "-three"), "nothing was run")
    }

    @Test("a secret that is part of a flag's name leaves the flag readable")
    func flagNamesAreMedicsOwn() throws {
        let folder = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--yes", "--dry-run", "--transcript", folder + "/s"], environment: ["MEDIC_VAR_token": "e"])
        #expect(run.status == 0, "\(run.error)")
        #expect(try SessionEvidence(directory: folder + "/s").start?.flags == ["--yes", "--dry-run"])
    }
}

/// `medic resume` after a check confirmed as read-only on its author's word (`read_only:`), and
/// what it says about an action approved before the run was lost.
@Suite("medic resume after a vouched check")
struct ResumeVouchedTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/resume-vouched.yaml"
    let cli = CommandLineTests()

    /// A run with --yes and a fresh state folder (so the check is confirmed, and the journal has
    /// its confirmation), cut back to where `act` was entered; then `cut` more lines kept.
    func interrupted(keeping extra: [String] = []) throws -> (session: String, environment: [String: String]) {
        let folder = try TestSupport.temporaryDirectory()
        let environment = ["XDG_STATE_HOME": folder + "/state"]
        let session = folder + "/one"
        let run = try cli.medic(["run", Self.runbook, "--yes", "--transcript", session], environment: environment)
        try #require(run.status == 5, "\(run.output)\(run.error)")
        let lines = try String(contentsOfFile: session + "/transcript.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("\"event\":\"confirm\",\"step_id\":\"look\"") }, "the vouch is in the journal")
        try SessionEvidence.cut(session, atStep: "act")
        let kept = lines.filter { line in extra.contains { line.contains($0) } }
        if !kept.isEmpty {
            let path = session + "/transcript.jsonl"
            try (try String(contentsOfFile: path, encoding: .utf8) + kept.joined(separator: "\n") + "\n").write(
                toFile: path, atomically: true, encoding: .utf8)
        }
        return (session, environment)
    }

    @Test("a run that confirmed a vouched check resumes: the vouch is not an action's confirmation")
    func resumesAfterVouch() throws {
        let (session, environment) = try interrupted()
        let resumed = try cli.medic(["resume", session, "--yes", "--transcript", session + "-2"], environment: environment)
        #expect(resumed.status == 5, "\(resumed.output)\(resumed.error)")
        #expect(!resumed.error.contains("cannot rebuild"), "\(resumed.error)")
        #expect(resumed.output.contains("The run stopped at act"), "\(resumed.output)")
    }

    @Test("an action approved with no run record is said to be approved, not started")
    func approvedNotStarted() throws {
        let (session, environment) = try interrupted(keeping: ["\"event\":\"confirm\",\"step_id\":\"act\""])
        let resumed = try cli.medic(["resume", session, "--yes", "--transcript", session + "-2"], environment: environment)
        #expect(resumed.status == 5, "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("The action act was approved, but the journal records no start of it: it did not run."), "\(resumed.output)")
        #expect(!resumed.output.contains("approved and started"))
    }

    @Test("an action approved and started with no result is said to be started")
    func approvedAndStarted() throws {
        let (session, environment) = try interrupted(keeping: ["\"event\":\"confirm\",\"step_id\":\"act\"", "\"event\":\"run\",\"step_id\":\"act\""])
        let resumed = try cli.medic(["resume", session, "--yes", "--transcript", session + "-2"], environment: environment)
        #expect(resumed.status == 5, "\(resumed.output)\(resumed.error)")
        #expect(resumed.output.contains("The action act was approved and started, but its result was never recorded"), "\(resumed.output)")
    }
}
