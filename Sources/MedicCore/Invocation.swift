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
    /// Where it runs.
    public var placement: Placement
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
    /// Whether a check runs on the writable file system, outside Medic's read-only mount
    /// namespace, as its runbook asks (`writable_fs`); it still runs with `no_new_privs`.
    public var writableFileSystem = false

    /// Creates an invocation.
    public init(
        stepID: String, kind: Step.Kind, placement: Placement, timeout: TimeSpan, payload: Payload, environment: [String: String], secrets: [String]
    ) {
        self.stepID = stepID
        self.kind = kind
        self.placement = placement
        self.timeout = timeout
        self.payload = payload
        self.environment = environment
        self.secrets = secrets
    }

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
        case .log(let query): text = "log \(query.path) since \(query.since)"
        }
        return Masking(secrets: secrets).apply(text)
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
