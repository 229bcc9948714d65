import Glibc

/// The processes of one process group, found in /proc.
///
/// A check's program may leave children running in the background (`sleep 1007 &`, a double
/// fork); they stay in the program's process group unless they leave it (`setsid`).
enum ProcessGroup {
    /// The processes in group `group` other than its leader, each as `name (pid N)`.
    static func members(of group: pid_t) -> [String] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), pid != group, let stat = read("/proc/\(pid)/stat") else { continue }
            // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
            guard let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, pid_t(fields[2]) == group, fields[0] != "Z" else { continue }
            found.append("\(stat[stat.index(after: open)..<close]) (pid \(pid))")
        }
        return found.sorted()
    }

    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }
}
