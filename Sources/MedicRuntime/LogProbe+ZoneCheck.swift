import Glibc
import MedicCore

/// What a log's last lines say about the zone its writer writes in.
///
/// A line written without a zone is read in the host's zone (or the probe's `zone`), which is
/// the writer's only if the writer was not started with a `TZ` of its own: nginx keeps `TZ`, and
/// overwrites its environment with its process title, so no process listing shows it. The file
/// itself does: its modification time is when its last line was written, and that line's stamp
/// is the writer's local time at that moment. Read in the right zone, the two agree to a second
/// or so.
///
/// Only a stamp read as *after* the write is proof of a wrong zone: no writer stamps a line with
/// a time that had not come yet. That proves the zone of the last line's writer; the window moves
/// to it only when the gap is a whole number of quarter hours (as every zone's offset is), give or
/// take 90 seconds, the offset it gives is one a zone has (UTC-12 to UTC+14), the stamps of the
/// tail never step back by more than 90 seconds (two writers in two zones taking turns would), and
/// moving cannot take a line of another writer out of the window: the line before the last is
/// impossible in the zone used too, or lies before the window whichever zone it is read in (or the
/// last line is the file's only timed one). A stamp read as *before* the write can be a line held in a buffer and written late, so
/// it is only said, as a hint, when the gap is about an hour or more and a whole number of quarter
/// hours.
struct LogZoneCheck: Sendable, Equatable {
    /// The stamps of the timed lines of the file's tail that carry no zone, oldest first, each
    /// read as UTC (its fields, whatever zone they were written in); the last is the file's
    /// last line.
    let stamps: [Int64]
    /// The file's modification time, in seconds since the epoch.
    let written: Int64
    /// Whether the tail read is the whole file.
    let wholeFile: Bool

    /// The last line's stamp read as UTC.
    var stamp: Int64 { stamps[stamps.count - 1] }

    /// What reading the stamps at `offset`, the zone's offset when the file was written, makes of
    /// the write.
    enum Finding: Sendable, Equatable {
        /// The stamp and the write agree (within 90 seconds), or disagree in a way a late write
        /// may explain.
        case agrees
        /// The stamp reads as after the write by `gap` seconds, a whole number of quarter hours,
        /// and moving to it is safe for `reason`: the writer's offset is `offset`.
        case writerAhead(offset: Int64, gap: Int64, reason: Reason)
        /// As `writerAhead`, but moving could take another writer's line out of the window, for
        /// `doubt`.
        case uncorroborated(offset: Int64, gap: Int64, doubt: Doubt)
        /// The stamp reads as after the write by `gap` seconds, which no zone explains.
        case unexplained(gap: Int64)
        /// The stamp reads as `gap` seconds before the write, a whole number of quarter hours and
        /// about an hour or more: the writer may write at `offset`, or wrote the line late.
        case writerMaybeBehind(offset: Int64, gap: Int64)
    }

    /// Why moving the window to the last line's writer's offset is safe.
    enum Reason: Sendable, Equatable {
        /// The line before the last reads as after the write too.
        case lineBeforeAhead
        /// The line before the last lies before the window in either zone.
        case lineBeforeOlder
        /// The last line is the file's only timed one.
        case onlyLine
    }

    /// Why the window does not move to the last line's writer's offset.
    enum Doubt: Sendable, Equatable {
        /// The line before the last reads as inside the window and before the write: the same
        /// writer or another in the zone used, which the stamps cannot tell.
        case lineBeforeInWindow
        /// The tail's stamps step back, as two writers in two zones taking turns make them.
        case stepsBack
        /// No timed line before the last in the tail read, and the file is longer than it.
        case nothingBefore
    }

    /// How far a stamp and a write may be apart and still agree: a writer's clock cache, a
    /// second's rounding, a short buffer.
    static let slack: Int64 = 90
    static let quarterHour: Int64 = 900
    /// The offsets zones have: UTC-12 to UTC+14.
    static let offsets: ClosedRange<Int64> = -12 * 3600...14 * 3600
    /// How much of the file's end is read.
    static let tail = 4096

    /// The check of `path`: its modification time and the stamps of its tail's lines, when its
    /// last line is timed without a zone; nil otherwise (an empty file, a last line without a time
    /// or with a zone of its own, one longer than the tail, a file that cannot be read).
    static func read(_ path: String) -> LogZoneCheck? {
        guard let file = RegularFile.openIfRegular(path) else { return nil }
        let (descriptor, status) = (file.descriptor, file.status)
        defer { close(descriptor) }
        guard status.st_size > 0 else { return nil }
        let size = Int64(status.st_size)
        let count = Int(min(size, Int64(tail)))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(size - Int64(count))) }
        guard read == count else { return nil }
        let written = Int64(status.st_mtim.tv_sec)
        // A syslog stamp has no year: the one it was written in, not now's.
        let (utc, east) = (LogTimestamp(now: written, localOffset: 0), LogTimestamp(now: written, localOffset: 3600))
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        // The first line of a tail that is not the whole file may be cut: it is not read.
        if count < size, !lines.isEmpty { lines.removeFirst() }
        guard let last = lines.last, !last.isEmpty else { return nil }
        // Read at two offsets, a time without a zone moves with the offset; one with a zone does not.
        func stamp(_ line: ArraySlice<UInt8>) -> Int64? {
            line.withUnsafeBufferPointer { line in
                guard let time = utc.seconds(in: line), east.seconds(in: line) == time - 3600 else { return nil }
                return time
            }
        }
        guard stamp(last) != nil else { return nil }
        return LogZoneCheck(stamps: lines.compactMap(stamp), written: written, wholeFile: count == size)
    }

    /// What the stamps say, read at `offset` seconds east of UTC, for a window starting at
    /// `windowStart` (seconds since the epoch).
    func finding(at offset: Int64, windowStart: Int64) -> Finding {
        let gap = stamp - offset - written
        let quarters = (abs(gap) + Self.quarterHour / 2) / Self.quarterHour * Self.quarterHour
        let whole = abs(abs(gap) - quarters) <= Self.slack
        if gap > Self.slack {
            let writer = offset + quarters
            guard whole, Self.offsets.contains(writer) else { return .unexplained(gap: gap) }
            guard zip(stamps, stamps.dropFirst()).allSatisfy({ $1 >= $0 - Self.slack }) else {
                return .uncorroborated(offset: writer, gap: gap, doubt: .stepsBack)
            }
            guard stamps.count >= 2 else {
                return wholeFile
                    ? .writerAhead(offset: writer, gap: gap, reason: .onlyLine) : .uncorroborated(offset: writer, gap: gap, doubt: .nothingBefore)
            }
            // The line before, read at `offset`; at the writer's offset it is earlier still.
            let before = stamps[stamps.count - 2] - offset
            if before - written > Self.slack { return .writerAhead(offset: writer, gap: gap, reason: .lineBeforeAhead) }
            if before < windowStart { return .writerAhead(offset: writer, gap: gap, reason: .lineBeforeOlder) }
            return .uncorroborated(offset: writer, gap: gap, doubt: .lineBeforeInWindow)
        }
        let writer = offset - quarters
        if -gap >= 3600 - Self.slack, whole, Self.offsets.contains(writer) { return .writerMaybeBehind(offset: writer, gap: -gap) }
        return .agrees
    }

    /// `2026-12-03 21:17:05`: the last line's stamp as its writer wrote it.
    var stampText: String {
        String(LogTimestamp.format(stamp).dropLast().map { $0 == "T" ? " " : $0 })
    }

    /// `9 h`, `5 h 30 min`, `3 min 20 s`.
    static func duration(_ seconds: Int64) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours) h") }
        if minutes > 0 { parts.append("\(minutes) min") }
        if rest > 0 || parts.isEmpty { parts.append("\(rest) s") }
        return parts.joined(separator: " ")
    }
}
