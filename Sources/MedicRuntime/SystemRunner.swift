import MedicCore

/// The real `StepRunner`: a step on this machine goes to `LocalRunner`, a step on other hosts
/// to the ssh runner.
public final class SystemRunner: StepRunner {
    private let local: LocalRunner
    private let ssh: SSHRunner

    /// How checks on this machine are confined (see `LocalRunner.sandbox`).
    public var sandbox: CheckSandbox { local.sandbox }

    /// Creates a runner; `interruptDescriptor` and `graceSeconds` as for `LocalRunner`, `ssh`
    /// how to call ssh, `matcher` where the log probe classifies lines.
    public init(interruptDescriptor: Int32? = nil, graceSeconds: Double = 2, ssh: SSHSettings = .fromEnvironment(), matcher: MatchWorker? = nil) {
        local = LocalRunner(interruptDescriptor: interruptDescriptor, graceSeconds: graceSeconds, matcher: matcher)
        let grace = graceSeconds.isFinite ? Int64((max(0, graceSeconds) * 1000).rounded()) : 0
        self.ssh = SSHRunner(interrupt: Interrupt(descriptor: interruptDescriptor), graceMilliseconds: grace, settings: ssh)
    }

    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        invocation.remote == nil ? local.run(invocation, output: output) : ssh.run(invocation, output: output)
    }
}
