import CZlib
import Glibc
import MedicCore

/// The built-in log probe: the lines of the last `since` of a log file, sorted into classes.
///
/// It never reads the whole file. It reads backwards from the end in blocks until a block's
/// first timed line is older than the window, then forwards from there. Only when the window
/// reaches back past the file's first line does it read the rotated file, `FILE.1` the same way
/// or `FILE.1.gz` from start to end (gzip cannot seek). Memory is a few fixed buffers and the
/// examples, whatever the size of the file or the window.
///
/// The output starts `window` when the file could be read (`unreadable: …` otherwise):
///
///     window 15m of /var/log/nginx/error.log since 2026-12-01T21:33:06Z: 1520 lines
///     left out: 12 lines of other server blocks (server: shop.example); kept: lines naming server: www.example or none
///     upstream_refused: 1200 (first 2026-12-01T21:33:07Z, last 2026-12-01T21:48:05Z)
///       | 2026/12/01 21:48:05 [error] 31#31: *88 connect() failed (111: Connection refused) …
///     unclassified: 320 (first …, last …)
///       | …
///     latest: upstream_refused at 2026-12-01T21:48:05Z
///     captured failed_upstreams from upstream_refused: 1200 lines, 1 value, newest first
///       1200 (last 2026-12-01T21:48:05Z) "127.0.0.1:8001"
///     times without a zone read in Etc/UTC (UTC+00:00), the host's zone (/etc/localtime)
///     read error.log.1 (last 236231 of 1048576 bytes), error.log (last 52345 of 52345 bytes)
///
/// Times written without a zone (nginx's error log) are read in the writer's zone when the runbook
/// gives its `TZ` (`zone:`), else in the host's zone, the one its daemons write in, and the output
/// says which; never in Medic's own `TZ`, the operator's.
struct LogProbe {
    /// The operator's interrupt.
    let interrupt: Interrupt
    /// Now, in seconds since the epoch; nil for the clock's.
    var now: Int64?
    /// The zone of times written without one; nil for the host's (`/etc/localtime`), never
    /// Medic's own `TZ`: that is the operator's zone, not the log writer's.
    var zone: LogZone?

    /// The block read backwards while looking for the window's start.
    static let searchBlock = 64 * 1024

    /// Reads and classifies `query`'s window, giving its summary to `output`.
    func run(_ query: LogQuery, timeout: TimeSpan, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        let now = self.now ?? Int64(time(nil))
        // The writer's TZ when the runbook gives it, else the host's zone; a TZ this probe cannot
        // read is said, never replaced by a guess (any zone's window would be a claim).
        guard let zone = query.zone.map({ LogZone.named($0) }) ?? self.zone ?? LogZone.host() else {
            let text =
                "unreadable: TZ \(query.zone ?? ""): no zone file (by name under /usr/share/zoneinfo, or by absolute path) and no POSIX rule"
                + " Medic reads, so the times in \(query.path) cannot be placed\n"
            output(ArraySlice(text.utf8))
            return StepResult(durationMilliseconds: Int(MonotonicClock.now() - started))
        }
        // The window's start, whichever zone its lines are read in.
        let since = now - (query.since.milliseconds + 999) / 1000
        var localOffset = zone.offset(at: now)
        var zoneLines = "times without a zone read in \(zone.name) (\(LogZone.describe(offset: localOffset))), \(zone.whose) (\(zone.source))\n"
        // The file's last lines and its modification time say whether its writer writes in that zone.
        if let check = LogZoneCheck.read(query.path) {
            // The zone's offset when the file was written (summer time may have ended since).
            let then = zone.offset(at: check.written)
            let zoneThen = "\(zone.name) (\(LogZone.describe(offset: then)) then), \(zone.whose)"
            let last = "the file's last line, stamped \(check.stampText), reads as"
            let written = "the file was last written (\(LogTimestamp.format(check.written)))"
            switch check.finding(at: then, windowStart: since) {
            case .agrees: break
            case .writerAhead(let offset, let gap, let reason):
                zoneLines =
                    "times without a zone read in \(LogZone.describe(offset: offset)), the offset its writer stamps lines in: its last line, stamped "
                    + "\(check.stampText), was written at \(LogTimestamp.format(check.written)) (the file's modification time), and "
                    + "\(zoneThen), would place it \(LogZoneCheck.duration(gap)) after that, "
                    + Self.because(reason, zone: zone.name) + "\n"
                localOffset = offset
            case .uncorroborated(let offset, let gap, let doubt):
                zoneLines +=
                    "\(last) \(LogZoneCheck.duration(gap)) after \(written): its writer writes at \(LogZone.describe(offset: offset)), but "
                    + Self.doubt(doubt, zone: zone.name) + ", so the window is read in \(zone.name) all the same; "
                    + "if the writer runs with a TZ of its own, give that as the probe's zone\n"
            case .unexplained(let gap):
                zoneLines +=
                    "\(last) \(LogZoneCheck.duration(gap)) after \(written): no zone explains that; the writer's clock or the file's "
                    + "modification time is off, and the window may be off by as much\n"
            case .writerMaybeBehind(let offset, let gap):
                zoneLines +=
                    "\(last) \(LogZoneCheck.duration(gap)) before \(written): its writer may write in \(LogZone.describe(offset: offset)) rather than in "
                    + "\(zone.name), or wrote the line late; if it runs with a TZ of its own, give that as the probe's zone\n"
            }
        }
        let timestamps = LogTimestamp(now: now, localOffset: localOffset)
        let deadline = started + max(0, timeout.milliseconds)
        var poller = interrupt.pollDescriptor
        var cancelled = false
        let shouldStop = {
            if MonotonicClock.now() >= deadline { return true }
            poller.revents = 0
            if interrupt.descriptor != nil, poll(&poller, 1, 0) > 0, interrupt.isRaised(poller.revents) {
                cancelled = true
                return true
            }
            return false
        }
        func finish(_ text: String, timedOut: Bool = false) -> StepResult {
            output(ArraySlice(text.utf8))
            if cancelled { interrupt.drain() }
            return StepResult(timedOut: timedOut && !cancelled, cancelled: cancelled, durationMilliseconds: Int(MonotonicClock.now() - started))
        }

        let reader = LogWindowReader(timestamps: timestamps, since: since, shouldStop: shouldStop)
        var tally = LogTally(classes: query.classes, examples: query.examples, captures: query.captures, server: query.server)
        do throws(LogWindowReader.Failure) {
            let current = try reader.open(query.path)
            defer { close(current.descriptor) }
            // The oldest file read decides whether lines older than it may be missing.
            var parts: [String] = []
            var missing: Int64?
            if current.reachesBeforeStart {
                if let rotated = try? reader.open(query.path + ".1") {
                    defer { close(rotated.descriptor) }
                    let first = try reader.scan(rotated, into: &tally)
                    if rotated.reachesBeforeStart { missing = first }
                    parts.append(rotated.describe())
                } else if let compressed = try reader.scanCompressed(query.path + ".1.gz", into: &tally) {
                    missing = compressed.oldest
                    parts.append("\(baseName(query.path)).1.gz (all, \(compressed.bytes) bytes uncompressed)")
                }
            }
            let first = try reader.scan(current, into: &tally)
            if current.reachesBeforeStart, parts.isEmpty { missing = first }
            parts.append(current.describe())
            var text = "window \(query.since) of \(query.path) since \(LogTimestamp.format(since)): \(tally.lines) lines\n"
            if let server = tally.server { text += server.report }
            text += tally.report
            text += zoneLines
            text += "read \(parts.joined(separator: ", "))\n"
            if let missing, missing > since {
                text += "the window starts before the oldest line read, of \(LogTimestamp.format(missing))\n"
            }
            return finish(text)
        } catch {
            switch error {
            case .unreadable(let path, let code):
                return finish("unreadable: \(path): \(String(cString: strerror(code)))\n")
            case .notAFile(let path):
                return finish("unreadable: \(path): not a regular file (a FIFO, a device or a folder is not read as a log)\n")
            case .stopped:
                let reason = cancelled ? "cancelled" : "timeout (no summary within \(timeout))"
                return finish("\(reason) after \(tally.lines) lines of the window of \(query.path)\n", timedOut: true)
            }
        }
    }

    /// Why reading the window at the last line's writer's offset moves no other writer's line
    /// out of it.
    static func because(_ reason: LogZoneCheck.Reason, zone: String) -> String {
        switch reason {
        case .lineBeforeAhead: "and the line before after it too"
        case .lineBeforeOlder: "and the line before lies before the window in either zone"
        case .onlyLine: "and it is the file's only timed line"
        }
    }

    /// Why reading the window at the last line's writer's offset could move another writer's
    /// line out of it.
    static func doubt(_ doubt: LogZoneCheck.Doubt, zone: String) -> String {
        switch doubt {
        case .lineBeforeInWindow: "the line before it reads as inside the window in \(zone), and whether one writer wrote both cannot be told"
        case .stepsBack: "the stamps before it step back, as two writers in two zones taking turns make them"
        case .nothingBefore: "no line before it in the file's last 4 KiB has a time to show whether one writer wrote them"
        }
    }

    private func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension LogWindowReader.OpenFile {
    /// `error.log (last 52345 of 1048576 bytes)`: what was read of it.
    func describe() -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return "\(base) (last \(size - start) of \(size) bytes)"
    }
}
