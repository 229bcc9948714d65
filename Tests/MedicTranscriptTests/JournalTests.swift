import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("the journal")
struct JournalTests {
    @Test("every event round-trips through the journal and the reader")
    func roundTrip() throws {
        let session = try SampleEvents.session()
        for event in SampleEvents.all { try session.record(event) }
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        #expect(read.problems.isEmpty)
        #expect(read.entries.count == SampleEvents.all.count)
        for (entry, event) in zip(read.entries, SampleEvents.all) {
            #expect(entry.record == .event(event), "line \(entry.line): \(entry.text)")
        }
        #expect(read.entries.map(\.seq) == Array(1...SampleEvents.all.count))
        #expect(read.entries.map(\.version) == Array(repeating: 1, count: SampleEvents.all.count))
        #expect(read.entries.allSatisfy { Clock.milliseconds(iso8601: $0.time) != nil })
        #expect(Set(read.entries.compactMap { $0.event.map(\.journalName) }).count == 14, "every kind of event, the inputs screen included")
    }

    @Test("an HTTP result's headers round-trip, in order; a journal without them reads as none")
    func headers() throws {
        let session = try SampleEvents.session()
        var result = ResultRecord(
            stepID: "probe", exitStatus: nil, httpStatus: 502, durationMilliseconds: 3, timedOut: false, cancelled: false,
            failureReason: nil, notRun: nil, succeeded: false)
        result.headers = [HTTPHeader(name: "Server", value: "nginx"), HTTPHeader(name: "Set-Cookie", value: "a=1"), HTTPHeader(name: "X", value: "")]
        try session.record(.result(result))
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        #expect(read.problems.isEmpty)
        #expect(read.entries.map(\.event) == [.result(result)])
        let bare = JournalReader.parse(
            Array(
                (#"{"v":1,"seq":1,"time":"2026-11-21T17:41:02.123Z","event":"result","step_id":"a","exit_status":0,"http_status":null,"#
                    + #""duration_milliseconds":1,"timed_out":false,"cancelled":false,"failure_reason":null,"not_run":null,"succeeded":true}"# + "\n")
                    .utf8))
        guard case .result(let decoded)? = bare.entries.first?.event else {
            Issue.record("not read as a result: \(bare.problems)")
            return
        }
        #expect(decoded.headers.isEmpty)
    }

    @Test("each line is one JSON object with the envelope first and snake_case fields")
    func lineShape() throws {
        let session = try SampleEvents.session()
        try session.record(
            .result(
                ResultRecord(
                    stepID: "probe", exitStatus: 0, httpStatus: nil, durationMilliseconds: 12, timedOut: false, cancelled: false,
                    failureReason: nil, notRun: nil, succeeded: true)))
        let text = try Files.text(session.path + "/transcript.jsonl")
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n").count == 1)
        let pattern =
            #/^\{"v":1,"seq":1,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","event":"result","step_id":"probe","exit_status":0,"http_status":null,"duration_milliseconds":12,"timed_out":false,"cancelled":false,"failure_reason":null,"not_run":null,"succeeded":true\}\n$/#
        #expect(text.wholeMatch(of: pattern) != nil, "\(text)")
    }

    @Test("control characters are escaped, so a line never breaks and Python's strict parser accepts it")
    func escaping() throws {
        let session = try SampleEvents.session()
        let all = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\\u{7F}\u{2028}\u{2029}"
        try session.record(.note(all))
        let path = session.path + "/transcript.jsonl"
        #expect(try Files.text(path).filter { $0 == "\n" }.count == 1)
        #expect(JournalReader.read(path: path).entries.first?.event == .note(all))
        let python = try Files.run([
            "python3", "-c", "import json,sys; [json.loads(l, strict=True) for l in open(sys.argv[1], encoding='utf-8')]; print('ok')", path,
        ])
        #expect(python.output == "ok\n", "\(python.error)")
    }

    @Test("a journal cut in the middle of its last line, as after kill -9, still reads every complete line")
    func tornLastLine() throws {
        let session = try SampleEvents.session()
        for event in SampleEvents.all.prefix(12) { try session.record(event) }
        let path = session.path + "/transcript.jsonl"
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let lastLine = try #require(try Files.text(path).split(separator: "\n").last)
        #expect(truncate(path, off_t(size - lastLine.utf8.count / 2)) == 0)
        let read = JournalReader.read(path: path)
        #expect(read.entries.count == 11)
        #expect(read.problems == [.incompleteLastLine(line: 12)])
        #expect(read.problems.first?.description == "line 12 is incomplete: the run was interrupted while writing it")
        // A last line cut just before its line end is not claimed either: the recorder never returned.
        #expect(truncate(path, off_t(size - 1)) == 0)
        #expect(JournalReader.read(path: path).entries.count == 11)
    }

    @Test("gaps in seq, versions, events and fields it does not know and lines that are not records are reported and skipped")
    func problems() throws {
        let lines = [
            #"{"v":1,"seq":1,"time":"2026-11-21T17:41:02.123Z","event":"note","text":"a"}"#,
            #"{"v":1,"seq":2,"time":"2026-11-21T17:41:03.123Z","event":"note","text":"b"}"#,
            #"{"v":1,"seq":5,"time":"2026-11-21T17:41:04.123Z","event":"note","text":"c"}"#,
            #"not json"#,
            #"{"v":2,"seq":6,"time":"2026-11-21T17:41:05.123Z","event":"note","text":"d"}"#,
            #"{"v":1,"seq":7,"time":"2026-11-21T17:41:06.123Z","event":"note"}"#,
            #"{"v":1,"seq":8,"time":"2026-11-21T17:41:07.123Z","event":"teleport","to":"x"}"#,
            #"{"v":1,"seq":9,"time":"2026-11-21T17:41:08.123Z","event":"answer","step_id":"ask","answer":7}"#,
            #"{"v":1,"seq":10,"time":"2026-11-21T17:41:09.123Z","event":"step","step_id":"a","kind":"magic","title":"t","why":"w","runbook_id":"r"}"#,
            #"{"v":1,"seq":11,"time":"2026-11-21T17:41:10.123Z","event":"captured","step_id":"a","values":[{"name":"n"}]}"#,
            #"{"v":1,"seq":12,"time":"2026-11-21T17:41:11.123Z","event":"result","step_id":"a","exit_status":null,"http_status":null,"duration_milliseconds":5,"timed_out":false,"cancelled":false,"failure_reason":null,"not_run":null,"succeeded":true}"#,
        ]
        let read = JournalReader.parse(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(read.entries.map(\.seq) == [1, 2, 5, 12])
        #expect(read.entries.map(\.line) == [1, 2, 3, 11])
        #expect(
            read.entries.map(\.event) == [
                .note("a"), .note("b"), .note("c"),
                .result(
                    ResultRecord(
                        stepID: "a", exitStatus: nil, httpStatus: nil, durationMilliseconds: 5, timedOut: false, cancelled: false, failureReason: nil,
                        notRun: nil, succeeded: true)),
            ])
        #expect(
            read.problems == [
                .gap(line: 3, after: 2, next: 5), .invalidLine(line: 4), .unsupportedVersion(line: 5, version: 2),
                .invalidField(line: 6, event: "note", field: "text"), .unknownEvent(line: 7, event: "teleport"),
                .invalidField(line: 8, event: "answer", field: "answer"), .invalidField(line: 9, event: "step", field: "kind"),
                .invalidField(line: 10, event: "captured", field: "values.value"),
            ])
        #expect(read.problems.first?.description == "line 3 has seq 5 after 2: 2 records are missing")
        #expect(read.problems[3].description == "line 6 is a 'note' record whose 'text' is missing or not valid; it was skipped")
        #expect(read.problems[4].description == "line 7 is a 'teleport' record, which this Medic does not know; it was skipped")
        #expect(
            JournalReader.read(path: "/nonexistent/transcript.jsonl").problems.first?.description
                == "could not read /nonexistent/transcript.jsonl: No such file or directory")
    }

    @Test("times are UTC with milliseconds and read back to the same instant")
    func times() {
        #expect(Clock.iso8601(milliseconds: 1_795_000_000_123) == "2026-11-18T11:06:40.123Z")
        #expect(Clock.iso8601(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Clock.compact(milliseconds: 1_795_000_000_123) == "20261118T110640Z")
        for milliseconds: Int64 in [0, 951_782_400_000, 1_795_000_000_123, 4_102_444_799_999] {
            #expect(Clock.milliseconds(iso8601: Clock.iso8601(milliseconds: milliseconds)) == milliseconds)
        }
        #expect(Clock.milliseconds(iso8601: "2026-11-18 11:06:40") == nil)
    }
}
