import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// Log files written here with times relative to now, in the formats logs use, read back by the
/// log probe through `LocalRunner`.
@Suite("The log probe, against generated log files")
struct LogProbeTests {
    static let here = SourceLocation(file: "test.yaml", line: 1, column: 1)
    /// The classes of an nginx error log.
    static let classes = [
        LogClass(name: "refused", pattern: RegexPattern(#"connect\(\) failed \(111"#, at: Self.here)),
        LogClass(name: "timeout", pattern: RegexPattern("upstream timed out", at: Self.here)),
    ]

    /// `seconds` since the epoch as nginx's error log writes it, in local time.
    static func nginx(_ seconds: Int) -> String {
        var clock = time_t(seconds)
        var local = tm()
        localtime_r(&clock, &local)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(local.tm_year + 1900)/\(two(local.tm_mon + 1))/\(two(local.tm_mday)) \(two(local.tm_hour)):\(two(local.tm_min)):\(two(local.tm_sec))"
    }

    /// `seconds` formatted by strftime with `format`, in local time or UTC.
    static func strftime(_ seconds: Int, _ format: String, utc: Bool = false) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        if utc { gmtime_r(&clock, &parts) } else { localtime_r(&clock, &parts) }
        var buffer = [Int8](repeating: 0, count: 128)
        let count = Glibc.strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An nginx error line at `seconds`, of the class `kind`.
    static func errorLine(_ seconds: Int, _ kind: String) -> String {
        let message =
            switch kind {
            case "refused": "connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7"
            case "timeout": "upstream timed out (110: Connection timed out) while reading response header from upstream"
            default: "open() \"/srv/www/favicon.ico\" failed (2: No such file or directory)"
            }
        return "\(nginx(seconds)) [error] 31#31: *\(seconds % 100_000) \(message)\n"
    }

    static var now: Int { Int(time(nil)) }

    func probe(_ path: String, since: TimeSpan = .seconds(900), examples: Int = 2) -> Ran {
        run(.log(LogQuery(path: path, since: since, classes: Self.classes, examples: examples)))
    }

    /// The number after `name: ` at the start of a line of `text`.
    func count(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ": ") {
            return Int(line.dropFirst(name.count + 2).prefix { $0.isNumber })
        }
        return nil
    }

    @Test("a window inside one file is found from the end, without reading the rest")
    func windowInOneFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        // Six hours of old lines (well over the search block), then one line a minute for an
        // hour, 30 s off the minute so no line sits on the window's edge.
        var text = ""
        for second in stride(from: now - 6 * 3600, to: now - 3600, by: 5) { text += Self.errorLine(second, "other") }
        for minute in (0..<60).reversed() { text += Self.errorLine(now - 30 - minute * 60, minute % 3 == 0 ? "refused" : "timeout") }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        // Within 15 minutes: the lines 30 s, 90 s, … 870 s ago, minutes 0…14; 0, 3, … 12 refused.
        #expect(ran.text.hasPrefix("window 15m of \(path) since "), "\(ran.text)")
        #expect(ran.text.contains(": 15 lines\n"))
        #expect(count("refused", in: ran.text) == 5)
        #expect(count("timeout", in: ran.text) == 10)
        #expect(count("unclassified", in: ran.text) == 0)
        #expect(ran.text.contains("refused: 5 (first \(LogProbeTests.iso(now - 30 - 12 * 60)), last \(LogProbeTests.iso(now - 30)))"))
        // Two examples, the most recent, in order.
        let examples = ran.text.split(separator: "\n").filter { $0.hasPrefix("  | ") && $0.contains("111: Connection refused") }
        #expect(examples.count == 2)
        #expect(examples.last?.contains(Self.nginx(now - 30)) == true)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let read = try #require(ran.text.split(separator: "\n").last { $0.hasPrefix("read ") })
        let bytes = try #require(Int(read.split(separator: " ")[3]))
        #expect(bytes < 3 * 64 * 1024 && bytes < size, "read \(bytes) of \(size) bytes")
        #expect(!ran.text.contains("oldest line read"))
        var result = ran.result
        result.output = ran.text
        #expect(Extraction.succeeded(step(path), result))
    }

    @Test("latest names the class of the newest classified line; stale lines before the window count for nothing")
    func latestClass() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        // Yesterday's timeouts (stale), refusals 10 minutes ago while the app restarted, read
        // timeouts in the last 3 minutes, and an unclassified line after them all.
        var text = ""
        for second in stride(from: now - 86_400, to: now - 86_000, by: 20) { text += Self.errorLine(second, "timeout") }
        for second in stride(from: now - 600, to: now - 540, by: 10) { text += Self.errorLine(second, "refused") }
        for second in stride(from: now - 170, to: now - 20, by: 30) { text += Self.errorLine(second, "timeout") }
        text += Self.errorLine(now - 5, "other")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(count("refused", in: ran.text) == 6)
        #expect(count("timeout", in: ran.text) == 5)
        #expect(ran.text.contains("\nlatest: timeout at \(Self.iso(now - 50))\n"), "\(ran.text)")

        try (Self.errorLine(now - 5, "other")).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(probe(path).text.contains("\nlatest: none\n"))
    }

    static func iso(_ seconds: Int) -> String { strftime(seconds, "%Y-%m-%dT%H:%M:%SZ", utc: true) }

    func step(_ path: String) -> Step {
        var step = Step(id: "errors", kind: .check, location: Self.here)
        step.execution = .log(LogProbeSpec(file: Template(path, at: Self.here), since: Template("15m", at: Self.here), classes: Self.classes))
        return step
    }

    @Test("a window that reaches back past the file's start reads the rotated file too")
    func rotated() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        var older = ""
        for minute in (10..<40).reversed() { older += Self.errorLine(now - 30 - minute * 60, "refused") }
        var newer = ""
        for minute in (0..<10).reversed() { newer += Self.errorLine(now - 30 - minute * 60, "timeout") }
        try older.write(toFile: path + ".1", atomically: true, encoding: .utf8)
        try newer.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(count("refused", in: ran.text) == 5, "\(ran.text)")  // minutes 10…14
        #expect(count("timeout", in: ran.text) == 10)
        #expect(ran.text.contains("read error.log.1 ("))
        #expect(ran.text.contains("), error.log (last \(newer.utf8.count) of \(newer.utf8.count) bytes)"))
        #expect(!ran.text.contains("oldest line read"))

        // A window inside the current file leaves the rotated one alone.
        let short = probe(path, since: .seconds(300))
        #expect(count("refused", in: short.text) == 0)
        #expect(count("timeout", in: short.text) == 5)
        #expect(!short.text.contains("error.log.1"))
    }

    @Test("a rotated file compressed with gzip is read through")
    func gzip() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        var older = ""
        for minute in (10..<40).reversed() { older += Self.errorLine(now - 30 - minute * 60, "refused") }
        try older.write(toFile: path + ".1", atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [path + ".1"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: path + ".1.gz"))
        try Self.errorLine(now - 60, "timeout").write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(count("refused", in: ran.text) == 5, "\(ran.text)")
        #expect(count("timeout", in: ran.text) == 1)
        #expect(ran.text.contains("read error.log.1.gz (all, \(older.utf8.count) bytes uncompressed), error.log"))
    }

    @Test("a window that starts before the oldest line there says so")
    func beforeTheStart() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        try (Self.errorLine(now - 120, "refused") + Self.errorLine(now - 60, "other")).write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(ran.text.contains(": 2 lines\n"), "\(ran.text)")
        #expect(count("unclassified", in: ran.text) == 1)
        #expect(ran.text.contains("the window starts before the oldest line read, of \(Self.iso(now - 120))\n"))
    }

    @Test("lines without a time belong to the timed line before them; none before the first")
    func untimedLines() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/app.log"
        let now = Self.now
        let text =
            "starting up, no time here\n" + Self.errorLine(now - 3000, "refused") + "  continued, old\n" + Self.errorLine(now - 60, "timeout")
            + "  upstream timed out again, in a wrapped line\n" + "  and one more\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(ran.text.contains(": 3 lines\n"), "\(ran.text)")
        #expect(count("timeout", in: ran.text) == 2)
        #expect(count("unclassified", in: ran.text) == 1)
        #expect(count("refused", in: ran.text) == 0)
    }

    @Test(
        "the common timestamp formats are read",
        arguments: [
            ("iso", "%Y-%m-%dT%H:%M:%SZ", true), ("iso-local", "%Y-%m-%d %H:%M:%S.123", false), ("iso-offset", "%Y-%m-%dT%H:%M:%S%z", false),
            ("access", "10.0.0.7 - - [%d/%b/%Y:%H:%M:%S %z] \"GET / HTTP/1.1\" 502", false), ("syslog", "%b %e %H:%M:%S web1 nginx:", false),
        ])
    func formats(name: String, format: String, utc: Bool) throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/\(name).log"
        let now = Self.now
        var text = ""
        for minute in (0..<40).reversed() {
            text += Self.strftime(now - 30 - minute * 60, format, utc: utc) + " upstream timed out (110) while reading\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(count("timeout", in: ran.text) == 15, "\(name): \(ran.text)")
        #expect(ran.text.contains("timeout: 15 (first \(Self.iso(now - 30 - 14 * 60)), last \(Self.iso(now - 30)))"), "\(ran.text)")
    }

    @Test("a line longer than the buffer is cut, and the lines after it still read")
    func longLine() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        let long = "\(Self.nginx(now - 120)) [error] upstream timed out " + String(repeating: "x", count: 600_000) + "\n"
        try (long + Self.errorLine(now - 60, "refused")).write(toFile: path, atomically: true, encoding: .utf8)
        let ran = probe(path)
        #expect(count("timeout", in: ran.text) == 1, "\(ran.text.prefix(2000))")
        #expect(count("refused", in: ran.text) == 1)
        #expect(ran.text.utf8.count < 4000, "examples are cut short")
    }

    @Test("a huge file costs the window, not the file")
    func hugeFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Self.now
        // About 100 MB: a day of lines, ten a second for the last 15 minutes.
        let handle = try #require(FileHandle(forWritingAtPath: (FileManager.default.createFile(atPath: path, contents: nil) ? path : "")))
        var chunk = ""
        var second = now - 86_400
        while second < now - 900 {
            for _ in 0..<7 { chunk += Self.errorLine(second, "other") }
            second += 1
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        for second in (now - 870)..<now { for _ in 0..<10 { chunk += Self.errorLine(second, "refused") } }
        handle.write(Data(chunk.utf8))
        try handle.close()
        let start = ContinuousClock.now
        let ran = probe(path)
        #expect(count("refused", in: ran.text) == 8700, "\(ran.text)")
        #expect(count("unclassified", in: ran.text) == 0)
        #expect(milliseconds(since: start) < 5000)
        let read = try #require(ran.text.split(separator: "\n").last { $0.hasPrefix("read ") })
        #expect(read.contains("(last ") && !read.contains("error.log.1"), "\(read)")
    }

    @Test("a file that cannot be read is a failed check that says why")
    func unreadable() throws {
        let directory = try TestSupport.temporaryDirectory()
        let ran = probe(directory + "/missing.log")
        #expect(ran.text == "unreadable: \(directory)/missing.log: No such file or directory\n")
        var result = ran.result
        result.output = ran.text
        #expect(!Extraction.succeeded(step(directory + "/missing.log"), result))
    }

    @Test("a FIFO, a device or a folder named as the log is said, at once: never waited on, never read")
    func notAFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        #expect(mkfifo(directory + "/error.log", 0o600) == 0)
        let start = ContinuousClock.now
        for path in [directory + "/error.log", "/dev/zero", directory] {
            let ran = probe(path)
            #expect(ran.text == "unreadable: \(path): not a regular file (a FIFO, a device or a folder is not read as a log)\n")
        }
        #expect(ContinuousClock.now - start < .seconds(2), "a FIFO with no writer is not waited on")
    }

    @Test("a FIFO where the rotated FILE.1.gz would be is passed over at once, not waited on")
    func rotatedFIFO() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        try Self.errorLine(Self.now - 60, "refused").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(mkfifo(path + ".1.gz", 0o600) == 0)
        let start = ContinuousClock.now
        let ran = probe(path)
        #expect(ContinuousClock.now - start < .seconds(2), "\(ran.text)")
        #expect(count("refused", in: ran.text) == 1 && !ran.result.timedOut, "\(ran.text)")
    }
}
