import MedicCore

#if canImport(Glibc)
    import Glibc
#endif

// TEMPORARY stand-in until the runtime branch lands; replaced wholesale at merge.
public final class LocalRunner: StepRunner {
    public init(interruptDescriptor: Int32? = nil, graceSeconds: Double = 2) {}
    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        var argv: [String]
        switch invocation.payload {
        case .command(let a): argv = a
        case .script(let s): argv = ["/bin/sh", "-c", s]
        default: return StepResult(httpStatus: 0, failureReason: "not yet")
        }
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        let env = invocation.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, env)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); return StepResult(failureReason: "cannot run \(argv[0])") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output(buffer[..<n])
        }
        close(fds[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return StepResult(exitStatus: Int((status >> 8) & 0xff))
    }
}
