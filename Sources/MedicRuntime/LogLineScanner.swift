import Glibc

/// Splits what a reader returns into lines, in one fixed buffer: memory stays the same however
/// large the file. A line longer than the buffer is handed over cut at its length, and the rest
/// of it skipped.
struct LogLineScanner {
    /// The buffer's size, and so the longest line handed over whole.
    static let bufferSize = 256 * 1024

    /// Why a scan ended early.
    enum Stop: Error {
        /// The reader failed, with errno.
        case readFailed(Int32)
        /// `shouldStop` asked to.
        case stopped
    }

    /// Reads with `read` (bytes read into the buffer given, 0 at the end, -1 with errno set on
    /// failure) and calls `line` for every line, without its newline; the last line counts even
    /// without one. `shouldStop` is asked between reads.
    static func scan(
        read: (UnsafeMutableRawBufferPointer) -> Int, shouldStop: () -> Bool = { false }, line: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(Stop) {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        guard let base = buffer.baseAddress else { return }
        var filled = 0
        var skipping = false
        while true {
            if shouldStop() { throw .stopped }
            let count = read(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[filled...]))
            if count < 0 { throw .readFailed(errno) }
            if count == 0 {
                if filled > 0, !skipping { line(UnsafeBufferPointer(start: base, count: filled)) }
                return
            }
            let end = filled + count
            var start = 0
            while start < end, let found = memchr(base + start, 0x0A, end - start) {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if skipping {
                    skipping = false
                } else {
                    line(UnsafeBufferPointer(start: base + start, count: newline - start))
                }
                start = newline + 1
            }
            if start == 0, end == bufferSize {
                // One line fills the buffer: hand over what fits and drop the rest of it.
                if !skipping { line(UnsafeBufferPointer(start: base, count: end)) }
                skipping = true
                filled = 0
            } else {
                filled = end - start
                if filled > 0, start > 0 { memmove(base, base + start, filled) }
            }
        }
    }
}
