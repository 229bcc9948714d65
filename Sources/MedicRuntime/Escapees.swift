import CSandbox
import Glibc
import Synchronization

/// The processes a step's program started that left its process group (`setsid`, a daemon's
/// double fork), and the orphans Medic adopts as a child subreaper.
///
/// Medic is a child subreaper: whatever a step's program starts stays Medic's descendant, even
/// after its parent exits (Medic inherits the orphan, and can reap it: no zombie is left behind).
/// Every program gets `MEDIC_STEP_MARK=<random>`, which its descendants inherit: a process that
/// carries the program's mark is its escapee. One that cleared or replaced its environment
/// (`env -i`, `sudo`) carries no mark; as a subreaper, Medic finds it by where it hangs: it
/// appeared while the program ran (`Snapshot`, taken before it starts; a process is named by its
/// pid and start time, so a reused pid is not mistaken for an old process), and descends from an
/// orphan Medic adopted meanwhile in a new session (`setsid`): not one of Medic's own children
/// (the matching process, ssh, which Medic starts and records), nor carrying another program's
/// mark or the helper token (ssh's ControlMaster, which leaves its parent). An unmarked process
/// that left the program's group but stayed in Medic's session (job control) is not found, nor
/// is any unmarked one where Medic could not become a subreaper (an orphan then goes to init). A
/// check's escapees are ended by pid, an action's named and left running.
enum Escapees {
    /// The environment variable holding a program's mark.
    static let markVariable = "MEDIC_STEP_MARK"
    /// The environment variable that marks Medic's helpers (ssh and its ControlMaster).
    static let helperVariable = "MEDIC_HELPER"
    /// The helper token of this Medic, random so that a step cannot guess it.
    static let helperToken = newMark()

    /// Medic's descendants at one moment, by pid and start time.
    struct Snapshot {
        fileprivate let processes: Set<ProcessID>
    }

    fileprivate struct ProcessID: Hashable {
        let pid: pid_t
        let startTime: UInt64
    }

    /// Medic's descendants now (empty when Medic is no subreaper: then only the mark counts).
    static func snapshot() -> Snapshot {
        guard isSubreaper else { return Snapshot(processes: []) }
        return Snapshot(processes: Set(candidates().map { ProcessID(pid: $0.pid, startTime: $0.stat.startTime) }))
    }

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

    /// The living processes other than `leader` and the members of its group that escaped the
    /// program `leader` started after `before`, each with its pid and `name (pid N)`.
    ///
    /// A process that carries a mark is the program's when the mark is its own. As a subreaper,
    /// one that carries none is when it appeared since `before`, below an orphan Medic adopted
    /// meanwhile: a child of Medic that Medic did not start, that appeared since `before`, in a
    /// session other than Medic's (it left the program's with `setsid`), carrying the program's
    /// mark or none, and not the helper token.
    static func find(mark: String, leader: pid_t, before: Snapshot) -> [(pid: pid_t, name: String)] {
        let all = candidates()
        let me = getpid()
        let session = getsid(0)
        let registered = started.withLock { $0 }
        var environments: [pid_t: Environment] = [:]
        func environment(_ pid: pid_t) -> Environment {
            if let known = environments[pid] { return known }
            let read = Environment(pid: pid, mark: mark)
            environments[pid] = read
            return read
        }
        func isNew(_ pid: pid_t, _ stat: ProcStat) -> Bool {
            !before.processes.contains(ProcessID(pid: pid, startTime: stat.startTime))
        }
        var stats: [pid_t: ProcStat] = [:]
        for process in all { stats[process.pid] = process.stat }
        // The orphans adopted during the program that are its, by the child of Medic each
        // process descends from.
        func adoptedOrphan(_ pid: pid_t) -> Bool {
            guard isSubreaper, pid != leader, !registered.contains(pid), let stat = stats[pid], stat.session != session, isNew(pid, stat) else {
                return false
            }
            let found = environment(pid)
            return !found.isHelper && (found.mark == nil || found.mark == .own)
        }
        func topAncestor(_ pid: pid_t) -> pid_t? {
            var current = pid
            for _ in 0..<4096 {
                guard let parent = stats[current]?.parent else { return nil }
                if parent == me { return current }
                current = parent
            }
            return nil
        }
        var found: [(pid: pid_t, name: String)] = []
        for (pid, stat) in all where pid != leader {
            guard !stat.isZombie, stat.group != leader else { continue }
            let escaped: Bool
            switch environment(pid).mark {
            case .own?: escaped = true
            case .other?: escaped = false
            case nil: escaped = isNew(pid, stat) && topAncestor(pid).map(adoptedOrphan) == true
            }
            if escaped { found.append((pid, "\(stat.name) (pid \(pid))")) }
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// What a process's environment says about whose it is.
    private struct Environment {
        enum Mark {
            case own
            case other
        }

        /// The step mark it carries, if any, compared with the program's.
        var mark: Mark?
        /// Whether it carries this Medic's helper token.
        var isHelper = false

        init(pid: pid_t, mark own: String) {
            let prefix = Array("\(Escapees.markVariable)=".utf8)
            let helper = Array("\(Escapees.helperVariable)=\(Escapees.helperToken)".utf8)
            for variable in ProcStat.read("/proc/\(pid)/environ", limit: 1 << 20)?.split(separator: 0) ?? [] {
                if variable.starts(with: prefix) { mark = variable.dropFirst(prefix.count).elementsEqual(own.utf8) ? .own : .other }
                if variable.elementsEqual(helper) { isHelper = true }
            }
        }
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

    /// Ends the processes that escaped the program `leader` (`find`) with SIGKILL, by pid,
    /// looking again for any one of them started meanwhile; then reaps those that became
    /// Medic's children. Returns their names.
    static func end(mark: String, leader: pid_t, before: Snapshot) -> [String] {
        var ended: [pid_t: String] = [:]
        for _ in 0..<5 {
            let found = find(mark: mark, leader: leader, before: before).filter { ended[$0.pid] == nil }
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
