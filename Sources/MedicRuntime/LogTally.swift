import MedicCore

/// The lines of a log window sorted into the probe's classes: per class how many, the first and
/// last time, and the last few lines as examples. Its size does not grow with the window.
struct LogTally {
    /// One class and what fell into it.
    struct Bucket {
        let name: String
        /// nil for the lines no class matches.
        let regex: Regex<AnyRegexOutput>?
        /// What decides most lines before the regex, when the pattern has one.
        let filter: LogLiteralFilter?
        var count = 0
        var first: Int64?
        var last: Int64?
        /// The most recent lines, oldest first, at most `examples`.
        var examples: [String] = []
    }

    /// How much of a line its class is decided on, in bytes: a log line says what it is near
    /// its start, and matching a regex over a line of megabytes would take seconds.
    static let classifiedLength = 4096

    /// The longest example line kept, in characters; longer ones are cut and marked with `…`.
    static let exampleLength = 300

    private(set) var buckets: [Bucket]
    private(set) var lines = 0
    /// The bucket of the newest line any class matched: lines arrive oldest first.
    private(set) var latest: Int?
    private let examples: Int
    /// What the captures found, in the probe's order.
    private(set) var captures: [LogCaptureTally]
    /// The server block whose lines are kept, when the probe names one.
    private(set) var server: LogServerFilter?

    /// A tally for `classes`, keeping `examples` lines of each. A pattern that does not compile
    /// (the validator reports it before anything runs) matches nothing.
    /// `captures` search the lines of the classes they name.
    /// With `server`, the lines that name another nginx server are left out (`LogServerFilter`).
    init(classes: [LogClass], examples: Int, captures: [LogCapture] = [], server: String? = nil) {
        self.server = LogServerFilter(server)
        buckets = classes.map { Bucket(name: $0.name, regex: try? $0.pattern.compiled(), filter: LogLiteralFilter(pattern: $0.pattern.source)) }
        buckets.append(Bucket(name: LogQuery.unclassified, regex: nil, filter: nil))
        self.examples = examples
        self.captures = captures.map { capture in
            LogCaptureTally(capture: capture, buckets: Set(capture.classes.compactMap { name in classes.firstIndex { $0.name == name } }))
        }
    }

    /// Counts `line`, of `time`, in the first class its first `classifiedLength` bytes match.
    mutating func add(_ line: UnsafeBufferPointer<UInt8>, at time: Int64) {
        if server != nil, server?.keeps(line) == false { return }
        lines += 1
        let prefix = UnsafeBufferPointer(rebasing: line[..<min(line.count, Self.classifiedLength)])
        let text = String(decoding: prefix, as: UTF8.self)
        let index = Self.classify(prefix, text, buckets)
        buckets[index].count += 1
        if buckets[index].first == nil { buckets[index].first = time }
        buckets[index].last = time
        if index < buckets.count - 1 { latest = index }
        for capture in captures.indices where captures[capture].buckets.contains(index) { captures[capture].add(text, at: time) }
        guard examples > 0 else { return }
        if buckets[index].examples.count == examples { buckets[index].examples.removeFirst() }
        // A line of no more bytes than the limit has no more characters either, and is not counted.
        let long = text.utf8.count > Self.exampleLength && text.count > Self.exampleLength
        buckets[index].examples.append(long ? String(text.prefix(Self.exampleLength)) + "…" : text)
    }

    /// The index of the first bucket whose class matches `text`, which is `prefix` decoded
    /// (the last bucket, of the unclassified lines, when none does): by its literal filter where
    /// that decides, by its regex otherwise.
    static func classify(_ prefix: UnsafeBufferPointer<UInt8>, _ text: String, _ buckets: [Bucket]) -> Int {
        for (index, bucket) in buckets.enumerated() {
            guard let regex = bucket.regex else { continue }
            switch bucket.filter?.decide(prefix) ?? .undecided {
            case .noMatch: continue
            case .match: return index
            case .undecided: if text.contains(regex) { return index }
            }
        }
        return buckets.count - 1
    }

    /// One line per class, `NAME: COUNT` and when there are any `(first TIME, last TIME)`, each
    /// followed by its examples indented under `  | `; then `latest: NAME at TIME`, the class of
    /// the newest classified line (`latest: none` when no class matched a line), which says what
    /// is happening now when older lines of other classes share the window; then each capture's
    /// section (`LogCaptureReport`).
    var report: String {
        var text = ""
        for bucket in buckets {
            text += "\(bucket.name): \(bucket.count)"
            if let first = bucket.first, let last = bucket.last {
                text += " (first \(LogTimestamp.format(first)), last \(LogTimestamp.format(last)))"
            }
            text += "\n"
            for example in bucket.examples { text += "  | \(example)\n" }
        }
        if let latest, let time = buckets[latest].last {
            text += "latest: \(buckets[latest].name) at \(LogTimestamp.format(time))\n"
        } else {
            text += "latest: none\n"
        }
        for capture in captures { text += capture.report }
        return text
    }
}
