import MedicCore

/// Decodes the built-in probes, `http`, `tcp` and `log`.
struct ProbeDecoder {
    let reader: NodeReader

    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func http(_ node: YAMLNode) -> HTTPProbeSpec? {
        let allowed = ["method", "url", "headers", "json", "body", "expect", "follow_redirects", "unix_socket", "from"]
        guard let fields = reader.fields(node, allowed: allowed, in: "the http probe") else { return nil }
        var method = "GET"
        if let node = fields["method"], let text = reader.string(node, "the method") {
            if Self.methods.contains(text.uppercased()) {
                method = text.uppercased()
            } else {
                reader.error("unknown HTTP method '\(text)'", at: node, hint: "one of \(Self.methods.joined(separator: ", "))")
            }
        }
        guard let urlNode = fields.required("url"), let url = reader.template(urlNode, "the url") else { return nil }
        var headers: [HTTPHeaderTemplate] = []
        if let node = fields["headers"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard let name = reader.string(key, "a header name"), let template = reader.template(value, "a header value") else { continue }
                    headers.append(HTTPHeaderTemplate(name: name, value: template))
                }
            } else {
                reader.error("'headers' must be a mapping from header name to value", at: node)
            }
        }
        var body = HTTPProbeSpec.Body.none
        if let node = fields["json"] {
            body = .json(json(node))
            if let second = fields.keyNode("body") { reader.error("give 'json' or 'body', not both", at: second) }
        } else if let node = fields["body"], let template = reader.template(node, "the body") {
            body = .text(template)
        }
        let expect = fields["expect"].flatMap { reader.ints($0, "'expect' (HTTP statuses)") } ?? []
        for status in expect where !(100...599).contains(status) {
            reader.error("\(status) is not an HTTP status", at: fields["expect"] ?? node)
        }
        let follow = fields["follow_redirects"].flatMap { reader.bool($0, "'follow_redirects'") } ?? false
        let socket = fields["unix_socket"].flatMap { reader.template($0, "the unix_socket") }
        if let socket, socket.variables.isEmpty, !socket.raw.hasPrefix("/") || socket.raw.utf8.count > HTTPTarget.unixSocketPathLimit {
            reader.error(
                "'\(socket.raw)' is not a unix socket path", at: fields["unix_socket"] ?? node,
                hint: "an absolute path of at most \(HTTPTarget.unixSocketPathLimit) bytes, such as /run/app/app.sock")
        }
        return HTTPProbeSpec(
            method: method, url: url, headers: headers, body: body, expect: expect, followRedirects: follow, unixSocket: socket,
            fromTarget: fromTarget(fields, asks: "sends the request"))
    }

    func tcp(_ node: YAMLNode) -> TCPProbeSpec? {
        guard let fields = reader.fields(node, allowed: ["host", "port", "from"], in: "the tcp probe"),
            let hostNode = fields.required("host"), let host = reader.template(hostNode, "the host"),
            let portNode = fields.required("port"), let port = reader.template(portNode, "the port")
        else { return nil }
        if port.variables.isEmpty, Int(port.raw).map({ !(1...65535).contains($0) }) ?? true {
            reader.error("'\(port.raw)' is not a TCP port", at: portNode)
        }
        return TCPProbeSpec(host: host, port: port, fromTarget: fromTarget(fields, asks: "connects"))
    }

    /// A probe's `from`: false for `here` (the default), true for `target`.
    private func fromTarget(_ fields: Fields, asks verb: String) -> Bool {
        guard let node = fields["from"], let text = reader.string(node, "'from'") else { return false }
        switch text {
        case "here": return false
        case "target": return true
        default:
            reader.error(
                "'from' is 'here' or 'target', not '\(text)'", at: node,
                hint: "'here' \(verb) from this machine, 'target' from the step's host over ssh")
            return false
        }
    }

    func log(_ node: YAMLNode) -> LogProbeSpec? {
        guard let fields = reader.fields(node, allowed: ["file", "since", "classes", "examples", "capture", "server", "zone"], in: "the log probe"),
            let fileNode = fields.required("file"), let file = reader.template(fileNode, "the log file"),
            let sinceNode = fields.required("since"), let since = reader.template(sinceNode, "'since'")
        else { return nil }
        // A literal window is checked here; `${name}` is checked by the validator, which knows the inputs.
        if since.variables.isEmpty, reader.duration(sinceNode, "'since'") == nil { return nil }
        var classes: [LogClass] = []
        if let node = fields["classes"] {
            if case .mapping(let mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard let name = reader.string(key, "a class name"), let pattern = reader.regex(value, "the pattern of class '\(name)'") else {
                        continue
                    }
                    if !Template.isVariableName(name) || name == LogQuery.unclassified {
                        reader.error("'\(name)' cannot name a log class", at: key, hint: "letters, digits and _, not '\(LogQuery.unclassified)'")
                    }
                    classes.append(LogClass(name: name, pattern: pattern))
                }
            } else {
                reader.error(
                    "'classes' must be a mapping from class name to regex", at: node, hint: "upstream_refused: 'connect\\(\\) failed \\(111'")
            }
        }
        var examples = LogQuery.defaultExamples
        if let node = fields["examples"], let count = reader.int(node, "'examples'") {
            if (0...LogQuery.maximumExamples).contains(count) {
                examples = count
            } else {
                reader.error("'examples' must be between 0 and \(LogQuery.maximumExamples)", at: node)
            }
        }
        var captures: [LogCapture] = []
        if let node = fields["capture"] {
            let items: [YAMLNode]
            if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
            captures = items.compactMap { logCapture($0, classes: classes.map(\.name)) }
        }
        var server: Template?
        if let node = fields["server"] { server = reader.template(node, "the log server") }
        var zone: Template?
        if let node = fields["zone"] { zone = reader.template(node, "the log zone") }
        return LogProbeSpec(file: file, since: since, classes: classes, examples: examples, captures: captures, server: server, zone: zone)
    }

    /// One entry of a log probe's `capture`: `from` (a class or a list of them), `pattern` (with
    /// named groups, checked by the validator once compiled) and `keep`.
    private func logCapture(_ node: YAMLNode, classes: [String]) -> LogCapture? {
        guard let fields = reader.fields(node, allowed: ["from", "pattern", "keep"], in: "a log capture"),
            let fromNode = fields.required("from"), let patternNode = fields.required("pattern"),
            let pattern = reader.regex(patternNode, "the pattern of a log capture")
        else { return nil }
        let fromNodes: [YAMLNode]
        if case .sequence(let items) = fromNode {
            guard !items.isEmpty else {
                reader.error(
                    "'from' is an empty list, so the capture would read no line", at: fromNode,
                    hint: "name classes of the probe: [\(classes.prefix(2).joined(separator: ", "))]")
                return nil
            }
            fromNodes = Array(items)
        } else {
            fromNodes = [fromNode]
        }
        var from: [String] = []
        var known = true
        for item in fromNodes {
            guard let name = reader.string(item, "a class in 'from'") else {
                known = false
                continue
            }
            if from.contains(name) {
                reader.error("'from' names class '\(name)' twice", at: item)
            } else if name == LogQuery.unclassified {
                reader.error("a log capture cannot read the unclassified lines", at: item, hint: "add a class for the lines to capture from")
            } else if !classes.contains(name) {
                let hint =
                    Spelling.suggestion(for: name, among: classes).map { "did you mean '\($0)'?" }
                    ?? "the probe's classes are \(classes.joined(separator: ", "))"
                reader.error("a log capture reads class '\(name)', which the probe does not define", at: item, hint: hint)
            } else {
                from.append(name)
                continue
            }
            known = false
        }
        var keep = LogCapture.defaultKeep
        if let node = fields["keep"], let count = reader.int(node, "'keep'") {
            if (1...LogCapture.maximumKeep).contains(count) {
                keep = count
            } else {
                reader.error("'keep' must be between 1 and \(LogCapture.maximumKeep)", at: node)
            }
        }
        return known ? LogCapture(classes: from, pattern: pattern, keep: keep) : nil
    }

    /// A YAML value as a JSON template. Plain scalars are typed as YAML 1.2's core schema types
    /// them (null, booleans, integers in decimal, octal `0o` or hex `0x`, floats), each number sent
    /// as JSON writes it (`010` is 10, `0x1F` 31, `.5` 0.5); everything else is a string template.
    func json(_ node: YAMLNode) -> JSONTemplate {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            if scalar.style == .plain {
                switch text {
                case "", "~", "null", "Null", "NULL": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default:
                    if let number = Self.jsonNumber(text) { return .number(number) }
                    if Self.isInfinityOrNaN(text) {
                        reader.error(
                            "'\(text)' is a YAML number that JSON cannot hold", at: node,
                            hint: "put it in quotes to send it as text")
                        return .null
                    }
                }
            }
            return .string(Template(text, at: reader.location(node)))
        case .sequence(let items):
            return .array(items.map(json))
        case .mapping(let mapping):
            var members: [JSONTemplateMember] = []
            for (key, value) in mapping {
                guard let name = reader.string(key, "a JSON key") else { continue }
                members.append(JSONTemplateMember(key: name, value: json(value)))
            }
            return .object(members)
        }
    }

    /// The JSON text of a plain scalar that YAML 1.2's core schema reads as an integer or a
    /// float, or nil when it reads it as something else.
    static func jsonNumber(_ text: String) -> String? {
        var rest = Substring(text)
        var sign = ""
        if let first = rest.first, first == "-" || first == "+" {
            if first == "-" { sign = "-" }
            rest = rest.dropFirst()
        }
        let isDigit = { (c: Character) in c.isASCII && c.isNumber }
        if sign.isEmpty, text.first != "+", rest.hasPrefix("0x") || rest.hasPrefix("0o") {
            let digits = rest.dropFirst(2)
            guard !digits.isEmpty, let value = UInt64(digits, radix: rest.hasPrefix("0x") ? 16 : 8) else { return nil }
            return String(value)
        }
        let whole = rest.prefix(while: isDigit)
        rest = rest.dropFirst(whole.count)
        var fraction: Substring?
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: isDigit)
            rest = rest.dropFirst(fraction?.count ?? 0)
        }
        guard !whole.isEmpty || !(fraction ?? "").isEmpty else { return nil }
        var exponent = ""
        if let e = rest.first, e == "e" || e == "E" {
            var digits = rest.dropFirst()
            if let s = digits.first, s == "-" || s == "+" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
            exponent = String(rest)
            rest = ""
        }
        guard rest.isEmpty else { return nil }
        let integer = whole.drop { $0 == "0" }
        var number = sign + (integer.isEmpty ? "0" : String(integer))
        if let fraction { number += "." + (fraction.isEmpty ? "0" : fraction) }
        return number + exponent
    }

    /// `.inf`, `-.Inf`, `.NaN` and the other forms of YAML 1.2's infinities and NaN.
    static func isInfinityOrNaN(_ text: String) -> Bool {
        let unsigned = text.first == "-" || text.first == "+" ? String(text.dropFirst()) : text
        if [".inf", ".Inf", ".INF"].contains(unsigned) { return true }
        return [".nan", ".NaN", ".NAN"].contains(text)
    }
}
