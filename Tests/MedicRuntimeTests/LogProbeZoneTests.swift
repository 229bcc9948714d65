import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicRuntime

/// Times written without a zone are read in the host's zone, from its zone file, whatever
/// Medic's own `TZ` says.
@Suite("The log probe's zone for times written without one")
struct LogProbeZoneTests {
    /// Seconds since the epoch of a UTC date and time.
    static func utc(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64, _ minute: Int64 = 0, _ second: Int64 = 0) -> Int64 {
        CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    static func zone(_ name: String) throws -> LogZone {
        let zone = LogZone.host(path: "/usr/share/zoneinfo/" + name)
        try #require(zone.source == "/usr/share/zoneinfo/" + name && zone.name != "UTC", "no zone file for \(name) on this host")
        return zone
    }

    @Test("zone files give the offsets of their transitions and, past the last, of their rule")
    func zoneFiles() throws {
        let tokyo = try Self.zone("Asia/Tokyo")
        #expect(tokyo.offset(at: Self.utc(2026, 12, 2, 12)) == 9 * 3600)
        #expect(tokyo.offset(at: Self.utc(2060, 6, 1, 0)) == 9 * 3600)
        let berlin = try Self.zone("Europe/Berlin")
        #expect(berlin.offset(at: Self.utc(2026, 1, 15, 12)) == 3600)
        #expect(berlin.offset(at: Self.utc(2026, 7, 15, 12)) == 7200)
        // Summer time begins on the last Sunday of March at 01:00 UTC.
        #expect(berlin.offset(at: Self.utc(2026, 3, 29, 0, 59, 59)) == 3600)
        #expect(berlin.offset(at: Self.utc(2026, 3, 29, 1)) == 7200)
        // Past 2037 the file's footer rule decides.
        #expect(berlin.offset(at: Self.utc(2050, 7, 15, 12)) == 7200)
        #expect(berlin.offset(at: Self.utc(2050, 12, 15, 12)) == 3600)
        let newYork = try Self.zone("America/New_York")
        #expect(newYork.offset(at: Self.utc(2026, 12, 2, 12)) == -5 * 3600)
        #expect(newYork.offset(at: Self.utc(2026, 7, 2, 12)) == -4 * 3600)
        #expect(LogZone.describe(offset: -5 * 3600) == "UTC-05:00")
        #expect(LogZone.describe(offset: 5 * 3600 + 1800) == "UTC+05:30")
    }

    @Test("POSIX rules: northern and southern summers, fixed offsets, and what is not a rule")
    func rules() throws {
        let europe = try #require(LogZone.Rule("CET-1CEST,M3.5.0,M10.5.0/3"))
        // 2026: summer from 29 March 01:00 UTC to 25 October 01:00 UTC.
        #expect(europe.offset(at: Self.utc(2026, 10, 25, 0, 59, 59)) == 7200)
        #expect(europe.offset(at: Self.utc(2026, 10, 25, 1)) == 3600)
        let sydney = try #require(LogZone.Rule("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(sydney.offset(at: Self.utc(2026, 1, 10, 0)) == 11 * 3600)
        #expect(sydney.offset(at: Self.utc(2026, 7, 10, 0)) == 10 * 3600)
        #expect(LogZone.Rule("<-03>3")?.offset(at: 0) == -3 * 3600)
        #expect(LogZone.Rule("UTC0")?.offset(at: 0) == 0)
        #expect(LogZone.Rule("") == nil)
        #expect(LogZone.Rule("CET-1CEST,M13.5.0,M10.5.0") == nil)
        // Offsets within bounds (glibc clamps past them; Medic refuses): hours to 24, minutes and
        // seconds under 60; a <name> of 3 or more letters, digits, + or -.
        let full = try #require(LogZone.Rule("AAA-24"))
        #expect(full.offset(at: 0) == 24 * 3600)
        #expect(
            LogZone.Rule("AAA-9999") == nil && LogZone.Rule("AAA-25") == nil && LogZone.Rule("AAA-24:99") == nil && LogZone.Rule("AAA-1:00:60") == nil
        )
        #expect(LogZone.Rule("<>-5") == nil && LogZone.Rule("<+5>-5") == nil && LogZone.Rule("<a_b>-5") == nil)
        let named = try #require(LogZone.Rule("<+05>-5"))
        #expect(named.offset(at: 0) == 5 * 3600)
        // A change's time may reach past a day (RFC 8536): Greenland's footer.
        let greenland = try #require(LogZone.Rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"))
        #expect(greenland.offset(at: Self.utc(2026, 7, 1, 12)) == -3600)
    }

    @Test("no zone file is UTC, said so; a file that is no zone file too")
    func missing() throws {
        let directory = try TestSupport.temporaryDirectory()
        #expect(LogZone.host(path: directory + "/none") == .utc(source: "no \(directory)/none"))
        try "not a zone\n".write(toFile: directory + "/bad", atomically: true, encoding: .utf8)
        #expect(LogZone.host(path: directory + "/bad").offset(at: 0) == 0)
        #expect(LogZone.host(path: directory + "/bad").source.contains("unreadable as a zone file"))
    }

    /// An nginx error line (a read timeout) stamped `seconds` since the epoch in Tokyo's local time.
    static func tokyoLine(_ seconds: Int64) -> String {
        let local = seconds + 9 * 3600
        let date = CivilDate.date(fromDays: local.floorDivided(by: 86_400))
        let clock = local - local.floorDivided(by: 86_400) * 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date.year)/\(two(date.month))/\(two(date.day)) \(two(clock / 3600)):\(two(clock / 60 % 60)):\(two(clock % 60))"
            + " [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream\n"
    }

    /// A log of lines 9 h 5 min, 20 min and 5 min before `now` in Tokyo's local time: read in
    /// Tokyo's zone only the last is in a 15-minute window; read as UTC, the first would be in it
    /// instead and the others in the future.
    static func tokyoLog(now: Int64) throws -> String {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        try (tokyoLine(now - 9 * 3600 - 300) + tokyoLine(now - 1200) + tokyoLine(now - 300)).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The probe's output over `query`, with `host` as the host's zone.
    static func probe(_ query: LogQuery, now: Int64, host: LogZone) -> String {
        var output: [UInt8] = []
        _ = LogProbe(interrupt: Interrupt(descriptor: nil), now: now, zone: host).run(query, timeout: .seconds(10)) { output += $0 }
        return String(decoding: output, as: UTF8.self)
    }

    @Test("an nginx log written in Tokyo's local time is read in it, and the output names the zone")
    func probeReadsInItsZone() throws {
        let now = Int64(time(nil))
        let query = LogQuery(path: try Self.tokyoLog(now: now), since: .seconds(900), classes: LogProbeTests.classes)
        let text = Self.probe(query, now: now, host: try Self.zone("Asia/Tokyo"))
        #expect(text.contains(": 1 lines\n") && text.contains("timeout: 1 "), "\(text)")
        #expect(text.contains("times without a zone read in Asia/Tokyo (UTC+09:00), the host's zone (/usr/share/zoneinfo/Asia/Tokyo)\n"), "\(text)")
    }

    @Test("a writer's TZ is read as glibc reads it: a zone name, with or without ':', a zone file's path, a POSIX rule, empty for UTC")
    func writersZone() throws {
        let now = Self.utc(2026, 12, 2, 12)
        for value in ["Asia/Tokyo", ":Asia/Tokyo", "/usr/share/zoneinfo/Asia/Tokyo"] {
            let zone = try #require(LogZone.named(value), "\(value)")
            #expect(zone.offset(at: now) == 9 * 3600 && zone.name == "Asia/Tokyo" && zone.whose == "the zone given for the writer", "\(value)")
            let source = value.hasPrefix("/") ? "TZ \(value)" : "TZ \(value), /usr/share/zoneinfo/Asia/Tokyo"
            #expect(zone.source == source, "\(zone.source)")
        }
        let rule = try #require(LogZone.named("<+0330>-3:30"))
        #expect(rule.offset(at: now) == 3 * 3600 + 1800 && rule.source == "TZ <+0330>-3:30, a POSIX rule")
        let europe = try #require(LogZone.named("CET-1CEST,M3.5.0,M10.5.0/3"))
        #expect(europe.offset(at: Self.utc(2026, 7, 1, 12)) == 7200 && europe.offset(at: now) == 3600)
        let empty = try #require(LogZone.named(""))
        #expect(empty.offset(at: now) == 0 && empty.name == "UTC" && empty.source == "TZ set empty")
        #expect(LogZone.named(":")?.offset(at: now) == 0)
    }

    @Test("a TZ that is neither a zone file nor a rule is no zone; a path out of the zone folder is never read, a FIFO never waited on")
    func writersZoneRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        // A zone file copied out of the folder is read by its absolute path, not by a name climbing to it.
        try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/Asia/Tokyo", toPath: directory + "/tokyo")
        let copied = try #require(LogZone.named(directory + "/tokyo"))
        #expect(copied.offset(at: Self.utc(2026, 12, 2, 12)) == 9 * 3600 && copied.source == "TZ \(directory)/tokyo")
        #expect(LogZone.named("../../../.." + directory + "/tokyo") == nil)
        #expect(LogZone.named("Europe/Nowhere") == nil)
        #expect(LogZone.named("Europe/Berlinx") == nil)
        #expect(LogZone.named("/etc/passwd") == nil)
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        let start = ContinuousClock.now
        #expect(LogZone.named(directory + "/fifo") == nil)
        #expect(ContinuousClock.now - start < .seconds(2), "a FIFO with no writer is not waited on")
    }

    @Test("a log probe given the writer's TZ reads its times in it whatever the host's zone and says so; one it cannot read, it says")
    func probeInWritersZone() throws {
        let now = Int64(time(nil))
        let path = try Self.tokyoLog(now: now)
        let utc = LogZone.utc(source: "test")
        let host = Self.probe(LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes), now: now, host: utc)
        // Read in UTC (the host's zone here), every line falls in the window, two of them hours ahead.
        #expect(host.contains(": 3 lines\n") && host.contains("the host's zone (test)"), "\(host)")
        let tokyo = Self.probe(LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes, zone: "Asia/Tokyo"), now: now, host: utc)
        #expect(tokyo.contains(": 1 lines\n") && tokyo.contains("timeout: 1 "), "\(tokyo)")
        #expect(
            tokyo.contains(
                "times without a zone read in Asia/Tokyo (UTC+09:00), the zone given for the writer (TZ Asia/Tokyo, /usr/share/zoneinfo/Asia/Tokyo)\n"
            ),
            "\(tokyo)")
        let latest = try #require(tokyo.split(separator: "\n").first { $0.hasPrefix("timeout: 1 ") })
        #expect(latest.contains(LogTimestamp.format(now - 300)), "the line 5 min ago is the one in the window: \(tokyo)")
        let unknown = Self.probe(
            LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes, zone: "Mars/Olympus"), now: now, host: utc)
        let refusal =
            "unreadable: TZ Mars/Olympus: no zone file (by name under /usr/share/zoneinfo, or by absolute path) and no POSIX rule Medic reads"
        #expect(unknown == refusal + ", so the times in \(path) cannot be placed\n")
    }
}
