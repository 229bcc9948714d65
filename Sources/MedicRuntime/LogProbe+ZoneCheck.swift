import Glibc
import MedicCore

/// What a log's newest line says about the zone its writer writes in.
///
/// A line written without a zone is read in the host's zone (or the probe's `zone`), which is
/// the writer's only if the writer was not started with a `TZ` of its own: nginx keeps `TZ`, and
/// overwrites its environment with its process title, so no process listing shows it. The file
/// itself does: its modification time is when its last line was written, and that line's stamp
/// is the writer's local time at that moment. Read in the right zone, the two agree to a second
/// or so.
///
/// Only a stamp read as *after* the write is proof: no writer stamps a line with a time that had
/// not come yet. When the gap is a whole number of quarter hours (every zone's offset is), give
/// or take 90 seconds, the writer's offset is the zone's plus that gap, and the window is read
/// in it. A stamp read as *before* the write can also be a line held in a buffer and written
/// late, so it is only said, as a hint, when the gap is an hour or more and a whole number of
/// quarter hours.
struct LogZoneCheck: Sendable, Equatable {
    /// The newest line's stamp read as UTC: its fields, whatever zone they were written in.
    let stamp: Int64
    /// The file's modification time, in seconds since the epoch.
    let written: Int64

    /// What reading the stamp at `offset` makes of the write.
    enum Finding: Sendable, Equatable {
        /// The stamp and the write agree (within 90 seconds), or disagree in a way a late write
        /// explains (less than an hour, or not a whole number of quarter hours).
        case agrees
        /// The stamp reads as after the write by `gap` seconds, a whole number of quarter hours:
        /// the writer's offset is `offset`.
        case writerAhead(offset: Int64, gap: Int64)
        /// The stamp reads as after the write by `gap` seconds, not a whole number of quarter
        /// hours: the zone is wrong, and the writer's is not known.
        case unexplained(gap: Int64)
        /// The stamp reads as `gap` seconds before the write, a whole number of quarter hours and
        /// an hour or more: the writer may write at `offset`, or wrote the line late.
        case writerMaybeBehind(offset: Int64, gap: Int64)
    }

    /// How far a stamp and a write may be apart and still agree: a writer's clock cache, a
    /// second's rounding, a short buffer.
    static let slack: Int64 = 90
    static let quarterHour: Int64 = 900

    /// The check of `path`: its modification time and its last line's stamp, when that line is
    /// timed without a zone; nil otherwise (an empty file, a last line without a time or with a
    /// zone of its own, a file that cannot be read).
    static func read(_ path: String, now: Int64) -> LogZoneCheck? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        let size = Int64(status.st_size)
        let tail = Int(min(size, 4096))
        var bytes = [UInt8](repeating: 0, count: tail)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, tail, off_t(size - Int64(tail))) }
        guard count == tail else { return nil }
        var end = tail
        if bytes[end - 1] == 0x0A { end -= 1 }
        guard end > 0 else { return nil }
        let start = bytes[..<end].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        // A line that starts the tail read is whole only if the tail is the whole file.
        guard start > 0 || tail == size else { return nil }
        // Read at two offsets, a time without a zone moves with the offset; one with a zone does not.
        let (utc, east) = bytes[start..<end].withUnsafeBufferPointer { line in
            (LogTimestamp(now: now, localOffset: 0).seconds(in: line), LogTimestamp(now: now, localOffset: 3600).seconds(in: line))
        }
        guard let utc, let east, utc - east == 3600 else { return nil }
        return LogZoneCheck(stamp: utc, written: Int64(status.st_mtim.tv_sec))
    }

    /// What the stamp says, read at `offset` seconds east of UTC.
    func finding(at offset: Int64) -> Finding {
        let gap = stamp - offset - written
        let quarters = (abs(gap) + Self.quarterHour / 2) / Self.quarterHour * Self.quarterHour
        let whole = abs(abs(gap) - quarters) <= Self.slack
        if gap > Self.slack {
            return whole ? .writerAhead(offset: offset + quarters, gap: gap) : .unexplained(gap: gap)
        }
        if -gap >= 3600 - Self.slack, whole { return .writerMaybeBehind(offset: offset - quarters, gap: -gap) }
        return .agrees
    }

    /// `2026-12-03 21:17:05`: the stamp as its writer wrote it.
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
