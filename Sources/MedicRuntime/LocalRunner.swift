import MedicCore

/// Runs steps on this machine: commands and scripts as child processes in their own process
/// group, and the built-in HTTP and TCP probes.
///
/// Output is handed over in chunks as it arrives and never kept here, so a step that prints
/// gigabytes costs no memory. A step ends at its timeout (SIGTERM to its process group, SIGKILL
/// after the grace) or when the operator interrupts it.
public final class LocalRunner: StepRunner {
    private let interrupt: Interrupt
    private let graceMilliseconds: Int64
    /// How checks' commands and scripts are confined; actions are not (they are meant to change
    /// things, and a person approved them).
    public let sandbox: CheckSandbox
    /// Where the log probe runs, so that a class's pattern that backtracks for hours can be
    /// stopped; without one (unit tests) it runs in this process.
    private let matcher: MatchWorker?

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - interruptDescriptor: a nonblocking pipe read end; when it becomes readable while a
    ///     step runs, the step is cancelled and the bytes waiting in it are drained. nil: steps
    ///     are never interrupted.
    ///   - graceSeconds: how long a stopped step's processes have between SIGTERM and SIGKILL.
    ///   - sandbox: how checks are confined; by default what this machine allows.
    public init(interruptDescriptor: Int32? = nil, graceSeconds: Double = 2, sandbox: CheckSandbox = .detected, matcher: MatchWorker? = nil) {
        self.matcher = matcher
        self.interrupt = Interrupt(descriptor: interruptDescriptor)
        self.sandbox = sandbox
        self.graceMilliseconds = graceSeconds.isFinite ? Int64((max(0, graceSeconds) * 1000).rounded()) : 0
        // What a step's program leaves in a session of its own becomes Medic's child when its
        // parent exits, so it can be ended (checks) and reaped (`Escapees`).
        _ = Escapees.isSubreaper
    }

    /// Runs `invocation` until it ends, times out or is interrupted, streaming its output (for
    /// commands and scripts stdout and stderr merged in order; for HTTP the response body; for
    /// TCP one line starting `open`, `refused`, `timeout`, `unreachable:` or `unresolved:`; for a log
    /// window its summary, starting `window` when the file could be read).
    ///
    /// A program that cannot be started is a result with `failureReason` set and no
    /// `exitStatus`; so is an https:// probe without libcurl.
    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let processes = ProcessRunner(interrupt: interrupt, graceMilliseconds: graceMilliseconds)
        var confined = invocation.kind == .check ? sandbox : nil
        if invocation.writableFileSystem { confined = confined?.withoutMountConfinement }
        // Never PATH, LD_PRELOAD or the like from a runbook's variables, whoever built the invocation.
        let environment = EnvironmentName.exportable(invocation.environment)
        switch invocation.payload {
        case .command(let argv):
            return processes.run(
                argv, environment: environment, timeout: invocation.timeout, endLeftovers: invocation.kind == .check, sandbox: confined,
                output: output)
        case .script(let text):
            return processes.run(
                ["/bin/sh", "-c", text], environment: environment, timeout: invocation.timeout, endLeftovers: invocation.kind == .check,
                sandbox: confined, output: output)
        case .http(let request):
            return HTTPProbe(interrupt: interrupt).run(request, timeout: invocation.timeout, output: output)
        case .tcp(let host, let port):
            return TCPProbe(interrupt: interrupt).run(host: host, port: port, timeout: invocation.timeout, output: output)
        case .log(let query):
            if let matcher { return matcher.logWindow(query, timeout: invocation.timeout, output: output) }
            return LogProbe(interrupt: interrupt).run(query, timeout: invocation.timeout, output: output)
        }
    }
}
