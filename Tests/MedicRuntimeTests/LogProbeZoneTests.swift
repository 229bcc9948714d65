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
    }

    @Test("no zone file is UTC, said so; a file that is no zone file too")
    func missing() throws {
        let directory = try TestSupport.temporaryDirectory()
        #expect(LogZone.host(path: directory + "/none") == .utc(source: "no \(directory)/none"))
        try "not a zone\n".write(toFile: directory + "/bad", atomically: true, encoding: .utf8)
        #expect(LogZone.host(path: directory + "/bad").offset(at: 0) == 0)
        #expect(LogZone.host(path: directory + "/bad").source.contains("unreadable as a zone file"))
    }

    @Test("an nginx log written in Tokyo's local time is read in it, and the output names the zone")
    func probeReadsInItsZone() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let tokyo = try Self.zone("Asia/Tokyo")
        let now = Int64(time(nil))
        // Lines 9 h 5 min, 20 min and 5 min ago in Tokyo's local time: only the last is in the
        // window; read as UTC, the first would be in it instead and the others in the future.
        func line(_ seconds: Int64) -> String {
            let local = seconds + 9 * 3600
            let date = CivilDate.date(fromDays: local.floorDivided(by: 86_400))
            let clock = local - local.floorDivided(by: 86_400) * 86_400
            func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(date.year)/\(two(date.month))/\(two(date.day)) \(two(clock / 3600)):\(two(clock / 60 % 60)):\(two(clock % 60))"
                + " [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream\n"
        }
        try (line(now - 9 * 3600 - 300) + line(now - 1200) + line(now - 300)).write(toFile: path, atomically: true, encoding: .utf8)
        var output: [UInt8] = []
        let query = LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes)
        _ = LogProbe(interrupt: Interrupt(descriptor: nil), now: now, zone: tokyo).run(query, timeout: .seconds(10)) { output += $0 }
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains(": 1 lines\n") && text.contains("timeout: 1 "), "\(text)")
        #expect(text.contains("times without a zone read in Asia/Tokyo (UTC+09:00), the host's zone (/usr/share/zoneinfo/Asia/Tokyo)\n"), "\(text)")
    }
}
