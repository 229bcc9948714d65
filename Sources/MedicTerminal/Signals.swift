import CEditLine
import Glibc

/// Ctrl-C, SIGTERM and SIGHUP, turned into bytes on a pipe that prompts and running steps wait on.
public enum Signals {
    /// Installs the handlers once; returns the pipe's read end for the step runner, or nil.
    public static func install() -> Int32? {
        let fd = medic_signals_install()
        return fd >= 0 ? fd : nil
    }

    /// Whether Medic was told to stop (SIGTERM, or the terminal hung up) since this was last
    /// asked. Whatever waited on the pipe at that moment (a step, a discovery, the matching
    /// process) stopped and took the pipe's byte, but cannot end the run itself: the next
    /// prompt, and the command between its phases, ask here. Clears what it reports.
    public static func takeStop() -> Bool {
        guard stopPending else { return false }
        _ = medic_signals_take()
        return true
    }

    /// Whether Medic was told to stop (SIGTERM, or the terminal hung up) and `takeStop` has not
    /// reported it yet; clears nothing.
    public static var stopPending: Bool {
        medic_signals_peek() & (1 << UInt(SIGHUP) | 1 << UInt(SIGTERM)) != 0
    }
}
