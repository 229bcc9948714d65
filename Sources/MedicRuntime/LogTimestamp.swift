import MedicCore

/// Reads the time of a log line, in seconds since the epoch, from the formats logs commonly use:
///
/// - nginx's error log, at the start: `2026/12/01 21:48:06 [error] …` (local time);
/// - ISO 8601 / RFC 3339, at the start: `2026-12-01T21:48:06Z`, `2026-12-01 21:48:06.123+01:00`
///   (local time when no zone is given);
/// - syslog, at the start: `Dec  1 21:48:06 host …` (local time; the year is the latest of the
///   next, the current and the last that does not put the line more than a day in the future);
/// - nginx's and Apache's access log, the first `[…]` in the line: `[01/Dec/2026:21:48:06 +0000]`.
///
/// A line in none of them has no time; the probe counts it with the timed line before it (the
/// rest of a stack trace, a wrapped message).
struct LogTimestamp {
    /// Seconds east of UTC of local time, for times written without a zone.
    let localOffset: Int64
    /// Now, for the year syslog leaves out.
    let now: Int64
    /// The current year in local time.
    private let year: Int64

    /// Creates a reader for times near `now`, local times being `localOffset` seconds east of UTC.
    init(now: Int64, localOffset: Int64) {
        self.now = now
        self.localOffset = localOffset
        self.year = CivilDate.date(fromDays: (now + localOffset).floorDivided(by: 86_400)).year
    }

    private static let months: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    /// The time of `line`, nil when it has none of the formats.
    func seconds(in line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard line.count >= 15 else { return nil }
        let first = line[0]
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), let time = dated(line) {
            return time
        }
        if first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"), let time = syslog(line) {
            return time
        }
        return bracketed(line)
    }

    /// `YYYY/MM/DD HH:MM:SS` or `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH:MM|±HHMM]`.
    private func dated(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard line.count >= 19, let year = number(line, 0, 4), let month = number(line, 5, 2), let day = number(line, 8, 2),
            line[10] == UInt8(ascii: " ") || line[10] == UInt8(ascii: "T"),
            let clock = clock(line, 11)
        else { return nil }
        let separator = line[4]
        guard line[7] == separator else { return nil }
        let base = Self.days(year: year, month: month, day: day).map { $0 * 86_400 + clock }
        guard let base else { return nil }
        if separator == UInt8(ascii: "/") { return base - localOffset }
        guard separator == UInt8(ascii: "-") else { return nil }
        var index = 19
        if index < line.count, line[index] == UInt8(ascii: ".") || line[index] == UInt8(ascii: ",") {
            index += 1
            while index < line.count, isDigit(line[index]) { index += 1 }
        }
        guard index < line.count else { return base - localOffset }
        switch line[index] {
        case UInt8(ascii: "Z"): return base
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let zone = zone(line, index) else { return base - localOffset }
            return base - zone
        default: return base - localOffset
        }
    }

    /// `Mmm dd HH:MM:SS`, the day padded with a space or a zero.
    private func syslog(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard line[3] == UInt8(ascii: " "), line[6] == UInt8(ascii: " "), let month = month(line, 0) else { return nil }
        let tens = line[4] == UInt8(ascii: " ") ? 0 : line[4]
        guard tens == 0 || isDigit(tens), isDigit(line[5]), let clock = clock(line, 7) else { return nil }
        let day = (tens == 0 ? 0 : Int64(tens - UInt8(ascii: "0")) * 10) + Int64(line[5] - UInt8(ascii: "0"))
        // The latest of next year, this year and last year that does not put the line more than a
        // day ahead: next year's for a `Jan  1` stamped east of here on 31 December, last year's for
        // a `Dec 31` read on 1 January. A `Feb 29` none of the three has is no time.
        for year in [year + 1, year, year - 1] {
            guard let days = Self.days(year: year, month: month, day: day) else { continue }
            let time = days * 86_400 + clock - localOffset
            if time <= now + 86_400 { return time }
        }
        return nil
    }

    /// `[dd/Mmm/yyyy:HH:MM:SS ±hhmm]`, the first `[` within the line's first 512 bytes.
    private func bracketed(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        let limit = min(line.count, 512)
        guard let open = line[..<limit].firstIndex(of: UInt8(ascii: "[")), open + 27 <= line.count else { return nil }
        let start = open + 1
        guard let day = number(line, start, 2), line[start + 2] == UInt8(ascii: "/"), let month = month(line, start + 3),
            line[start + 6] == UInt8(ascii: "/"), let year = number(line, start + 7, 4), line[start + 11] == UInt8(ascii: ":"),
            let clock = clock(line, start + 12), line[start + 20] == UInt8(ascii: " "),
            let days = Self.days(year: year, month: month, day: day)
        else { return nil }
        let base = days * 86_400 + clock
        return zone(line, start + 21).map { base - $0 } ?? base - localOffset
    }

    // MARK: - Pieces

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The decimal number in `count` digits at `index`.
    private func number(_ line: UnsafeBufferPointer<UInt8>, _ index: Int, _ count: Int) -> Int64? {
        guard index + count <= line.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<count {
            let byte = line[index + offset]
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `HH:MM:SS` at `index`, in seconds.
    private func clock(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int64? {
        guard index + 8 <= line.count, line[index + 2] == UInt8(ascii: ":"), line[index + 5] == UInt8(ascii: ":"),
            let hours = number(line, index, 2), let minutes = number(line, index + 3, 2), let seconds = number(line, index + 6, 2),
            hours < 24, minutes < 60, seconds <= 60
        else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }

    /// The month named by three letters at `index`, 1…12.
    private func month(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int64? {
        guard index + 3 <= line.count else { return nil }
        for (number, name) in Self.months.enumerated() where line[index] == name[0] && line[index + 1] == name[1] && line[index + 2] == name[2] {
            return Int64(number + 1)
        }
        return nil
    }

    /// `±HH:MM` or `±HHMM` at `index`, in seconds east of UTC.
    private func zone(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int64? {
        guard index < line.count, line[index] == UInt8(ascii: "+") || line[index] == UInt8(ascii: "-"), let hours = number(line, index + 1, 2) else {
            return nil
        }
        let colon = index + 3 < line.count && line[index + 3] == UInt8(ascii: ":")
        guard let minutes = number(line, index + (colon ? 4 : 3), 2) else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return line[index] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// Days since 1970-01-01 of a date in the proleptic Gregorian calendar; nil when it is no date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        // 30 February is no date, not 2 March.
        let date = CivilDate.date(fromDays: days)
        return date.month == month && date.day == day ? days : nil
    }

    /// `seconds` since the epoch as RFC 3339 in UTC: `2026-12-01T21:48:06Z`.
    static func format(_ seconds: Int64) -> String {
        let date = CivilDate.date(fromDays: seconds.floorDivided(by: 86_400))
        let clock = seconds - seconds.floorDivided(by: 86_400) * 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(date.year)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(date.month))-\(two(date.day))T"
            + "\(two(clock / 3600)):\(two(clock / 60 % 60)):\(two(clock % 60))Z"
    }
}
