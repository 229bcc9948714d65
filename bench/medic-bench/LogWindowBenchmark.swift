import MedicCore
import MedicRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `medic-bench log-window FILE [SINCE]`: the log probe over the last SINCE (default 15m) of
/// FILE, with the nginx-502 runbook's classes and captures, through `LocalRunner` as a run uses it. Prints
/// the probe's wall time and the process's peak resident memory, then the probe's summary.
enum LogWindowBenchmark {
    struct Usage: Error, CustomStringConvertible {
        var description: String { "usage: medic-bench log-window FILE [SINCE]" }
    }

    static let classes: [(String, String)] = [
        ("refused", #"connect\(\) failed \(111: Connection refused\) while connecting to upstream"#),
        ("unreachable", #"connect\(\) failed \((101|113): "#),
        ("sock_missing", #"connect\(\) to unix:\S+ failed \(2: No such file or directory\)"#),
        ("ssl_failed", #"SSL_do_handshake\(\) failed|peer closed connection in SSL handshake|wrong version number"#),
        ("too_big", "upstream sent too big header"),
        ("premature", #"upstream prematurely closed connection|recv\(\) failed \(104: Connection reset by peer\)"#),
        ("timeout", #"upstream timed out \(110: Connection timed out\)"#),
        ("no_live", "no live upstreams"),
    ]

    /// The error-log step's captures: (classes, pattern).
    static let captures: [([String], String)] = [
        (["ssl_failed"], #"upstream: "(?<tls_upstreams>[a-z]+://[^/"]+)"#),
        (["too_big"], #"request: "(?<too_big_requests>[^"]*)""#),
        (["refused", "unreachable"], #"upstream: "[a-z]+://(?<failed_upstreams>[^/"]+)"#),
    ]

    static func run(_ arguments: [String]) throws {
        guard let path = arguments.first, arguments.count <= 2, let since = TimeSpan(parsing: arguments.count == 2 ? arguments[1] : "15m") else {
            throw Usage()
        }
        let here = SourceLocation(file: "bench", line: 1, column: 1)
        let query = LogQuery(
            path: path, since: since, classes: classes.map { LogClass(name: $0.0, pattern: RegexPattern($0.1, at: here)) },
            captures: captures.map { LogCapture(classes: $0.0, pattern: RegexPattern($0.1, at: here)) })
        let invocation = Invocation(
            stepID: "errors", kind: .check, placement: .local, timeout: .seconds(600), payload: .log(query), environment: [:], secrets: [])
        var summary: [UInt8] = []
        var started = timespec()
        clock_gettime(CLOCK_MONOTONIC, &started)
        _ = LocalRunner().run(invocation) { summary += $0 }
        var ended = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ended)
        let milliseconds = Double(ended.tv_sec - started.tv_sec) * 1000 + Double(ended.tv_nsec - started.tv_nsec) / 1_000_000
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("medic log probe: \(Int(milliseconds.rounded())) ms, peak RSS \(Double(usage.ru_maxrss) / 1024) MiB")
        print(String(decoding: summary, as: UTF8.self), terminator: "")
    }
}
