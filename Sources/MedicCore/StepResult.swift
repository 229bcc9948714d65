/// What running a check or action produced: a failing command is a result, not an error.
public struct StepResult: Sendable, Hashable {
    /// The exit status of a command or script; nil for probes or when it never started.
    public var exitStatus: Int?
    /// The output (stdout and stderr as they arrived, or an HTTP body), as kept in memory.
    public var output: String
    /// Whether the step hit its timeout and was stopped.
    public var timedOut: Bool
    /// Whether the operator cancelled it with Ctrl-C.
    public var cancelled: Bool
    /// The HTTP status; 0 when nothing answered.
    public var httpStatus: Int?
    /// The HTTP response headers, in order.
    public var headers: [HTTPHeader]
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Int
    /// Why it could not run at all (program not found, connection refused…), when it could not.
    public var failureReason: String?
    /// When the middle of a long output was not kept in memory: the first and the last bytes
    /// kept, which conditions, captures and counts read each on its own. `output` then shows
    /// them to people with Medic's marker between them, and no condition ever reads the marker.
    /// Nil: `output` is the whole output.
    public var keptParts: [String]?
    /// How many bytes of the middle of the output were not kept (0: conditions read it whole).
    public var droppedBytes = 0

    /// What the program left running in its process group when it exited (`name (pid N)`
    /// each); a check's are ended (`leftoversEnded`), an action's are left running.
    public var leftovers: [String] = []
    /// What the program started that left its process group (`setsid`, a daemon's double fork)
    /// and was still running when it exited (`name (pid N)` each); ended with `leftovers` for a
    /// check, left running for an action.
    public var escapees: [String] = []
    /// Whether Medic ended `leftovers` and `escapees`.
    public var leftoversEnded = false
    /// How many of a check's escapees still ran when Medic gave up ending them (2 s of SIGKILL:
    /// a process stuck in the kernel, or forking faster than it is ended); 0 when all ended.
    public var escapeesSurvived = 0

    /// The output as conditions, captures and counts read it: the whole, or its kept parts.
    public var readableOutput: [String] { keptParts ?? [output] }

    /// On another host: ssh could not reach or log in to it, so the step never started there.
    public var unreachable: Bool = false
    /// On a host set: each host's result, in the set's order; nil for a step on one machine.
    public var hosts: [HostResult]?
    /// For a host of a rolling action: the check after its batch (`batch.verify`, named here)
    /// did not pass there, so the action did not succeed there whatever its exit status.
    public var verifyFailed: String?

    /// Creates a result.
    public init(
        exitStatus: Int? = nil, output: String = "", timedOut: Bool = false, cancelled: Bool = false,
        httpStatus: Int? = nil, headers: [HTTPHeader] = [], durationMilliseconds: Int = 0, failureReason: String? = nil,
        unreachable: Bool = false, hosts: [HostResult]? = nil
    ) {
        self.unreachable = unreachable
        self.hosts = hosts
        self.exitStatus = exitStatus
        self.output = output
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.httpStatus = httpStatus
        self.headers = headers
        self.durationMilliseconds = durationMilliseconds
        self.failureReason = failureReason
    }

    /// The value of the first header named `name`, compared without case; empty when absent.
    public func header(_ name: String) -> String {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value ?? ""
    }
}

/// One HTTP header.
public struct HTTPHeader: Sendable, Hashable {
    /// The name as received.
    public var name: String
    /// The value.
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
