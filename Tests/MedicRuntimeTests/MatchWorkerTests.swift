import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// The matcher of a run: answers as Swift's regex engine would, and a pattern that backtracks
/// for hours is stopped at the deadline or on Ctrl-C, its process killed and reaped.
@Suite("Matching in a process Medic can kill", .serialized)
struct MatchWorkerTests {
    /// The built `medic`, beside this test binary: the matching process is Medic re-executed.
    static var medic: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("medic").path
    }

    /// 40 a's and a bang: `^(a+)+$` tries every way of splitting the a's (2^39) before it fails.
    static let runaway = String(repeating: "a", count: 40) + "!"

    /// Whether `pid` is gone: neither running nor a zombie waiting to be reaped.
    func isGone(_ pid: pid_t) -> Bool {
        !FileManager.default.fileExists(atPath: "/proc/\(pid)")
    }

    @Test("ordinary questions get the answers Swift's regex engine gives in this process")
    func ordinaryAnswers() throws {
        let worker = MatchWorker(interruptDescriptor: nil, executable: Self.medic)
        worker.allow(milliseconds: 10_000)
        let output = "state: down for shop\nlevel=warn code=502 host=web1\nlevel=error code=504 host=web2\nünïcode ✓\n"
        let questions = [
            MatchQuestion(.first, #"code=(?<code>\d+) host=(?<host>\w+)"#, in: [output]),
            MatchQuestion(.first, #"^level=(?<level>\w+)$"#, in: ["nothing here", output]),
            MatchQuestion(.first, "no such text", in: [output]),
            MatchQuestion(.first, "(?i)ÜNÏCODE", in: [output]),
            MatchQuestion(.whole, #"[a-z]+-\d"#, lineAnchors: false, in: ["web-1"]),
            MatchQuestion(.whole, #"[a-z]+"#, lineAnchors: false, in: ["web-1"]),
            MatchQuestion(.countTexts, "level=", in: output.split(separator: "\n").map(String.init)),
            MatchQuestion(.all, #"host=(?<host>\w+)"#, in: [output]),
            MatchQuestion(.first, "(unclosed", in: [output]),
            MatchQuestion(.first, "", in: [""]),
        ]
        for question in questions {
            #expect(try worker.answer(question) == question.answerHere(), "\(question.pattern)")
        }
        let first = try worker.answer(questions[0])
        #expect(first.matches == [["code": "502", "host": "web1"]])
        #expect(try worker.answer(questions[7]).matches == [["host": "web1"], ["host": "web2"]])
        #expect(try worker.answer(questions[6]).count == 2)
    }

    @Test("a pattern that backtracks for hours ends at the deadline, its process killed and reaped; the next question is answered")
    func deadline() throws {
        let worker = MatchWorker(interruptDescriptor: nil, executable: Self.medic)
        worker.allow(milliseconds: 10_000)
        #expect(try worker.answer(MatchQuestion(.first, "a", in: ["a"])).count == 1)
        let pid = try #require(worker.pid)
        worker.allow(milliseconds: 1000)
        let start = ContinuousClock.now
        var thrown: MatchUnfinished?
        do {
            _ = try worker.answer(MatchQuestion(.first, "^(a+)+$", in: [Self.runaway]))
        } catch {
            thrown = error
        }
        let elapsed = milliseconds(since: start)
        #expect(thrown == MatchUnfinished(.deadline(milliseconds: 1000), pattern: "^(a+)+$"), "neither a match nor a non-match")
        #expect(elapsed >= 990 && elapsed < 2500, "ended near the deadline, after \(elapsed) ms")
        #expect(isGone(pid), "the matching process was killed and reaped")
        #expect(worker.pid == nil)
        worker.allow(milliseconds: 10_000)
        #expect(try worker.answer(MatchQuestion(.first, "(?<x>b+)", in: ["abbc"])).matches == [["x": "bb"]])
        #expect(worker.pid != nil && worker.pid != pid, "a new process answers")
    }

    @Test("Ctrl-C during a runaway match is answered within a second, the process killed and reaped")
    func interrupted() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let worker = MatchWorker(interruptDescriptor: ends[0], executable: Self.medic)
        worker.allow(milliseconds: 60_000)
        #expect(try worker.answer(MatchQuestion(.first, "a", in: ["a"])).count == 1)
        let pid = try #require(worker.pid)
        let writer = ends[1]
        let start = ContinuousClock.now
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            var byte = UInt8(SIGINT)
            _ = write(writer, &byte, 1)
        }
        var thrown: MatchUnfinished?
        do {
            _ = try worker.answer(MatchQuestion(.first, "^(a+)+$", in: [Self.runaway]))
        } catch {
            thrown = error
        }
        let elapsed = milliseconds(since: start)
        #expect(thrown?.reason == .cancelled)
        #expect(elapsed >= 490 && elapsed < 1500, "answered \(elapsed) ms after the start, Ctrl-C at 500 ms")
        #expect(isGone(pid) && worker.pid == nil, "the matching process was killed and reaped")
        var byte: UInt8 = 0
        #expect(read(ends[0], &byte, 1) == -1, "the Ctrl-C was taken, so it does not also cancel the next step")
    }

    @Test("a matcher that cannot start its process says so: the answer is neither a match nor a non-match")
    func cannotStart() {
        let worker = MatchWorker(interruptDescriptor: nil, executable: "/nonexistent/medic")
        worker.allow(milliseconds: 1000)
        #expect(throws: MatchUnfinished.self) { try worker.answer(MatchQuestion(.first, "a", in: ["a"])) }
    }

    @Test("a matching process that is gone before it is asked is reported, not a SIGPIPE that ends Medic without a word")
    func goneBeforeAsked() throws {
        // /bin/true stands in for a matching process killed (for memory, say) before the question:
        // it reads nothing and exits at once.
        let worker = MatchWorker(interruptDescriptor: nil, executable: "/bin/true")
        worker.allow(milliseconds: 5000)
        worker.prepare()
        let pid = try #require(worker.pid)
        // Gone: exited, its descriptors closed (a zombie until the worker reaps it).
        for _ in 0..<500 {
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let state = stat.flatMap { $0.split(separator: ")").last?.split(separator: " ").first }
            if state == nil || state == "Z" { break }
            usleep(10_000)
        }
        // The question is larger than a pipe's buffer, so writing it cannot succeed unread.
        let question = MatchQuestion(.first, "a", in: [String(repeating: "x", count: 1 << 20)])
        #expect(throws: MatchUnfinished.self) { try worker.answer(question) }
    }

    @Test("the log probe run in the matching process gives the same summary; a class's runaway pattern ends near the deadline")
    func logWindow() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir + "/error.log"
        let now = LogProbeTests.now
        var text = ""
        for offset in stride(from: 600, to: 0, by: -60) { text += LogProbeTests.errorLine(now - offset, offset % 120 == 0 ? "refused" : "timeout") }
        text += "\(LogProbeTests.nginx(now - 5)) [error] \(Self.runaway)\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let worker = MatchWorker(interruptDescriptor: nil, executable: Self.medic)
        let capture = LogCapture(classes: ["refused"], pattern: RegexPattern(#"client: (?<client>[0-9.]+)"#, at: LogProbeTests.here), keep: 3)
        // The writer's zone crosses too: read in the host's zone instead, the last line would say so.
        let query = LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes, examples: 2, captures: [capture], zone: "UTC")
        let here = run(.log(query), timeout: .seconds(5))
        let there = run(.log(query), timeout: .seconds(5), on: LocalRunner(matcher: worker))
        // The two runs start their windows at their own "now": the times may differ by a second.
        let stamp = #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/#
        #expect(there.text.replacing(stamp, with: "TIME") == here.text.replacing(stamp, with: "TIME"))
        #expect(
            there.text.contains("captured client from refused") && there.text.contains("\"10.0.0.7\""),
            "the probe's captures cross the pipe too: \(there.text)")
        #expect(there.text.contains("refused: 5") && there.text.contains("timeout: 5"))
        #expect(there.text.contains("the zone given for the writer (TZ UTC, /usr/share/zoneinfo/UTC)"), "\(there.text)")

        let runaway = LogQuery(
            path: path, since: .seconds(900),
            classes: [LogClass(name: "as", pattern: RegexPattern("(a+)+$", at: LogProbeTests.here))] + LogProbeTests.classes)
        let start = ContinuousClock.now
        let stopped = run(.log(runaway), timeout: .seconds(1), on: LocalRunner(matcher: worker))
        let elapsed = milliseconds(since: start)
        #expect(stopped.result.timedOut)
        #expect(
            stopped.text.contains(
                "timeout (no summary: reading and classifying the lines of \(path) did not finish within 2s, and was stopped (its timeout of 1s and a grace); "
                    + "a class's pattern was still matching a line, or a read of the file had not returned)"),
            "\(stopped.text)")
        #expect(elapsed >= 990 && elapsed < 3000, "ended \(elapsed) ms after the start, the timeout 1 s and the grace 1 s")
        #expect(worker.pid == nil, "the process was killed and reaped")
    }
}
