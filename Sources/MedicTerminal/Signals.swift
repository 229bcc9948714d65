import CEditLine

/// Ctrl-C, SIGTERM and SIGHUP, turned into bytes on a pipe that prompts and running steps wait on.
public enum Signals {
    /// Installs the handlers once; returns the pipe's read end for the step runner, or nil.
    public static func install() -> Int32? {
        let fd = medic_signals_install()
        return fd >= 0 ? fd : nil
    }
}
