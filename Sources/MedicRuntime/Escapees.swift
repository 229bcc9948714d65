import CSandbox
import Glibc
import Synchronization

/// The children Medic starts, and the orphans it adopts as a child subreaper.
///
/// A step's program runs under its own `Shepherd`, which finds what the program left outside its
/// process group (`setsid`, a daemon's double fork, whatever its environment). What an action
/// leaves running outlives its shepherd; Medic is a child subreaper, so it is handed to Medic
/// rather than to init, and Medic reaps it when it ends: no zombie is left behind.
enum Escapees {
    /// The children Medic started itself, from their start to their reaping (a step's program
    /// too, which becomes Medic's if its shepherd dies first). The kernel's list of a process's
    /// children is process-wide, so this is too: the orphan sweep must never reap a child another
    /// thread's runner is about to wait for.
    private static let started = Mutex<Set<pid_t>>([])

    /// Whether Medic became a child subreaper (done once, by the first runner made).
    static let isSubreaper: Bool = medic_become_child_subreaper() == 0

    /// Runs `spawn` (which returns its result and the pids it started) with the registry locked,
    /// so the sweep cannot take a new child for an orphan before it is recorded.
    static func spawning<Result>(_ spawn: () -> (Result, [pid_t])) -> Result {
        started.withLock { pids in
            let (result, new) = spawn()
            pids.formUnion(new)
            return result
        }
    }

    /// Records that `pid`, a child Medic started, was reaped.
    static func reaped(_ pid: pid_t) {
        _ = started.withLock { $0.remove(pid) }
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
