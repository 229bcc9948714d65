/// A check or action with every value filled in, ready for an adapter to run.
public struct Invocation: Sendable, Hashable {
    /// What to run, resolved.
    public enum Payload: Sendable, Hashable {
        /// A program and its arguments; no shell.
        case command(argv: [String])
        /// A script for `/bin/sh`, exactly as written.
        case script(String)
        /// An HTTP request.
        case http(HTTPRequest)
        /// A TCP connect.
        case tcp(host: String, port: Int)
        /// A window of a log file to read and classify.
        case log(LogQuery)
    }

    /// The step's qualified id (`verify-site/health` inside a called runbook).
    public var stepID: String
    /// Check or action.
    public var kind: Step.Kind
    /// Where it runs, as the step says.
    public var placement: Placement
    /// The hosts it runs on over ssh, resolved; nil on this machine.
    public var remote: RemoteTarget?
    /// How long it may take.
    public var timeout: TimeSpan
    /// What to run.
    public var payload: Payload
    /// The environment additions: every input and capture in upper case (for scripts; commands
    /// get them too, which is harmless and lets wrapper scripts read them).
    public var environment: [String: String]
    /// The secret values in play, so adapters and recorders can mask them.
    public var secrets: [String]
    /// For a check read-only only on its author's word (`read_only`), the reason they gave; nil
    /// for a check Medic proves read-only, and for an action.
    public var unverified: String?
    /// Why the timeout goes past the 1h cap, as the runbook says (`timeout_beyond_cap`); nil when
    /// it does not.
    public var timeoutBeyondCap: String?
    /// Whether a check runs on the writable file system, outside Medic's read-only mount
    /// namespace, as its runbook asks (`writable_fs`); it still runs with `no_new_privs`.
    public var writableFileSystem = false
    /// For a check, the configuration files and folders it names by an input's or a capture's
    /// value, with the values filled in (or why a value cannot be told): judged before the check
    /// runs unconfirmed, here or on the host (`ConfigurationJudge`, `RemoteScript`).
    public var configurationFiles: [Result<ConfigurationPath, ConfigurationPath.Unknown>] = []

    /// Creates an invocation.
    public init(
        stepID: String, kind: Step.Kind, placement: Placement, timeout: TimeSpan, payload: Payload, environment: [String: String], secrets: [String]
    ) {
        self.stepID = stepID
        self.kind = kind
        self.placement = placement
        self.remote = nil
        self.timeout = timeout
        self.payload = payload
        self.environment = environment
        self.secrets = secrets
    }

    /// Where it runs, for the journal's `run` record: `local`, `host H` or `hosts SET: H1, H2`.
    public var placementText: String { remote.map(\.record) ?? "local" }

    /// The timeout and the runbook's reason, when the timeout goes past the 1h cap.
    public var beyondCap: TimeoutBeyondCap? { timeoutBeyondCap.map { TimeoutBeyondCap(timeout: "\(timeout)", reason: $0) } }

    /// What will run, for the screen and the transcript, with secrets masked.
    public var display: String {
        let text: String
        switch payload {
        case .command(let argv): text = argv.map(ShellQuoting.quote).joined(separator: " ")
        case .script(let script): text = script.hasSuffix("\n") ? String(script.dropLast()) : script
        case .http(let request):
            var lines = ["\(request.method) \(request.url)" + (request.unixSocket.map { " via unix:\($0)" } ?? "")]
            for header in request.headers { lines.append("\(header.name): \(Masking.isSensitiveHeader(header.name) ? Masking.mask : header.value)") }
            if let body = request.body { lines.append(""); lines.append(body) }
            text = lines.joined(separator: "\n")
        case .tcp(let host, let port): text = "tcp connect \(host):\(port)"
        case .log(let query): text = "log \(query.path) since \(query.since)" + (query.zone.map { ", times in TZ \($0)" } ?? "")
        }
        return Masking(secrets: secrets).apply(text)
    }
}

/// The hosts an invocation runs on over ssh.
public struct RemoteTarget: Sendable, Hashable {
    /// The hosts, in order (one for `where: {host: …}`).
    public var hosts: [String]
    /// The host set's name; nil for a step on one host.
    public var setName: String?
    /// How many hosts to work on at once.
    public var forks: Int
    /// For a batch of a rolling action: its number (from 1) and how many batches there are.
    public var batch: (number: Int, of: Int)?
    /// For a retried rollout that goes on after the batches that succeeded: the hosts those
    /// covered, and the hosts that remain (this batch's first).
    public var resumed: (done: [String], remaining: [String])?

    /// Creates a target.
    public init(hosts: [String], setName: String?, forks: Int, batch: (number: Int, of: Int)? = nil) {
        self.hosts = hosts
        self.setName = setName
        self.forks = forks
        self.batch = batch
    }

    /// Whether it is a host set (one result per host) rather than one host.
    public var isHostSet: Bool { setName != nil }

    public static func == (a: RemoteTarget, b: RemoteTarget) -> Bool {
        a.hosts == b.hosts && a.setName == b.setName && a.forks == b.forks && a.batch?.number == b.batch?.number && a.batch?.of == b.batch?.of
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hosts)
        hasher.combine(setName)
    }

    /// `host H`, or `hosts SET: H1, H2` (with the batch when there is one).
    public var record: String {
        guard let setName else { return "host " + (hosts.first ?? "") }
        let batchText = batch.map { " (batch \($0.number) of \($0.of))" } ?? ""
        return "hosts \(setName)\(batchText): " + (hosts.isEmpty ? "none" : hosts.joined(separator: ", "))
    }

    /// For sentences: `web1`, or `3 hosts of pool (a, b, c)`.
    public var description: String {
        guard let setName else { return hosts.first ?? "" }
        let count = hosts.count == 1 ? "1 host" : "\(hosts.count) hosts"
        let batchText = batch.map { ", batch \($0.number) of \($0.of)" } ?? ""
        return "\(count) of \(setName)\(batchText) (" + hosts.joined(separator: ", ") + ")"
    }
}

/// An HTTP request to send.
public struct HTTPRequest: Sendable, Hashable {
    /// `GET`, `POST`, …
    public var method: String
    /// The full URL.
    public var url: String
    /// Headers, in order.
    public var headers: [HTTPHeader]
    /// The body, if any.
    public var body: String?
    /// Whether to follow redirects.
    public var followRedirects: Bool
    /// The unix socket every connection of the request goes to (the URL still gives the Host
    /// header and the path), or nil for the URL's host and port over TCP.
    public var unixSocket: String?

    /// Creates a request.
    public init(method: String, url: String, headers: [HTTPHeader], body: String?, followRedirects: Bool, unixSocket: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.followRedirects = followRedirects
        self.unixSocket = unixSocket
    }
}
