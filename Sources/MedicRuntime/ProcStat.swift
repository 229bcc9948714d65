import Glibc

/// One process as /proc/PID/stat describes it.
struct ProcStat {
    /// The program's name (`comm`).
    let name: String
    /// The state letter (`R`, `S`, `Z`, …).
    let state: String
    let parent: pid_t
    let group: pid_t
    let session: pid_t

    var isZombie: Bool { state == "Z" || state == "X" }

    /// Reads process `pid`; nil when it is gone.
    init?(_ pid: pid_t) {
        guard let bytes = ProcStat.read("/proc/\(pid)/stat", limit: 1024) else { return nil }
        let stat = String(decoding: bytes, as: UTF8.self)
        // pid (comm) state ppid pgrp session …: comm may hold spaces and parentheses, so read
        // after the last ')'.
        guard let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let parent = pid_t(fields[1]), let group = pid_t(fields[2]), let session = pid_t(fields[3]) else { return nil }
        name = String(stat[stat.index(after: open)..<close])
        state = String(fields[0])
        self.parent = parent
        self.group = group
        self.session = session
    }

    /// The pids in /proc.
    static func pids() -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var found: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = pid_t(name) { found.append(pid) }
        }
        return found
    }

    /// The first `limit` bytes of a file, nil when it cannot be read or is empty.
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = buffer.withUnsafeMutableBytes { $0.baseAddress.map { Glibc.read(descriptor, $0 + filled, limit - filled) } ?? -1 }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            filled += count
        }
        return filled > 0 ? Array(buffer[0..<filled]) : nil
    }
}
