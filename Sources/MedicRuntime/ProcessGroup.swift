import Glibc

/// The processes of one process group, found in /proc.
///
/// A check's program may leave children running in the background (`sleep 1007 &`, a double
/// fork); they stay in the program's process group unless they leave it (`setsid`, see
/// `Escapees`).
enum ProcessGroup {
    /// The processes in group `group` other than its leader, each as `name (pid N)`.
    static func members(of group: pid_t) -> [String] {
        ProcStat.pids().filter { $0 != group }.compactMap { pid in
            guard let stat = ProcStat(pid), stat.group == group, stat.state != "Z" else { return nil }
            return "\(stat.name) (pid \(pid))"
        }.sorted()
    }
}
