import Glibc

/// The `posix_spawn` attributes of every program Medic starts that way (ssh, the matching
/// process): a process group of its own, so the terminal's Ctrl-C reaches Medic, which decides,
/// and never the child; some signals back to their default action, since ignored dispositions
/// survive exec; and no signal blocked.
enum SpawnAttributes {
    /// Which signals go back to their default action.
    enum Defaults {
        /// Every signal.
        case all
        /// These.
        case these([Int32])
    }

    /// Runs `body` with the attributes, destroyed after it.
    static func withOwnGroup<Result>(defaulting signals: Defaults, _ body: (inout posix_spawnattr_t) -> Result) -> Result {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var set = sigset_t()
        switch signals {
        case .all: sigfillset(&set)
        case .these(let list):
            sigemptyset(&set)
            for signal in list { sigaddset(&set, signal) }
        }
        posix_spawnattr_setsigdefault(&attributes, &set)
        sigemptyset(&set)
        posix_spawnattr_setsigmask(&attributes, &set)
        return body(&attributes)
    }
}
