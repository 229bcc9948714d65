import CSandbox
import Glibc

/// A program started in a process group of its own, reading /dev/null, its stdout and stderr on
/// one pipe (as with `2>&1`, so their order is kept).
struct ChildProcess {
    /// The child's pid, which is also its process group id.
    let pid: pid_t
    /// The read end of the output pipe: nonblocking and close-on-exec.
    let output: Int32
    /// Our end of the child's standard input when it reads from Medic (a socket pair rather
    /// than a pipe, so that writing after the child is gone fails with EPIPE under
    /// `MSG_NOSIGNAL` instead of raising SIGPIPE; nonblocking, close-on-exec); nil when it reads
    /// /dev/null.
    var input: Int32? = nil

    /// Why a program could not be started: one plain sentence.
    struct SpawnFailure: Error {
        var reason: String
    }

    /// How a check's child is confined.
    struct Confinement {
        /// The read-only mount namespace, besides `no_new_privs`.
        var confinesMounts: Bool
        /// The empty folder a tmpfs is mounted on, the check's `$TMPDIR`.
        var scratch: String
    }

    /// The signals a step starts with at their default action, whatever Medic does with them:
    /// ignored dispositions survive exec, and a check that cannot be stopped by SIGTERM or that
    /// never sees SIGPIPE when its reader goes away would misbehave.
    private static let defaultSignals = [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT]

    /// Starts `argv`, looking `argv[0]` up on PATH when it has no slash, with the inherited
    /// environment plus `environment` (which wins).
    ///
    /// With `confinement` (checks), the child is started through CSandbox: `no_new_privs`, and
    /// when `confinesMounts`, a read-only mount namespace with a tmpfs on `scratch`. With
    /// `pipeInput` (ssh), its standard input is a socket Medic writes to; the two do not combine.
    static func spawn(
        _ argv: [String], environment: [String: String], confinement: Confinement? = nil, pipeInput: Bool = false
    ) -> Result<ChildProcess, SpawnFailure> {
        precondition(confinement == nil || !pipeInput, "a confined child reads /dev/null")
        guard let program = argv.first, !program.isEmpty else { return .failure(SpawnFailure(reason: "the command is empty")) }
        if argv.contains(where: { $0.utf8.contains(0) }) {
            return .failure(SpawnFailure(reason: "an argument of '\(program)' contains a NUL byte, which a program cannot receive"))
        }
        if environment.contains(where: { $0.key.utf8.contains(0) || $0.key.contains("=") || $0.value.utf8.contains(0) }) {
            let reason = "an environment variable for '\(program)' cannot be passed: it has a NUL byte or an '=' in its name"
            return .failure(SpawnFailure(reason: reason))
        }
        var ends: [Int32] = [-1, -1]
        guard GlibcExtensions.pipe2(&ends, O_CLOEXEC) == 0 else {
            return .failure(SpawnFailure(reason: "could not create a pipe: \(errorText(errno))"))
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Only our end is nonblocking: the child writes to an ordinary blocking pipe.
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        defer { close(writeEnd) }
        var inputEnds: [Int32] = [-1, -1]
        if pipeInput {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &inputEnds) == 0 else {
                close(readEnd)
                return .failure(SpawnFailure(reason: "could not create a socket pair: \(errorText(errno))"))
            }
            _ = fcntl(inputEnds[1], F_SETFL, fcntl(inputEnds[1], F_GETFL) | O_NONBLOCK)
        }
        defer { if pipeInput { close(inputEnds[0]) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if pipeInput {
            posix_spawn_file_actions_adddup2(&actions, inputEnds[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        GlibcExtensions.addCloseFrom(3, to: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in defaultSignals { sigaddset(&signals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &signals)
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)

        var arguments = CStringArray(argv)
        var variables = mergedEnvironment(environment)
        var pid: pid_t = 0
        if let confinement {
            var stage: Int32 = 0
            let status = Escapees.spawning {
                let status = arguments.withPointers { argvPointers in
                    variables.withPointers { envPointers in
                        confinement.scratch.withCString { scratch in
                            var sandbox = medic_sandbox(no_new_privs: 1, scratch: confinement.confinesMounts ? scratch : nil)
                            return medic_sandbox_spawn(program, argvPointers, envPointers, writeEnd, &sandbox, &pid, &stage)
                        }
                    }
                }
                return (status, status == 0 ? pid : nil)
            }
            guard status == 0 else {
                close(readEnd)
                let step = String(cString: medic_sandbox_stage_name(stage))
                return .failure(
                    SpawnFailure(
                        reason: step == "exec" ? explain(status, program: program) : "could not \(step) for '\(program)': \(errorText(status))"))
            }
            return .success(ChildProcess(pid: pid, output: readEnd))
        }
        // posix_spawnp searches the PATH of Medic's own environment, not the child's.
        let status = Escapees.spawning {
            let status = arguments.withPointers { argvPointers in
                variables.withPointers { envPointers in posix_spawnp(&pid, program, &actions, &attributes, argvPointers, envPointers) }
            }
            return (status, status == 0 ? pid : nil)
        }
        guard status == 0 else {
            close(readEnd)
            if pipeInput { close(inputEnds[1]) }
            return .failure(SpawnFailure(reason: explain(status, program: program)))
        }
        return .success(ChildProcess(pid: pid, output: readEnd, input: pipeInput ? inputEnds[1] : nil))
    }

    /// The inherited environment, minus the names in `overrides`, followed by `overrides` sorted.
    private static func mergedEnvironment(_ overrides: [String: String]) -> CStringArray {
        var merged = CStringArray()
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let variable = entry?.pointee {
            let name = String(decoding: UnsafeRawBufferPointer(start: variable, count: strcspn(variable, "=")), as: UTF8.self)
            if overrides[name] == nil { merged.append(cString: variable) }
            entry = entry?.advanced(by: 1)
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) { merged.append("\(name)=\(value)") }
        return merged
    }

    /// One sentence for a posix_spawn error.
    private static func explain(_ code: Int32, program: String) -> String {
        switch code {
        case ENOENT where !program.contains("/"):
            if isOnPath(program) { return "program '\(program)' was found on PATH but could not be started: its interpreter is missing" }
            return "program '\(program)' was not found on PATH"
        case ENOENT: return "program '\(program)' does not exist"
        case EACCES: return "program '\(program)' is not executable (permission denied)"
        case ENOEXEC: return "program '\(program)' is not in a format this system can run"
        default: return "program '\(program)' could not be started: \(errorText(code))"
        }
    }

    /// Whether an executable file named `program` is in a PATH directory.
    private static func isOnPath(_ program: String) -> Bool {
        guard let path = getenv("PATH") else { return false }
        return String(cString: path).split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}

/// `strerror` for `code`, lowercase-first like the rest of Medic's messages.
func errorText(_ code: Int32) -> String {
    let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
    return text.prefix(1).lowercased() + text.dropFirst()
}
