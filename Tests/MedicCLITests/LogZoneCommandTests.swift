import Foundation
import MedicTestSupport
import Testing

/// The built binary, run with the operator's `TZ` far from the host's, reads a real nginx-style
/// error log written in the host's local time.
@Suite("The log probe ignores the operator's TZ")
struct LogZoneCommandTests {
    let cli = CommandLineTests()

    /// `seconds` as nginx writes it, in the host's local time: `date` run without `TZ`.
    func hostTime(_ seconds: Int) throws -> String {
        let run = try cli.run("/usr/bin/env", ["-u", "TZ", "date", "-d", "@\(seconds)", "+%Y/%m/%d %H:%M:%S"])
        try #require(run.status == 0)
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("with TZ nine hours from the host's, the window still holds the lines written in it")
    func operatorZone() throws {
        let directory = try TestSupport.temporaryDirectory()
        let log = directory + "/error.log"
        let now = Int(Date().timeIntervalSince1970)
        let message = " [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream\n"
        try (hostTime(now - 240) + message + hostTime(now - 120) + message).write(toFile: log, atomically: true, encoding: .utf8)
        // An operator's zone hours from the host's puts both lines outside the window when read in it.
        let hostOffset = try cli.run("/usr/bin/env", ["-u", "TZ", "date", "+%z"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let operatorZone = hostOffset == "+0900" ? "America/Los_Angeles" : "Asia/Tokyo"
        for zone in [operatorZone] {
            let run = try cli.medic(
                ["run", "Tests/MedicCLITests/Fixtures/log-zone.yaml", "--var", "log=\(log)", "--yes", "--transcript", directory + "/s"],
                environment: ["TZ": zone, "XDG_STATE_HOME": directory])
            #expect(run.output.contains("nginx logged 2 read timeouts in the window"), "TZ=\(zone): \(run.output)\(run.error)")
            #expect(run.output.contains("times without a zone read in "), "\(run.output)")
            #expect(run.output.contains("the host's zone (/etc/localtime)"), "\(run.output)")
        }
    }
}
