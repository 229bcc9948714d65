/// What a check or action runs.
public enum Execution: Sendable, Hashable {
    /// A program and its arguments, no shell; each element a template.
    case command([Template])
    /// A script for `/bin/sh`, never templated; inputs arrive as environment variables. The
    /// text starts with the snippets `uses` put before it (see `ScriptLocation`).
    case script(String, location: ScriptLocation)
    /// The built-in HTTP probe.
    case http(HTTPProbeSpec)
    /// The built-in TCP probe.
    case tcp(TCPProbeSpec)
    /// The built-in log probe: a recent window of a log file, classified.
    case log(LogProbeSpec)

    /// The name used in the file and on screen.
    public var keyword: String {
        switch self {
        case .command: "command"
        case .script: "script"
        case .http: "http"
        case .tcp: "tcp"
        case .log: "log"
        }
    }

    /// Whether the execution is a probe that runs from the step's host (`from: target`).
    public var isFromTarget: Bool {
        switch self {
        case .http(let spec): spec.fromTarget
        case .tcp(let spec): spec.fromTarget
        case .command, .script, .log: false
        }
    }

    /// Every template the execution fills in.
    public var templates: [Template] {
        switch self {
        case .command(let argv): argv
        case .script: []
        case .http(let spec): spec.templates
        case .tcp(let spec): [spec.host, spec.port]
        case .log(let spec): [spec.file, spec.since] + [spec.server, spec.zone].compactMap(\.self)
        }
    }
}

/// An HTTP request to make, with templates still unfilled.
public struct HTTPProbeSpec: Sendable, Hashable {
    /// The request body.
    public enum Body: Sendable, Hashable {
        case none
        case text(Template)
        case json(JSONTemplate)
    }

    /// `GET`, `POST`, …
    public var method: String
    /// The URL.
    public var url: Template
    /// Request headers, in order.
    public var headers: [HTTPHeaderTemplate]
    /// The body.
    public var body: Body
    /// Statuses that count as success; empty means any 2xx.
    public var expect: [Int]
    /// Whether redirects are followed.
    public var followRedirects: Bool
    /// The unix socket to send the request through instead of the URL's host and port; when it
    /// renders empty (an optional input left empty), the request goes over TCP.
    public var unixSocket: Template?
    /// Whether the request is sent from the step's host (`from: target`, by that host's curl,
    /// over ssh) rather than from the machine Medic runs on (`from: here`, the default).
    public var fromTarget: Bool

    /// Creates a probe spec.
    public init(
        method: String, url: Template, headers: [HTTPHeaderTemplate], body: Body, expect: [Int], followRedirects: Bool, unixSocket: Template? = nil,
        fromTarget: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.expect = expect
        self.followRedirects = followRedirects
        self.unixSocket = unixSocket
        self.fromTarget = fromTarget
    }

    /// Every template in the request.
    public var templates: [Template] {
        var all = [url] + headers.map(\.value) + (unixSocket.map { [$0] } ?? [])
        switch body {
        case .none: break
        case .text(let t): all.append(t)
        case .json(let j): all += j.templates
        }
        return all
    }

    /// Whether `status` counts as success for this probe.
    public func isSuccess(status: Int) -> Bool {
        expect.isEmpty ? (200..<300).contains(status) : expect.contains(status)
    }
}

/// One request header; the value is a template.
public struct HTTPHeaderTemplate: Sendable, Hashable {
    /// The header name.
    public var name: String
    /// The value.
    public var value: Template

    /// Creates a header.
    public init(name: String, value: Template) {
        self.name = name
        self.value = value
    }
}

/// A TCP connect to make.
public struct TCPProbeSpec: Sendable, Hashable {
    /// The host name or address.
    public var host: Template
    /// The port.
    public var port: Template
    /// Whether the connect is made from the step's host (`from: target`, over ssh) rather than
    /// from the machine Medic runs on (`from: here`, the default).
    public var fromTarget: Bool

    /// Creates a probe spec.
    public init(host: Template, port: Template, fromTarget: Bool = false) {
        self.host = host
        self.port = port
        self.fromTarget = fromTarget
    }
}

/// A JSON document whose strings are templates, for request bodies.
public indirect enum JSONTemplate: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(Template)
    case array([JSONTemplate])
    case object([JSONTemplateMember])

    /// Every template in the document.
    public var templates: [Template] {
        switch self {
        case .null, .bool, .number: []
        case .string(let t): [t]
        case .array(let items): items.flatMap(\.templates)
        case .object(let members): members.flatMap(\.value.templates)
        }
    }
}

/// One member of a JSON object template.
public struct JSONTemplateMember: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: JSONTemplate

    /// Creates a member.
    public init(key: String, value: JSONTemplate) {
        self.key = key
        self.value = value
    }
}
