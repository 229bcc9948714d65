import Glibc

/// How a process ended, decoded from a `waitpid` status (Swift does not import the W… macros).
enum WaitStatus: Equatable {
    /// It exited with this code.
    case exited(Int)
    /// A signal killed it.
    case signaled(Int32)

    /// Decodes a status from `waitpid` for a process that has terminated.
    init(_ status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited(Int((status >> 8) & 0xff)) : .signaled(signal)
    }

    /// The exit status a shell would report: the code, or 128 plus the signal.
    var shellStatus: Int {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + Int(signal)
        }
    }

    /// "killed by signal 9 (SIGKILL)".
    static func describe(signal: Int32) -> String {
        let name = signalNames[signal].map { " (\($0))" } ?? ""
        return "killed by signal \(signal)\(name)"
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT",
        SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
        SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]
}
