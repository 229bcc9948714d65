import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("the session directory")
struct SessionDirectoryTests {
    @Test("the directory is 0700 and every file in it 0600, whatever the umask")
    func modes() throws {
        let session = try SampleEvents.session()
        try session.record(.note("hello"))
        let output = try session.openOutput(stepID: "probe")
        try output.write(ArraySlice("out\n".utf8))
        #expect(try output.close() == "output/001-probe.log")
        try session.finish()
        #expect(try Files.mode(session.path) == 0o700)
        #expect(try Files.mode(session.path + "/output") == 0o700)
        for file in ["transcript.jsonl", "session.cast", "transcript.md", "output/001-probe.log"] {
            #expect(try Files.mode(session.path + "/" + file) == 0o600, "\(file)")
        }
    }

    @Test("a second run into the same directory refuses to start, naming the path")
    func refusesExisting() throws {
        let first = try SampleEvents.session()
        try first.record(.note("first run"))
        let error = #expect(throws: TranscriptError.self) {
            try SessionDirectory.create(at: first.path, runbookID: "x", masking: Masking(secrets: []), screenSize: nil)
        }
        #expect(
            error?.description
                == "could not create the session directory \(first.path): it already exists; a session is never written twice, give a new directory")
        // The first run's journal is untouched.
        #expect(JournalReader.read(path: first.path + "/transcript.jsonl").entries.count == 1)
    }

    @Test("a symbolic link at the path is refused, even one pointing at a new place")
    func refusesSymlink() throws {
        let folder = try TestSupport.temporaryDirectory()
        let link = folder + "/session"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder + "/elsewhere")
        let error = #expect(throws: TranscriptError.self) {
            try SessionDirectory.create(at: link, runbookID: "x", masking: Masking(secrets: []), screenSize: nil)
        }
        #expect(error?.description.contains("\(link): it is a symbolic link") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere"))
    }

    @Test("missing parents are created 0700")
    func parents() throws {
        let folder = try TestSupport.temporaryDirectory()
        let session = try SessionDirectory.create(at: folder + "/a/b/session", runbookID: "x", masking: Masking(secrets: []), screenSize: nil)
        #expect(try Files.mode(folder + "/a") == 0o700)
        #expect(try Files.mode(folder + "/a/b") == 0o700)
        #expect(try Files.mode(session.path) == 0o700)
    }

    @Test("the default place is $XDG_STATE_HOME/medic/sessions/<UTC time>-<runbook id>, else under $HOME/.local/state")
    func defaultPath() throws {
        let time: Int64 = 1_795_000_000_123  // 2026-11-18 11:06:40.123 UTC
        let xdg = try SessionDirectory.defaultPath(runbookID: "nginx-502", milliseconds: time) { $0 == "XDG_STATE_HOME" ? "/state" : "/home/a" }
        #expect(xdg == "/state/medic/sessions/20261118T110640Z-nginx-502")
        let home = try SessionDirectory.defaultPath(runbookID: "../../etc/x y", milliseconds: time) { $0 == "HOME" ? "/home/a" : nil }
        #expect(home == "/home/a/.local/state/medic/sessions/20261118T110640Z-_._.._etc_x_y")
        // A relative XDG_STATE_HOME is ignored, as the XDG specification says.
        let relative = try SessionDirectory.defaultPath(runbookID: "r", milliseconds: time) { $0 == "XDG_STATE_HOME" ? "state" : "/h" }
        #expect(relative == "/h/.local/state/medic/sessions/20261118T110640Z-r")
        #expect(throws: TranscriptError.self) { try SessionDirectory.defaultPath(runbookID: "r", milliseconds: time) { _ in nil } }
    }

    @Test("without a path the session goes under $XDG_STATE_HOME, parents created 0700")
    func createsDefault() throws {
        let state = try TestSupport.temporaryDirectory()
        setenv("XDG_STATE_HOME", state, 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let session = try SessionDirectory.create(at: nil, runbookID: "default-place", masking: Masking(secrets: []), screenSize: nil)
        #expect(session.path.hasPrefix(state + "/medic/sessions/"))
        #expect(session.path.hasSuffix("Z-default-place"))
        #expect(try Files.mode(state + "/medic") == 0o700)
        #expect(try Files.mode(state + "/medic/sessions") == 0o700)
    }

    @Test("each step run gets its own numbered output file, its id made safe, with every byte written")
    func outputFiles() throws {
        let session = try SampleEvents.session()
        let first = try session.openOutput(stepID: "verify-site/health")
        let second = try session.openOutput(stepID: "../we ird$")
        var expected: [UInt8] = []
        for i in 0..<1000 {
            let chunk = Array("line \(i) \u{1B}[1mbold\u{1B}[0m\n".utf8)
            expected += chunk
            try first.write(chunk[...])
        }
        #expect(try first.close() == "output/001-verify-site_health.log")
        #expect(try second.close() == "output/002-_._we_ird_.log")
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: session.path + "/output/001-verify-site_health.log"))) == expected)
        #expect(throws: TranscriptError.self) { try first.write(ArraySlice("late".utf8)) }
    }

    @Test("after finish, recording fails with a sentence instead of writing past the report")
    func finished() throws {
        let session = try SampleEvents.session()
        try session.record(SampleEvents.start)
        try session.finish()
        let error = #expect(throws: TranscriptError.self) { try session.record(.note("late")) }
        #expect(error?.description == "could not record to \(session.path)/transcript.jsonl: the session is finished")
    }
}
