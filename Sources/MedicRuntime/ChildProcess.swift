import CSandbox
import Glibc
import MedicCore

/// A program started in a process group of its own, reading /dev/null, its stdout and stderr on
/// one pipe (as with `2>&1`, so their order is kept).
struct ChildProcess {
    /// The child's pid, which is also its process group id.
    let pid: pid_t
    /// The read end of the output pipe: nonblocking and close-on-exec.
    let output: Int32
    /// Our end of the child's standard input when it reads from Medic (ssh: a socket pair rather
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
    /// never sees SIGPIPE when its reader goes away would misbehave. (CSandbox's fork resets the
    /// same ones.)
    static let defaultSignals = [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT]

    /// Starts `argv` under its shepherd (`Shepherd`), looking `argv[0]` up on PATH when it has no
    /// slash, with the inherited environment plus `environment` (which wins). With `endEscapees`
    /// (a check) the shepherd ends what the program leaves running when it exits; otherwise (an
    /// action) it names what left the group and leaves it running.
    ///
    /// With `confinement` (checks), the program also gets `no_new_privs` and, when
    /// `confinesMounts`, a read-only mount namespace with a tmpfs on `scratch`.
    static func spawnShepherded(
        _ argv: [String], environment: [String: String], confinement: Confinement? = nil, endEscapees: Bool
    ) -> Result<(ChildProcess, Shepherd), SpawnFailure> {
        let (program, readEnd, writeEnd): (String, Int32, Int32)
        do { (program, readEnd, writeEnd) = try prepare(argv, environment).get() } catch { return .failure(error) }
        defer { close(writeEnd) }
        var arguments = CStringArray(argv)
        var variables = mergedEnvironment(environment)
        var started = medic_shepherd()
        var stage: Int32 = 0
        let status = Escapees.spawning {
            let status = arguments.withPointers { argvPointers in
                variables.withPointers { envPointers in
                    (confinement?.scratch ?? "").withCString { scratch in
                        var sandbox = medic_sandbox(
                            no_new_privs: confinement == nil ? 0 : 1, scratch: confinement?.confinesMounts == true ? scratch : nil)
                        return medic_shepherd_spawn(program, argvPointers, envPointers, writeEnd, &sandbox, endEscapees ? 1 : 0, &started, &stage)
                    }
                }
            }
            return (status, status == 0 ? [started.shepherd, started.program] : [])
        }
        guard status == 0 else {
            close(readEnd)
            let step = String(cString: medic_sandbox_stage_name(stage))
            return .failure(
                SpawnFailure(reason: step == "exec" ? explain(status, program: program) : "could not \(step) for '\(program)': \(errorText(status))"))
        }
        return .success((ChildProcess(pid: started.program, output: readEnd), Shepherd(started)))
    }

    /// Starts `argv` with `posix_spawnp` (ssh, whose standard input is a socket Medic writes to),
    /// looking `argv[0]` up on PATH when it has no slash, with the inherited environment plus
    /// `environment` (which wins).
    static func spawn(_ argv: [String], environment: [String: String]) -> Result<ChildProcess, SpawnFailure> {
        let (program, readEnd, writeEnd): (String, Int32, Int32)
        do { (program, readEnd, writeEnd) = try prepare(argv, environment).get() } catch { return .failure(error) }
        defer { close(writeEnd) }
        var inputEnds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &inputEnds) == 0 else {
            close(readEnd)
            return .failure(SpawnFailure(reason: "could not create a socket pair: \(errorText(errno))"))
        }
        _ = fcntl(inputEnds[1], F_SETFL, fcntl(inputEnds[1], F_GETFL) | O_NONBLOCK)
        defer { close(inputEnds[0]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputEnds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        GlibcExtensions.addCloseFrom(3, to: &actions)

        var arguments = CStringArray(argv)
        var variables = mergedEnvironment(environment)
        var pid: pid_t = 0
        // posix_spawnp searches the PATH of Medic's own environment, not the child's.
        let status = SpawnAttributes.withOwnGroup(defaulting: .these(defaultSignals)) { attributes in
            Escapees.spawning {
                let status = arguments.withPointers { argvPointers in
                    variables.withPointers { envPointers in posix_spawnp(&pid, program, &actions, &attributes, argvPointers, envPointers) }
                }
                return (status, status == 0 ? [pid] : [])
            }
        }
        guard status == 0 else {
            close(readEnd)
            close(inputEnds[1])
            return .failure(SpawnFailure(reason: explain(status, program: program)))
        }
        return .success(ChildProcess(pid: pid, output: readEnd, input: inputEnds[1]))
    }

    /// The program's name and the output pipe, both ends close-on-exec, only the read end (ours)
    /// nonblocking (the child writes to an ordinary blocking pipe); or why `argv` or
    /// `environment` cannot be passed to a program.
    private static func prepare(_ argv: [String], _ environment: [String: String]) -> Result<(String, Int32, Int32), SpawnFailure> {
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
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return .success((program, ends[0], ends[1]))
    }

    /// The inherited environment, minus the names in `overrides` and every `MEDIC_VAR_<name>`
    /// (an input's value, maybe a secret: the CLI removes them from Medic's own environment once
    /// read, and a child never gets one even so), followed by `overrides` sorted.
    private static func mergedEnvironment(_ overrides: [String: String]) -> CStringArray {
        var merged = CStringArray()
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let variable = entry?.pointee {
            let name = String(decoding: UnsafeRawBufferPointer(start: variable, count: strcspn(variable, "=")), as: UTF8.self)
            if overrides[name] == nil, !name.hasPrefix(InputAssignments.environmentPrefix) { merged.append(cString: variable) }
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
