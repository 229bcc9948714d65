import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

/// A log's newest line against the file's modification time: a stamp read as after its own
/// write proves the zone wrong; a whole number of quarter hours gives the writer's offset.
@Suite("The log probe checks its zone against the newest line and the file's modification time")
struct LogZoneCheckTests {
    static let written = LogProbeZoneTests.utc(2026, 12, 3, 12, 17, 5)

    /// A check whose newest line's stamp, read as UTC, is `gap` seconds after the write.
    static func check(gap: Int64) -> LogZoneCheck { LogZoneCheck(stamp: written + gap, written: written) }

    @Test(
        "a stamp read as after its write by whole quarter hours gives the writer's offset; other gaps are said or let be",
        arguments: [
            (9 * 3600, LogZoneCheck.Finding.writerAhead(offset: 9 * 3600, gap: 9 * 3600)),
            (9 * 3600 + 60, .writerAhead(offset: 9 * 3600, gap: 9 * 3600 + 60)),
            (9 * 3600 - 89, .writerAhead(offset: 9 * 3600, gap: 9 * 3600 - 89)),
            (5 * 3600 + 1800, .writerAhead(offset: 5 * 3600 + 1800, gap: 5 * 3600 + 1800)),
            (900, .writerAhead(offset: 900, gap: 900)),
            (200, .unexplained(gap: 200)),
            (9 * 3600 - 300, .unexplained(gap: 9 * 3600 - 300)),
            (0, .agrees), (90, .agrees), (-90, .agrees),
            // Before the write: a late write explains a short gap or an odd one, never a stamp ahead.
            (-1800, .agrees), (-5 * 3600 - 600, .agrees),
            (-5 * 3600, .writerMaybeBehind(offset: -5 * 3600, gap: 5 * 3600)),
            (-3600 + 60, .writerMaybeBehind(offset: -3600, gap: 3600 - 60)),
        ] as [(Int64, LogZoneCheck.Finding)])
    func findings(gap: Int64, expected: LogZoneCheck.Finding) {
        #expect(Self.check(gap: gap).finding(at: 0) == expected)
    }

    @Test("the finding counts from the offset the zone gives: read an hour east, the same stamp is an hour less ahead")
    func fromTheOffset() {
        #expect(Self.check(gap: 9 * 3600).finding(at: 3600) == .writerAhead(offset: 9 * 3600, gap: 8 * 3600))
        #expect(Self.check(gap: 9 * 3600).finding(at: 9 * 3600) == .agrees)
        #expect(Self.check(gap: 0).finding(at: -5 * 3600) == .writerAhead(offset: 0, gap: 5 * 3600))
        #expect(LogZoneCheck.duration(5 * 3600 + 1800) == "5 h 30 min" && LogZoneCheck.duration(200) == "3 min 20 s")
        #expect(Self.check(gap: 9 * 3600).stampText == "2026-12-03 21:17:05")
    }

    /// Writes `text` to a new file whose modification time is `written`; its path.
    static func file(_ text: String, written: Int64 = written) throws -> String {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var times = [timespec(tv_sec: Int(written), tv_nsec: 0), timespec(tv_sec: Int(written), tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        return path
    }

    @Test("only a last line timed without a zone is evidence: a zone of its own, no time, an empty file or a cut line is none")
    func whatCounts() throws {
        let now = Self.written + 60
        let nginx = "2026/12/03 21:17:05 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream\n"
        #expect(LogZoneCheck.read(try Self.file("2026/12/03 01:00:00 [error] older\n" + nginx), now: now) == Self.check(gap: 9 * 3600))
        #expect(LogZoneCheck.read(try Self.file(String(nginx.dropLast())), now: now) == Self.check(gap: 9 * 3600), "no final newline")
        #expect(LogZoneCheck.read(try Self.file(nginx + "  the rest of a traceback\n"), now: now) == nil)
        #expect(LogZoneCheck.read(try Self.file("2026-12-03T21:17:05+09:00 app started\n"), now: now) == nil)
        #expect(LogZoneCheck.read(try Self.file("2026-12-03T21:17:05 app started\n"), now: now) == Self.check(gap: 9 * 3600))
        #expect(LogZoneCheck.read(try Self.file(""), now: now) == nil)
        #expect(LogZoneCheck.read(try Self.file("\n"), now: now) == nil)
        // A last line longer than the tail read: its start, and so its time, is not in it.
        #expect(LogZoneCheck.read(try Self.file("x\n" + String(nginx.dropLast()) + String(repeating: " …", count: 3000) + "\n"), now: now) == nil)
        #expect(LogZoneCheck.read(try TestSupport.temporaryDirectory() + "/none", now: now) == nil)
    }

    @Test("a log stamped in Tokyo's local time, read on a host in UTC: the probe reads its window at +09:00 and says why")
    func probeFollowsTheWriter() throws {
        let now = Int64(time(nil))
        let lines = [now - 9 * 3600 - 300, now - 1200, now - 300, now].map { LogProbeZoneTests.tokyoLine($0) }.joined()
        let path = try Self.file(lines, written: now)
        let query = LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes)
        let text = LogProbeZoneTests.probe(query, now: now, host: .utc(source: "/etc/localtime"))
        #expect(text.contains(": 2 lines\n") && text.contains("timeout: 2 "), "the lines 5 min ago and now, not the one 9 h 5 min ago: \(text)")
        #expect(
            text.contains(
                "times without a zone read in UTC+09:00, the offset its writer stamps lines in: its newest line, stamped "
                    + "\(LogZoneCheck(stamp: now + 9 * 3600, written: now).stampText), was written at \(LogTimestamp.format(now)) "
                    + "(the file's modification time), and UTC (UTC+00:00), the host's zone, would place it 9 h after that\n"),
            "\(text)")
        #expect(!text.contains("the host's zone (/etc/localtime)"), "\(text)")
        // Read in Tokyo's zone, the same file agrees with itself and nothing is said.
        let tokyo = LogProbeZoneTests.probe(query, now: now, host: try LogProbeZoneTests.zone("Asia/Tokyo"))
        #expect(tokyo.contains(": 2 lines\n") && tokyo.contains("the host's zone (/usr/share/zoneinfo/Asia/Tokyo)\n"), "\(tokyo)")
        #expect(!tokyo.contains("newest line"), "\(tokyo)")
    }

    @Test("a stamp five hours behind its write is a hint, not a new zone: a line written late reads the same")
    func behindIsAHint() throws {
        let now = Int64(time(nil))
        let path = try Self.file(LogProbeZoneTests.tokyoLine(now - 14 * 3600), written: now)
        let text = LogProbeZoneTests.probe(
            LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes), now: now, host: .utc(source: "/etc/localtime"))
        #expect(text.contains(": 0 lines\n"), "\(text)")
        #expect(
            text.contains(
                "times without a zone read in UTC (UTC+00:00), the host's zone (/etc/localtime)\nthe newest line, stamped "
                    + "\(LogZoneCheck(stamp: now - 5 * 3600, written: now).stampText), reads as 5 h before the file was last written "
                    + "(\(LogTimestamp.format(now))): its writer may write in UTC-05:00 rather than in UTC, or wrote the line late; "
                    + "if it runs with a TZ of its own, give that as the probe's zone\n"),
            "\(text)")
    }
}
