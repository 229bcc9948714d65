import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// The log probe's captures over generated nginx error logs: only the window's lines of the
/// named classes count, values come newest first with their counts, and memory stays bounded.
@Suite("Log probe captures, against generated log files")
struct LogCaptureTests {
    static let here = SourceLocation(file: "test.yaml", line: 1, column: 1)
    static let classes = [
        LogClass(name: "refused", pattern: RegexPattern(#"connect\(\) failed \(111"#, at: Self.here)),
        LogClass(name: "timeout", pattern: RegexPattern("upstream timed out", at: Self.here)),
    ]
    static let upstreams = LogCapture(
        classes: ["refused"], pattern: RegexPattern(#"upstream: "[a-z]+://(?<failed>[^/"]+)"#, at: Self.here), keep: 3)

    /// A line of `kind` (refused, timeout, other) at `seconds` naming `upstream`.
    static func line(_ seconds: Int, _ kind: String, _ upstream: String, request: String = "GET / HTTP/1.1") -> String {
        let message =
            switch kind {
            case "refused": "connect() failed (111: Connection refused) while connecting to upstream"
            case "timeout": "upstream timed out (110: Connection timed out) while reading response header from upstream"
            default: "open() \"/srv/www/favicon.ico\" failed (2: No such file or directory)"
            }
        return "\(LogProbeTests.nginx(seconds)) [error] 31#31: *1 \(message), client: 10.0.0.7, server: shop, "
            + "request: \"\(request)\", upstream: \"http://\(upstream)/\", host: \"shop\"\n"
    }

    /// `seconds` as the probe writes times.
    static func utc(_ seconds: Int) -> String { LogProbeTests.strftime(seconds, "%Y-%m-%dT%H:%M:%SZ", utc: true) }

    func probe(_ path: String, captures: [LogCapture] = [Self.upstreams], since: TimeSpan = .seconds(900)) -> String {
        run(.log(LogQuery(path: path, since: since, classes: Self.classes, examples: 1, captures: captures))).text
    }

    /// The lines of the section whose header starts with `header`, header included.
    func section(_ header: String, in text: String) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
        return [lines[start]] + lines[(start + 1)...].prefix { $0.hasPrefix("  ") && !$0.hasPrefix("  | ") }
    }

    @Test("distinct values of the window's lines of the class, newest first, with counts; stale lines and other classes ignored")
    func staleAndOtherClasses() throws {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        let now = LogProbeTests.now
        var text = ""
        // An hour ago, outside the window: refusals at an address that must not be named.
        for second in stride(from: now - 3600, to: now - 3000, by: 10) { text += Self.line(second, "refused", "10.9.9.9:8000") }
        text += Self.line(now - 600, "refused", "127.0.0.1:8001")
        text += Self.line(now - 500, "timeout", "10.8.8.8:9000")  // another class: not searched
        text += Self.line(now - 400, "refused", "[::1]:8001")
        text += Self.line(now - 300, "refused", "127.0.0.1:8001")
        text += Self.line(now - 200, "other", "10.7.7.7:1")  // unclassified: not searched
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = probe(path)
        #expect(
            section("captured failed", in: output) == [
                "captured failed from refused: 3 lines, 2 values, newest first",
                "  2 (last \(Self.utc(now - 300))) \"127.0.0.1:8001\"",
                "  1 (last \(Self.utc(now - 400))) \"[::1]:8001\"",
            ], "\(output)")
        #expect(!output.contains("10.9.9.9"))
        #expect(!output.contains("\"10.8.8.8"))
        // The section sits before the files read, after the classes.
        let lines = output.split(separator: "\n")
        #expect(lines.firstIndex { $0.hasPrefix("captured ") }! > lines.firstIndex { $0.hasPrefix("latest: ") }!)
        #expect(lines.last?.hasPrefix("read error.log") == true)
    }

    @Test("only the newest 'keep' values are kept; the lines of dropped ones are counted, and a value kept after a drop says its count may be low")
    func bounded() throws {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        let now = LogProbeTests.now
        var text = ""
        // Five addresses in turn, then the first again: with keep 3, a, b and c are dropped in
        // turn, and a comes back after its drop. Whether d and e were seen before their drop
        // is not remembered (that would cost memory), so their counts say "at least" too.
        for (index, address) in ["a:1", "b:1", "c:1", "d:1", "e:1", "a:1"].enumerated() {
            text += Self.line(now - 600 + index * 60, "refused", address)
            text += Self.line(now - 590 + index * 60, "refused", address)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = probe(path)
        #expect(
            section("captured failed", in: output) == [
                "captured failed from refused: 12 lines, 3 values, newest first",
                "  2+ (last \(Self.utc(now - 290))) \"a:1\"",
                "  2+ (last \(Self.utc(now - 350))) \"e:1\"",
                "  2+ (last \(Self.utc(now - 410))) \"d:1\"",
                "  6 lines of older values not kept",
            ], "\(output)")
    }

    @Test("a window that reaches into the rotated file captures from both, and lines without a match are counted")
    func rotatedAndUnmatched() throws {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        let now = LogProbeTests.now
        // The rotated file: one line before the window, two inside it.
        let older =
            Self.line(now - 1200, "refused", "10.9.9.9:8000") + Self.line(now - 800, "refused", "127.0.0.1:8001")
            + "\(LogProbeTests.nginx(now - 700)) [error] 31#31: *2 connect() failed (111: Connection refused) while connecting to upstream\n"
        try older.write(toFile: path + ".1", atomically: true, encoding: .utf8)
        try Self.line(now - 100, "refused", "127.0.0.1:8001").write(toFile: path, atomically: true, encoding: .utf8)
        let output = probe(path)
        #expect(output.contains("read error.log.1"), "\(output)")
        #expect(
            section("captured failed", in: output) == [
                "captured failed from refused: 3 lines, 1 value, newest first",
                "  2 (last \(Self.utc(now - 100))) \"127.0.0.1:8001\"",
                "  1 lines without a match",
            ], "\(output)")
        #expect(!output.contains("10.9.9.9"))
    }

    @Test("several groups make one value per distinct combination; a hostile value is written as a JSON string")
    func groupsAndHostileValues() throws {
        let path = try TestSupport.temporaryDirectory() + "/error.log"
        let now = LogProbeTests.now
        let requests = LogCapture(
            classes: ["refused", "timeout"], pattern: RegexPattern(#"request: "(?<method>[A-Z]+) (?<uri>.*?) HTTP"#, at: Self.here))
        var text = Self.line(now - 300, "refused", "a:1", request: "GET /x HTTP/1.1")
        text += Self.line(now - 200, "timeout", "a:1", request: #"POST /a"b\c $(rm -rf) HTTP/1.1"#)
        text += Self.line(now - 100, "refused", "a:1", request: "GET /x HTTP/1.1")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = probe(path, captures: [requests, Self.upstreams])
        #expect(
            section("captured method, uri", in: output) == [
                "captured method, uri from refused, timeout: 3 lines, 2 values, newest first",
                "  2 (last \(Self.utc(now - 100))) \"GET\" \"/x\"",
                "  1 (last \(Self.utc(now - 200))) \"POST\" \"/a\\\"b\\\\c $(rm -rf)\"",
            ], "\(output)")
        #expect(section("captured failed", in: output).first == "captured failed from refused: 2 lines, 1 value, newest first")
    }
}
