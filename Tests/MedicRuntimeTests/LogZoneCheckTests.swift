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
    /// A 15-minute window ending at the write.
    static let windowStart = written - 900

    /// A check of a file whose only line's stamp, read as UTC, is `gap` seconds after the write.
    static func check(gap: Int64) -> LogZoneCheck { LogZoneCheck(stamps: [written + gap], written: written, wholeFile: true) }

    @Test(
        "a stamp read as after its write by whole quarter hours gives the writer's offset; other gaps are said or let be",
        arguments: [
            (9 * 3600, LogZoneCheck.Finding.writerAhead(offset: 9 * 3600, gap: 9 * 3600, reason: .onlyLine)),
            (9 * 3600 + 60, .writerAhead(offset: 9 * 3600, gap: 9 * 3600 + 60, reason: .onlyLine)),
            (9 * 3600 - 89, .writerAhead(offset: 9 * 3600, gap: 9 * 3600 - 89, reason: .onlyLine)),
            (5 * 3600 + 1800, .writerAhead(offset: 5 * 3600 + 1800, gap: 5 * 3600 + 1800, reason: .onlyLine)),
            (900, .writerAhead(offset: 900, gap: 900, reason: .onlyLine)),
            (200, .unexplained(gap: 200)),
            (9 * 3600 - 300, .unexplained(gap: 9 * 3600 - 300)),
            (0, .agrees), (90, .agrees), (-90, .agrees),
            // Before the write: a late write explains a short gap or an odd one, never a stamp ahead.
            (-1800, .agrees), (-5 * 3600 - 600, .agrees),
            (-5 * 3600, .writerMaybeBehind(offset: -5 * 3600, gap: 5 * 3600)),
            (-3600 + 60, .writerMaybeBehind(offset: -3600, gap: 3600 - 60)),
        ] as [(Int64, LogZoneCheck.Finding)])
    func findings(gap: Int64, expected: LogZoneCheck.Finding) {
        #expect(Self.check(gap: gap).finding(at: 0, windowStart: Self.windowStart) == expected)
    }

    @Test("the finding counts from the offset the zone gives: read an hour east, the same stamp is an hour less ahead")
    func fromTheOffset() {
        #expect(
            Self.check(gap: 9 * 3600).finding(at: 3600, windowStart: Self.windowStart)
                == .writerAhead(offset: 9 * 3600, gap: 8 * 3600, reason: .onlyLine))
        #expect(Self.check(gap: 9 * 3600).finding(at: 9 * 3600, windowStart: Self.windowStart) == .agrees)
        #expect(Self.check(gap: 0).finding(at: -5 * 3600, windowStart: Self.windowStart) == .writerAhead(offset: 0, gap: 5 * 3600, reason: .onlyLine))
        #expect(LogZoneCheck.duration(5 * 3600 + 1800) == "5 h 30 min" && LogZoneCheck.duration(200) == "3 min 20 s")
        #expect(Self.check(gap: 9 * 3600).stampText == "2026-12-03 21:17:05")
    }

    @Test("an offset no zone has is no zone's; a move that could take another writer's line out of the window is not made")
    func boundsAndCorroboration() {
        #expect(Self.check(gap: 15 * 3600).finding(at: 0, windowStart: Self.windowStart) == .unexplained(gap: 15 * 3600))
        #expect(
            Self.check(gap: 14 * 3600).finding(at: 0, windowStart: Self.windowStart)
                == .writerAhead(offset: 14 * 3600, gap: 14 * 3600, reason: .onlyLine))
        #expect(Self.check(gap: -13 * 3600).finding(at: 0, windowStart: Self.windowStart) == .agrees)
        #expect(Self.check(gap: -12 * 3600).finding(at: 0, windowStart: Self.windowStart) == .writerMaybeBehind(offset: -12 * 3600, gap: 12 * 3600))
        let (w, ahead) = (Self.written, 9 * Int64(3600))
        // One line of a file's tail, not the whole file: nothing before it to bear it out.
        #expect(
            LogZoneCheck(stamps: [w + ahead], written: w, wholeFile: false).finding(at: 0, windowStart: Self.windowStart)
                == .uncorroborated(offset: ahead, gap: ahead, doubt: .nothingBefore))
        // The line before reads as inside the window in the zone used: one writer or two cannot be told.
        #expect(
            LogZoneCheck(stamps: [w - 300, w + ahead], written: w, wholeFile: true).finding(at: 0, windowStart: Self.windowStart)
                == .uncorroborated(offset: ahead, gap: ahead, doubt: .lineBeforeInWindow))
        // A quiet writer: the line before, ten hours older, lies before the window whichever zone it is read in.
        #expect(
            LogZoneCheck(stamps: [w + ahead - 10 * 3600, w + ahead], written: w, wholeFile: false).finding(at: 0, windowStart: Self.windowStart)
                == .writerAhead(offset: ahead, gap: ahead, reason: .lineBeforeOlder))
        // Two writers in two zones, taking turns: the stamps step back.
        let turns = [w + ahead - 120, w - 100, w + ahead - 60, w + ahead]
        #expect(
            LogZoneCheck(stamps: turns, written: w, wholeFile: true).finding(at: 0, windowStart: Self.windowStart)
                == .uncorroborated(offset: ahead, gap: ahead, doubt: .stepsBack))
        #expect(
            LogZoneCheck(stamps: [w + ahead - 120, w + ahead - 60, w + ahead], written: w, wholeFile: false).finding(
                at: 0, windowStart: Self.windowStart)
                == .writerAhead(offset: ahead, gap: ahead, reason: .lineBeforeAhead))
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
        let nginx = "2026/12/03 21:17:05 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream\n"
        #expect(LogZoneCheck.read(try Self.file("2026/12/03 01:00:00 [error] older\n" + nginx))?.stamps.last == Self.written + 9 * 3600)
        #expect(LogZoneCheck.read(try Self.file(String(nginx.dropLast())))?.stamps.last == Self.written + 9 * 3600, "no final newline")
        #expect(LogZoneCheck.read(try Self.file(nginx + "  the rest of a traceback\n")) == nil)
        #expect(LogZoneCheck.read(try Self.file("2026-12-03T21:17:05+09:00 app started\n")) == nil)
        #expect(LogZoneCheck.read(try Self.file("2026-12-03T21:17:05 app started\n"))?.stamps.last == Self.written + 9 * 3600)
        #expect(LogZoneCheck.read(try Self.file("")) == nil)
        #expect(LogZoneCheck.read(try Self.file("\n")) == nil)
        // A last line longer than the tail read: its start, and so its time, is not in it.
        #expect(LogZoneCheck.read(try Self.file("x\n" + String(nginx.dropLast()) + String(repeating: " …", count: 3000) + "\n")) == nil)
        #expect(LogZoneCheck.read(try TestSupport.temporaryDirectory() + "/none") == nil)
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
                "times without a zone read in UTC+09:00, the offset its writer stamps lines in: its last line, stamped "
                    + "\(Self.stampText(now + 9 * 3600)), was written at \(LogTimestamp.format(now)) "
                    + "(the file's modification time), and UTC (UTC+00:00 then), the host's zone, would place it 9 h after that, "
                    + "and the line before after it too\n"),
            "\(text)")
        #expect(!text.contains("the host's zone (/etc/localtime)"), "\(text)")
        // Read in Tokyo's zone, the same file agrees with itself and nothing is said.
        let tokyo = LogProbeZoneTests.probe(query, now: now, host: try LogProbeZoneTests.zone("Asia/Tokyo"))
        #expect(tokyo.contains(": 2 lines\n") && tokyo.contains("the host's zone (/usr/share/zoneinfo/Asia/Tokyo)\n"), "\(tokyo)")
        #expect(!tokyo.contains("last line"), "\(tokyo)")
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
                "times without a zone read in UTC (UTC+00:00), the host's zone (/etc/localtime)\nthe file's last line, stamped "
                    + "\(Self.stampText(now - 5 * 3600)), reads as 5 h before the file was last written "
                    + "(\(LogTimestamp.format(now))): its writer may write in UTC-05:00 rather than in UTC, or wrote the line late; "
                    + "if it runs with a TZ of its own, give that as the probe's zone\n"),
            "\(text)")
    }

    /// A stamp (read as UTC) as the probe's output writes it.
    static func stampText(_ stamp: Int64) -> String { LogZoneCheck(stamps: [stamp], written: 0, wholeFile: true).stampText }

    /// The probe over `text` written at `written`, in the host's zone (UTC) unless `zone` is given.
    static func probe(_ text: String, written: Int64, zone: String? = nil) throws -> String {
        let path = try file(text, written: written)
        let query = LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes, zone: zone)
        return LogProbeZoneTests.probe(query, now: Int64(time(nil)), host: .utc(source: "/etc/localtime"))
    }

    @Test("two writers in one file, the last in Tokyo's time: the window stays in the host's zone, and the line says why")
    func secondWriter() throws {
        let now = Int64(time(nil))
        let text = try Self.probe(
            LogProbeTests.strftime(Int(now - 300), "%Y/%m/%d %H:%M:%S", utc: true)
                + " [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream\n" + LogProbeZoneTests.tokyoLine(now),
            written: now)
        #expect(text.contains("refused: 1 "), "the refusal 5 min ago, read in the host's zone, is counted: \(text)")
        #expect(
            text.contains(
                "the file's last line, stamped \(Self.stampText(now + 9 * 3600)), reads as 9 h after the file was last written "
                    + "(\(LogTimestamp.format(now))): its writer writes at UTC+09:00, but the line before it reads as inside the window in UTC, "
                    + "and whether one writer wrote both cannot be told, so the window is read in UTC all the same; if the writer runs with a TZ "
                    + "of its own, give that as the probe's zone\n"),
            "\(text)")
    }

    @Test("a quiet writer in Tokyo's time, its line before ten hours older: the window moves, and the line says why it may")
    func quietWriter() throws {
        let now = Int64(time(nil))
        let text = try Self.probe(LogProbeZoneTests.tokyoLine(now - 10 * 3600) + LogProbeZoneTests.tokyoLine(now - 60), written: now - 60)
        #expect(text.contains(": 1 lines\n"), "only the line a minute old: \(text)")
        #expect(text.contains("would place it 9 h after that, and the line before lies before the window in either zone\n"), "\(text)")
    }

    @Test("a writer's line after another's, the two taking turns: the stamps step back, and the line says so")
    func takingTurns() throws {
        let now = Int64(time(nil))
        func utcLine(_ seconds: Int64) -> String {
            LogProbeTests.strftime(Int(seconds), "%Y/%m/%d %H:%M:%S", utc: true) + " [error] 7#7: *1 upstream timed out (110: x)\n"
        }
        let text = try Self.probe(
            LogProbeZoneTests.tokyoLine(now - 120) + utcLine(now - 100) + LogProbeZoneTests.tokyoLine(now - 60) + LogProbeZoneTests.tokyoLine(now),
            written: now)
        #expect(
            text.contains(
                "its writer writes at UTC+09:00, but the stamps before it step back, as two writers in two zones taking turns make them, "
                    + "so the window is read in UTC all the same; if the writer runs with a TZ of its own, give that as the probe's zone\n"),
            "\(text)")
    }

    @Test("a gap no zone explains is said as the clock's, not the zone's; a syslog stamp takes the year it was written in")
    func clocksAndYears() throws {
        let now = Int64(time(nil))
        let skewed = try Self.probe(LogProbeZoneTests.tokyoLine(now - 9 * 3600 + 200), written: now)
        #expect(
            skewed.contains(
                "reads as 3 min 20 s after the file was last written (\(LogTimestamp.format(now))): no zone explains that; "
                    + "the writer's clock or the file's modification time is off, and the window may be off by as much\n"),
            "\(skewed)")
        // Written a year ago on 1 December: read with this year, it would be a year ahead.
        let lastYear = LogProbeZoneTests.utc(CivilDate.date(fromDays: now.floorDivided(by: 86_400)).year - 1, 12, 1, 10)
        let old = try Self.probe("Dec  1 10:00:00 web1 nginx: upstream refused\n", written: lastYear)
        #expect(!old.contains("last line") && old.contains("the host's zone (/etc/localtime)\n"), "\(old)")
    }

    @Test("around New Year a syslog stamp takes the year that puts it nearest, up to a day ahead: a writer east of the host is still found")
    func newYear() throws {
        let utc = LogProbeZoneTests.utc
        func read(_ line: String, now: Int64) -> Int64? {
            Array(line.utf8).withUnsafeBufferPointer { LogTimestamp(now: now, localOffset: 0).seconds(in: $0) }
        }
        let eve = utc(2026, 12, 31, 20, 0, 0)
        // Stamped in Tokyo on New Year's morning, read in UTC on New Year's Eve: next year's, 9 h ahead.
        #expect(read("Jan  1 05:00:00 web1 nginx: x", now: eve) == utc(2027, 1, 1, 5, 0, 0))
        #expect(read("Dec 31 19:00:00 web1 nginx: x", now: eve) == utc(2026, 12, 31, 19, 0, 0))
        // More than a day ahead in next year: this year's.
        #expect(read("Jan  2 05:00:00 web1 nginx: x", now: eve) == utc(2026, 1, 2, 5, 0, 0))
        // Read on New Year's Day, a 31 December stamp is last year's.
        #expect(read("Dec 31 23:00:00 web1 nginx: x", now: utc(2027, 1, 1, 3, 0, 0)) == utc(2026, 12, 31, 23, 0, 0))
        // A 29 February this year has not is last year's when last year had one.
        #expect(read("Feb 29 10:00:00 web1 nginx: x", now: utc(2029, 1, 5, 0, 0, 0)) == utc(2028, 2, 29, 10, 0, 0))
        // A day its month does not have is no time, in any format (it was once read as in the next month).
        #expect(read("Feb 30 10:00:00 web1 nginx: x", now: utc(2029, 1, 5, 0, 0, 0)) == nil)
        #expect(read("2026/04/31 10:00:00 [error] x", now: eve) == nil && read("2026-02-29T10:00:00Z x", now: eve) == nil)
        #expect(read("[31/Jun/2026:10:00:00 +0000] x", now: eve) == nil && read("2028-02-29T10:00:00Z x", now: eve) == utc(2028, 2, 29, 10, 0, 0))
        // The zone check: the last line, written at 20:00 UTC on the 31st, is 9 h ahead, not a year behind.
        let check = try #require(LogZoneCheck.read(try Self.file("Jan  1 05:00:00 web1 nginx: upstream refused\n", written: eve)))
        #expect(check.stamps == [utc(2027, 1, 1, 5, 0, 0)])
        #expect(check.finding(at: 0, windowStart: eve - 900) == .writerAhead(offset: 9 * 3600, gap: 9 * 3600, reason: .onlyLine))
    }

    @Test("the zone's offset when the file was written is the one checked: a log last written in Berlin's summer agrees in winter")
    func summerTime() throws {
        let written = LogProbeZoneTests.utc(2026, 10, 20, 12)
        let text = try Self.probe("2026/10/20 14:00:00 [error] 7#7: *1 upstream timed out\n", written: written, zone: "Europe/Berlin")
        #expect(text.contains("times without a zone read in Europe/Berlin (UTC+"), "\(text)")
        #expect(!text.contains("last line"), "\(text)")
    }
}
