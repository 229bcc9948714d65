import CSandbox
import Glibc
import Synchronization

/// The processes a step's program started that left its process group (`setsid`, a daemon's
/// double fork), found by a mark in their environment, and the orphans Medic adopts as a child
/// subreaper.
///
/// Every program Medic starts gets `MEDIC_STEP_MARK=<random>` in its environment, which its
/// descendants inherit. When the program exits, a process outside its group that still carries
/// the mark escaped it: a check's are ended by pid, an action's are named and left running. As a
/// child subreaper Medic inherits such a process when its parent exits, so it can reap it: no
/// zombie is left behind. A process that cleared or replaced its environment before leaving
/// (`env -i`, `sudo`) carries no mark and is not found.
enum Escapees {
    /// The environment variable holding a program's mark.
    static let markVariable = "MEDIC_STEP_MARK"

    /// The children Medic started itself, from their start to their reaping. The kernel's list
    /// of a process's children is process-wide, so this is too: the orphan sweep must never
    /// reap a child another thread's runner is about to wait for.
    private static let started = Mutex<Set<pid_t>>([])

    /// Whether Medic became a child subreaper (done once, by the first runner made).
    static let isSubreaper: Bool = medic_become_child_subreaper() == 0

    /// A fresh mark for one program.
    static func newMark() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 16) + String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }

    /// Runs `spawn` (which returns its result and the pid it started, if any) with the registry
    /// locked, so the sweep cannot take the new child for an orphan before it is recorded.
    static func spawning<Result>(_ spawn: () -> (Result, pid_t?)) -> Result {
        started.withLock { pids in
            let (result, pid) = spawn()
            if let pid { pids.insert(pid) }
            return result
        }
    }

    /// Records that `pid`, a child Medic started, was reaped.
    static func reaped(_ pid: pid_t) {
        _ = started.withLock { $0.remove(pid) }
    }

    /// The living processes other than `leader` and the members of its group that carry `mark`,
    /// each with its pid and `name (pid N)`.
    static func find(mark: String, leader: pid_t) -> [(pid: pid_t, name: String)] {
        let needle = Array("\(markVariable)=\(mark)".utf8)
        var found: [(pid: pid_t, name: String)] = []
        for (pid, stat) in candidates() where pid != leader {
            guard !stat.isZombie, stat.group != leader else { continue }
            guard let environment = ProcStat.read("/proc/\(pid)/environ", limit: 1 << 20) else { continue }
            if environment.split(separator: 0).contains(where: { $0.elementsEqual(needle) }) {
                found.append((pid, "\(stat.name) (pid \(pid))"))
            }
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// The processes that may have escaped a step, with their stat. As a child subreaper Medic
    /// inherits every orphan below it, so whatever a step started is still its descendant: only
    /// those are looked at, and the environments of the rest of the host's processes are never
    /// read. Without the subreaper an orphan goes to init, so every process is a candidate.
    private static func candidates() -> [(pid: pid_t, stat: ProcStat)] {
        let all = ProcStat.pids().compactMap { pid in ProcStat(pid).map { (pid: pid, stat: $0) } }
        guard isSubreaper else { return all }
        var children: [pid_t: [pid_t]] = [:]
        for process in all { children[process.stat.parent, default: []].append(process.pid) }
        var descendants = Set<pid_t>()
        var pending = children[getpid()] ?? []
        while let pid = pending.popLast() {
            if descendants.insert(pid).inserted { pending += children[pid] ?? [] }
        }
        return all.filter { descendants.contains($0.pid) }
    }

    /// Ends the processes carrying `mark` outside `leader`'s group with SIGKILL, by pid, looking
    /// again for any one of them started meanwhile; then reaps those that became Medic's
    /// children. Returns their names.
    static func end(mark: String, leader: pid_t) -> [String] {
        var ended: [pid_t: String] = [:]
        for _ in 0..<5 {
            let found = find(mark: mark, leader: leader).filter { ended[$0.pid] == nil }
            if found.isEmpty { break }
            for process in found {
                kill(process.pid, SIGKILL)
                ended[process.pid] = process.name
            }
        }
        // A killed process whose parent was killed too is handed to Medic when that parent
        // dies: wait a moment for each to be gone, reaping those that are Medic's.
        var waiting = Set(ended.keys)
        let deadline = MonotonicClock.now() + 2000
        while !waiting.isEmpty, MonotonicClock.now() < deadline {
            for pid in waiting {
                guard let stat = ProcStat(pid) else {
                    waiting.remove(pid)
                    continue
                }
                if stat.isZombie, stat.parent == getpid(), waitpid(pid, nil, WNOHANG) == pid { waiting.remove(pid) }
            }
            if !waiting.isEmpty { usleep(2000) }
        }
        return ended.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Reaps the orphans Medic adopted that have exited: its zombie children it did not start
    /// that came from a group or session other than its own (so never a child some other part
    /// of the process started and will wait for).
    static func reapOrphans() {
        guard isSubreaper else { return }
        let me = getpid()
        let (group, session) = (getpgrp(), getsid(0))
        started.withLock { pids in
            for pid in ProcStat.pids() where !pids.contains(pid) {
                guard let stat = ProcStat(pid), stat.isZombie, stat.parent == me else { continue }
                guard stat.session != session || (stat.group != group && stat.group != pid) else { continue }
                _ = waitpid(pid, nil, WNOHANG)
            }
        }
    }
}
