import Glibc
import MedicCore

/// The host's time zone, read from its zone file (`/etc/localtime`, RFC 8536 TZif), never from
/// Medic's own `TZ`.
///
/// A log that writes times without a zone (nginx's error log, syslog) writes them in the local
/// time of the process that writes it, which is the host's zone unless that process was started
/// with `TZ`. The operator's `TZ` says where the operator is, not where the log's writer is: read
/// with it, an operator in Tokyo would see an nginx log written in UTC nine hours away and find
/// nothing in the window. glibc offers no way to ask about a zone other than through `TZ`, which
/// is process-wide state, so the file is read here.
struct LogZone: Sendable, Equatable {
    /// How the zone is named in the probe's output: `Etc/UTC`, `Asia/Tokyo`.
    let name: String
    /// Where the zone was read from: `/etc/localtime`.
    let source: String
    /// Transition times (seconds since the epoch, ascending) and the offset east of UTC from each.
    let transitions: [Transition]
    /// The offset before the first transition (time type 0), or always when there is none.
    let initialOffset: Int64
    /// The rule for times after the last transition (the TZif footer), when the file has one.
    let rule: Rule?
    /// Whose zone it is, as the probe's output says: the host's, or the writer's (its `TZ`).
    var whose = "the host's zone"

    struct Transition: Sendable, Equatable {
        let at: Int64
        let offset: Int64
    }

    /// UTC, when the host has no zone file (glibc then uses UTC too).
    static func utc(source: String) -> LogZone {
        LogZone(name: "UTC", source: source, transitions: [], initialOffset: 0, rule: nil)
    }

    /// The zone of `/etc/localtime` (or `path`), named by the zoneinfo path its link points to,
    /// else by `/etc/timezone`.
    static func host(path: String = "/etc/localtime") -> LogZone {
        guard let bytes = readAll(path) else { return .utc(source: "no \(path)") }
        var name = path.firstRange(of: "zoneinfo/").map { String(path[$0.upperBound...]) } ?? path
        var link = [Int8](repeating: 0, count: 4096)
        let count = readlink(path, &link, link.count - 1)
        if count > 0 {
            let target = String(decoding: link[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let range = target.firstRange(of: "zoneinfo/") { name = String(target[range.upperBound...]) } else { name = target }
        } else if path == "/etc/localtime", let file = readAll("/etc/timezone") {
            let first = String(decoding: file.prefix { $0 != 10 }, as: UTF8.self)
            if !first.isEmpty { name = first }
        }
        return parse(bytes, name: name, source: path) ?? .utc(source: "\(path) unreadable as a zone file")
    }

    /// The zone a process with `TZ` set to `value` writes its local times in, read as glibc reads
    /// `TZ`: a leading `:` is dropped; an absolute path, or a name under `/usr/share/zoneinfo`
    /// (`Europe/Berlin`, `UTC`), is a zone file; anything else is a POSIX rule (`JST-9`,
    /// `CET-1CEST,M3.5.0,M10.5.0/3`). An empty value is UTC, as glibc has it. nil when the value
    /// is neither a zone file nor a rule this reader knows: the probe then reads no time rather
    /// than guess one.
    static func named(_ value: String, zoneDirectory: String = "/usr/share/zoneinfo") -> LogZone? {
        let given = "TZ \(value.isEmpty ? "set empty" : value)"
        let writers = "the zone given for the writer"
        let name = value.hasPrefix(":") ? String(value.dropFirst()) : value
        if name.isEmpty { return LogZone(name: "UTC", source: given, transitions: [], initialOffset: 0, rule: nil, whose: writers) }
        let path = name.hasPrefix("/") ? name : zoneDirectory + "/" + name
        // A name climbing out of the zone folder is no zone name: Medic's rule (glibc refuses it
        // only in setuid programs), so that a runbook's value names a zone, not any file.
        let climbs = !name.hasPrefix("/") && name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
        let shown = path.firstRange(of: "zoneinfo/").map { String(path[$0.upperBound...]) } ?? path
        if !climbs, let bytes = readAll(path),
            var zone = parse(bytes, name: shown, source: path == name ? given : "\(given), \(path)")
        {
            zone.whose = writers
            return zone
        }
        guard let rule = Rule(name) else { return nil }
        return LogZone(name: name, source: "\(given), a POSIX rule", transitions: [], initialOffset: rule.standard, rule: rule, whose: writers)
    }

    /// Seconds east of UTC of local time at `time`.
    func offset(at time: Int64) -> Int64 {
        guard let last = transitions.last else { return rule?.offset(at: time) ?? initialOffset }
        if time >= last.at, let rule { return rule.offset(at: time) }
        guard time >= transitions[0].at else { return initialOffset }
        var low = 0
        var high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle].at <= time { low = middle } else { high = middle - 1 }
        }
        return transitions[low].offset
    }

    /// `UTC+09:00`.
    static func describe(offset: Int64) -> String {
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "UTC\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }

    // MARK: - TZif

    /// The zone in `bytes`, a TZif file; nil when it is none.
    static func parse(_ bytes: [UInt8], name: String, source: String) -> LogZone? {
        guard bytes.count >= 44, bytes[0..<4].elementsEqual("TZif".utf8) else { return nil }
        func count(_ at: Int, _ index: Int) -> Int { Int(word(bytes, at + 20 + index * 4)) }
        // Version 1 data uses 32-bit times; version 2 and later repeat it with 64-bit ones after it.
        var header = 0
        var wide = false
        if bytes[4] >= UInt8(ascii: "2") {
            let skip = 44 + count(0, 3) * 5 + count(0, 4) * 6 + count(0, 5) + count(0, 2) * 8 + count(0, 1) + count(0, 0)
            guard skip + 44 <= bytes.count, bytes[skip..<skip + 4].elementsEqual("TZif".utf8) else { return nil }
            header = skip
            wide = true
        }
        let (isUT, isStd, leaps, times, types, chars) = (
            count(header, 0), count(header, 1), count(header, 2), count(header, 3), count(header, 4), count(header, 5)
        )
        let timeSize = wide ? 8 : 4
        let timesAt = header + 44
        let indexesAt = timesAt + times * timeSize
        let typesAt = indexesAt + times
        let end = typesAt + types * 6 + chars + leaps * (timeSize + 4) + isStd + isUT
        guard types > 0, end <= bytes.count else { return nil }
        func typeOffset(_ type: Int) -> Int64? {
            guard type < types else { return nil }
            return Int64(Int32(bitPattern: word(bytes, typesAt + type * 6)))
        }
        var transitions: [Transition] = []
        for index in 0..<times {
            let at =
                wide
                ? Int64(bitPattern: UInt64(word(bytes, timesAt + index * 8)) << 32 | UInt64(word(bytes, timesAt + index * 8 + 4)))
                : Int64(Int32(bitPattern: word(bytes, timesAt + index * 4)))
            guard let offset = typeOffset(Int(bytes[indexesAt + index])) else { return nil }
            transitions.append(Transition(at: at, offset: offset))
        }
        var rule: Rule?
        if wide, end < bytes.count, bytes[end] == 10 {
            let footer = bytes[(end + 1)...].prefix { $0 != 10 }
            rule = Rule(String(decoding: footer, as: UTF8.self))
        }
        guard let initial = typeOffset(0) else { return nil }
        return LogZone(name: name, source: source, transitions: transitions, initialOffset: initial, rule: rule)
    }

    /// The big-endian 32-bit word at `at`.
    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// The whole of a small regular file, nil when it cannot be read, is over 1 MiB or is not a
    /// regular file: a FIFO or a device (a path may come from a runbook's value) is never waited
    /// on nor read.
    private static func readAll(_ path: String) -> [UInt8]? {
        guard let descriptor = RegularFile.openIfRegular(path)?.descriptor else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count <= 1 << 20 {
            let read = Glibc.read(descriptor, &buffer, buffer.count)
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { return nil }
            if read == 0 { return bytes }
            bytes += buffer[..<read]
        }
        return nil
    }
}
