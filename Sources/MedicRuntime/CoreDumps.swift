import CSandbox
import Glibc

/// What keeps a secret in Medic's memory out of a core file and away from other processes.
public enum CoreDumps {
    /// Turns core dumps off for this process (soft RLIMIT_CORE 0, inherited by what it runs, which
    /// may raise it again) and makes it non-dumpable (its /proc files such as environ and mem
    /// belong to root, and no process of the same user can ptrace it). Called before any secret
    /// is read. Returns nil, or why it could not.
    public static func forbid() -> String? {
        let code = medic_forbid_core_dumps()
        return code == 0 ? nil : String(cString: strerror(code))
    }
}
