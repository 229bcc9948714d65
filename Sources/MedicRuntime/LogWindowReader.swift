import CZlib
import Glibc

/// Finds where a time window starts in a log file and hands the window's lines to a tally.
struct LogWindowReader {
    /// A log file opened, with where its window starts.
    struct OpenFile {
        let path: String
        let descriptor: Int32
        /// Its size when opened; what is appended later is not read.
        let size: Int64
        /// The offset of the first line that may be in the window.
        let start: Int64
        /// Whether the window reaches back past the file's first line (or the file has no timed
        /// line at all), so older lines would be in the rotated file.
        let reachesBeforeStart: Bool
    }

    /// Why reading stopped.
    enum Failure: Error {
        /// The file could not be opened or read: its path and errno.
        case unreadable(String, Int32)
        /// The path names something other than a regular file (a FIFO, a device, a folder).
        case notAFile(String)
        /// `shouldStop` said so (timeout or interrupt).
        case stopped
    }

    /// Reads the times of lines.
    let timestamps: LogTimestamp
    /// The window's start, in seconds since the epoch.
    let since: Int64
    /// Asked between blocks: whether to give up.
    let shouldStop: () -> Bool

    /// Opens `path` and finds the window's start, reading backwards from the end in blocks of
    /// `LogProbe.searchBlock` until the first timed line of a block is older than the window.
    func open(_ path: String) throws(Failure) -> OpenFile {
        // Never blocks in open: a FIFO with no writer would wait for one.
        let file: RegularFile
        do { file = try RegularFile.open(path) } catch {
            switch error {
            case .unreadable(let code): throw .unreadable(path, code)
            case .notRegular: throw .notAFile(path)
            }
        }
        let descriptor = file.descriptor
        let size = Int64(file.status.st_size)
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LogProbe.searchBlock)
        defer { block.deallocate() }
        guard let base = block.baseAddress else { throw .unreadable(path, ENOMEM) }
        var end = size
        while end > 0 {
            if shouldStop() {
                close(descriptor)
                throw .stopped
            }
            let start = max(0, end - Int64(LogProbe.searchBlock))
            let count = pread(descriptor, base, Int(end - start), off_t(start))
            guard count > 0 else {
                let code = count < 0 ? errno : EIO
                close(descriptor)
                throw .unreadable(path, code)
            }
            // The block's first whole line starts after its first newline, unless it is the
            // file's start. The block's last byte may be the newline that ends the line before
            // the previous block: a block with no other is inside one long line, passed over.
            var lineStart = 0
            if start > 0 {
                guard let newline = memchr(base, 0x0A, count - 1) else {
                    end = start
                    continue
                }
                lineStart = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            var position = lineStart
            while position < count {
                let found = memchr(base + position, 0x0A, count - position)
                let lineEnd = found.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
                if let time = timestamps.seconds(in: UnsafeBufferPointer(start: base + position, count: lineEnd - position)) {
                    if time < since {
                        return OpenFile(path: path, descriptor: descriptor, size: size, start: start + Int64(lineStart), reachesBeforeStart: false)
                    }
                    break
                }
                position = lineEnd + 1
            }
            end = start + Int64(lineStart)
            if start == 0 { break }
        }
        return OpenFile(path: path, descriptor: descriptor, size: size, start: 0, reachesBeforeStart: true)
    }

    /// Adds the lines of `file` in the window to `tally`, reading forwards from its start to the
    /// size it had when opened. Returns the time of the first timed line read.
    func scan(_ file: OpenFile, into tally: inout LogTally) throws(Failure) -> Int64? {
        var offset = file.start
        let descriptor = file.descriptor
        return try lines(path: file.path, into: &tally) { buffer in
            let wanted = min(Int64(buffer.count), file.size - offset)
            guard wanted > 0 else { return 0 }
            let count = pread(descriptor, buffer.baseAddress, Int(wanted), off_t(offset))
            if count > 0 { offset += Int64(count) }
            return count
        }
    }

    /// Adds the lines of the gzip file at `path` in the window to `tally`, reading it from start
    /// to end. nil when there is no such file; otherwise the time of its first timed line and
    /// how many bytes it held uncompressed.
    func scanCompressed(_ path: String, into tally: inout LogTally) throws(Failure) -> (oldest: Int64?, bytes: Int64)? {
        guard let file = medic_gz_open(path) else {
            if errno == ENOENT { return nil }
            throw .unreadable(path, errno)
        }
        defer { gzclose(file) }
        var bytes: Int64 = 0
        let oldest = try lines(path: path, into: &tally) { buffer in
            let count = Int(gzread(file, buffer.baseAddress, UInt32(buffer.count)))
            if count > 0 { bytes += Int64(count) }
            if count < 0 { errno = EIO }
            return count
        }
        return (oldest, bytes)
    }

    /// Scans what `read` gives, adding each line at or after `since` to `tally`; a line without a
    /// time takes the time of the timed line before it, and is skipped before the first.
    private func lines(path: String, into tally: inout LogTally, read: (UnsafeMutableRawBufferPointer) -> Int) throws(Failure) -> Int64? {
        var current: Int64?
        var oldest: Int64?
        do throws(LogLineScanner.Stop) {
            try LogLineScanner.scan(read: read, shouldStop: shouldStop) { line in
                if let time = timestamps.seconds(in: line) {
                    current = time
                    if oldest == nil { oldest = time }
                }
                if let current, current >= since { tally.add(line, at: current) }
            }
        } catch {
            switch error {
            case .readFailed(let code): throw .unreadable(path, code)
            case .stopped: throw .stopped
            }
        }
        return oldest
    }
}
