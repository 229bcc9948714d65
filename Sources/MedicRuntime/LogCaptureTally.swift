import MedicCore

/// What one log capture found in a window: the distinct values of its groups, each with its
/// count and newest time, keeping only the `keep` most recently seen, so memory does not grow
/// with the window.
struct LogCaptureTally {
    /// One distinct value kept.
    struct Kept {
        var values: [String]
        var count: Int
        var last: Int64
        /// Kept again (or first) after a value was dropped: earlier lines may be uncounted.
        var atLeast: Bool
    }

    let capture: LogCapture
    /// The indexes of the tally's buckets whose lines are searched.
    let buckets: Set<Int>
    private let regex: Regex<AnyRegexOutput>?
    private let groups: [String]
    /// Kept values, least recently seen first.
    private(set) var kept: [Kept] = []
    /// Lines of the capture's classes in the window.
    private(set) var lines = 0
    /// Lines the pattern found nothing in.
    private(set) var unmatched = 0
    /// Lines counted for values that were dropped.
    private(set) var dropped = 0

    /// A tally for `capture`, over the buckets at `buckets`. A pattern that does not compile (the
    /// validator reports it before anything runs) matches nothing.
    init(capture: LogCapture, buckets: Set<Int>) {
        self.capture = capture
        self.buckets = buckets
        let regex = try? capture.pattern.compiled()
        self.regex = regex
        groups = regex.map(capture.pattern.groupNames(of:)) ?? []
    }

    /// Searches `text`, a line of a searched class, of `time`.
    mutating func add(_ text: String, at time: Int64) {
        lines += 1
        guard let regex, !groups.isEmpty, let match = (try? regex.firstMatch(in: text)) ?? nil else {
            unmatched += 1
            return
        }
        let values = groups.map { name in match.output[name]?.substring.map(String.init) ?? "" }
        // Lines arrive oldest first, so the value seen last is the likeliest to be seen again.
        if let index = kept.lastIndex(where: { $0.values == values }) {
            var entry = kept.remove(at: index)
            entry.count += 1
            entry.last = time
            kept.append(entry)
            return
        }
        if kept.count == capture.keep {
            dropped += kept.removeFirst().count
        }
        kept.append(Kept(values: values, count: 1, last: time, atLeast: dropped > 0))
    }

    /// The capture's section of the probe's output (`LogCaptureReport`).
    var report: String {
        LogCaptureReport.section(
            groups: groups, classes: capture.classes,
            entries: kept.reversed().map { .init(values: $0.values, count: $0.count, last: LogTimestamp.format($0.last), atLeast: $0.atLeast) },
            lines: lines, dropped: dropped, unmatched: unmatched)
    }
}
