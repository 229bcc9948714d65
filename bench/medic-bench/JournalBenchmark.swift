import MedicCore
import MedicTranscript

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `medic-bench journal [--events N] [--output-mib M] [--dir DIR]`.
///
/// Records N realistic events (a check or action's run, output excerpt, result, confirmation
/// and note, with two secrets to mask) into a fresh session directory under DIR, timing each
/// `record` call, which returns only after `fdatasync`. Then writes M MiB through an
/// `OutputStore` in 64 KiB chunks, as a step printing a lot would, and reports the time
/// (closing syncs) and the process's peak resident memory before and after.
enum JournalBenchmark {
    struct Options {
        var events = 2000
        var outputMiB = 1024
        var directory = "/var/tmp"
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) throws {
        let options = try parse(arguments)
        var template = Array((options.directory + "/medic-bench-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else {
            throw UsageError(description: "cannot create a folder in \(options.directory)")
        }
        let base = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let masking = Masking(secrets: ["hunter2-hunter2", "s3cr3t-t0ken-value"])
        let session = try SessionDirectory.create(at: base + "/session", runbookID: "nginx-502", masking: masking, screenSize: (120, 40))
        defer {
            for file in ["transcript.jsonl", "session.cast", "transcript.md"] { unlink(session.path + "/" + file) }
            rmdir(session.path + "/output")
            rmdir(session.path)
            rmdir(base)
        }
        print("session directory: \(session.path)")

        let events = sampleEvents(count: options.events)
        var micros: [Double] = []
        micros.reserveCapacity(events.count)
        for event in events {
            let start = monotonic()
            try session.record(event)
            micros.append(Double(monotonic() - start) / 1000)
        }
        micros.sort()
        let mean = micros.reduce(0, +) / Double(micros.count)
        print(
            "journal: \(micros.count) events, median \(format(percentile(micros, 0.5))) µs, p99 \(format(percentile(micros, 0.99))) µs, "
                + "max \(format(micros.last ?? 0)) µs, mean \(format(mean)) µs per event (fdatasync included)")

        let before = peakResidentKiB()
        let chunk = ArraySlice((0..<65_536).map { UInt8(truncatingIfNeeded: 0x20 + $0 % 90) })
        let output = try session.openOutput(stepID: "flood")
        let start = monotonic()
        for _ in 0..<(options.outputMiB * 16) { try output.write(chunk) }
        let relative = try output.close()
        let seconds = Double(monotonic() - start) / 1e9
        let after = peakResidentKiB()
        unlink(session.path + "/" + relative)
        print(
            "output: \(options.outputMiB) MiB in \(format(seconds)) s (\(format(Double(options.outputMiB) / seconds)) MiB/s, close syncs), "
                + "peak RSS \(before / 1024) MiB before, \(after / 1024) MiB after")
        try session.finish()
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            switch flag {
            case "--events": options.events = try number(value, flag)
            case "--output-mib": options.outputMiB = try number(value, flag)
            case "--dir": options.directory = value
            default: throw UsageError(description: "unknown option \(flag); options: --events N, --output-mib M, --dir DIR")
            }
        }
        return options
    }

    private static func number(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw UsageError(description: "\(flag) needs a positive number, not '\(text)'") }
        return value
    }

    /// The events of a long run, step after step: run, output excerpt, result, and an approval
    /// or a note, as `medic run` records them.
    static func sampleEvents(count: Int) -> [TranscriptEvent] {
        var events: [TranscriptEvent] = [
            .start(
                SessionStart(
                    runbookID: "nginx-502", runbookVersion: "3",
                    files: [RunbookFileDigest(path: "runbooks/nginx-502.yaml", sha256: String(repeating: "5e", count: 32))],
                    medicVersion: "0.1.0", operatorName: "alice@web1",
                    inputs: [InputValue(name: "service", value: "app", secret: false), InputValue(name: "token", value: "••••", secret: true)],
                    flags: [], interactive: true))
        ]
        let excerpt = (0..<24).map {
            "2026/11/21 17:41:\($0 + 10) [error] 1234#0: *\($0) connect() failed (111: Connection refused) while connecting to upstream"
        }
        .joined(separator: "\n")
        var step = 0
        while events.count < count {
            step += 1
            let id = "step-\(step)"
            events.append(
                .run(
                    RunRecord(
                        stepID: id, kind: .check, display: "journalctl -u nginx --since '-10 min' --no-pager -n 200", placement: "local",
                        dryRun: false)))
            events.append(.output(OutputRecord(stepID: id, excerpt: excerpt, bytes: 48_213, lines: 200, file: "output/\(step)-\(id).log")))
            events.append(
                .result(
                    ResultRecord(
                        stepID: id, exitStatus: 0, httpStatus: nil, durationMilliseconds: 84, timedOut: false, cancelled: false, failureReason: nil,
                        notRun: nil, succeeded: true)))
            events.append(
                step % 2 == 0
                    ? .confirm(ConfirmRecord(stepID: id, expected: "app", reply: "app", approved: true, by: "alice@web1"))
                    : .note("upstream refused connections from 17:41; restarting \(id) after checking memory"))
        }
        return Array(events.prefix(count))
    }

    static func monotonic() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
