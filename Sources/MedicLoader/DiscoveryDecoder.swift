import MedicCore

/// Decodes an input's `discover:` and `refuse_if:`.
struct DiscoveryDecoder {
    let reader: NodeReader
    /// The file's snippets, which a discovery's script may `uses` as a step's does.
    var snippets = ReuseDecoder.Snippets()

    static let discoverKeys = ["why", "command", "script", "uses", "capture", "timeout", "many", "separator", "writable_fs", "where"]
    static let ruleTests = ["equals", "contains", "among", "not_among", "address_among", "matches"]

    /// The check that finds the input's value: one of `command` or `script`, and captures with a
    /// group named `value`.
    func discovery(_ node: YAMLNode, input name: String) -> Discovery? {
        let context = "the discovery of '\(name)'"
        guard let fields = reader.fields(node, allowed: Self.discoverKeys, in: context) else { return nil }
        let ways = ["command", "script"].filter(fields.has)
        var execution: Execution?
        if ways.isEmpty {
            reader.error("\(context) needs 'command' or 'script'", at: node, hint: "discovery runs a read-only check and searches its output")
        } else if ways.count > 1, let second = fields.keyNode(ways[1]) {
            reader.error("\(context) has both 'command' and 'script'; it runs exactly one thing", at: second)
        }
        if let command = fields["command"] {
            if case .sequence(let items) = command, !items.isEmpty {
                let argv = items.compactMap { reader.template($0, "a command element") }
                if argv.count == items.count { execution = .command(argv) }
            } else {
                reader.error(
                    "'command' must be a non-empty list of arguments", at: command,
                    hint: "write [\"nginx\", \"-T\"], or use 'script' when you need a shell")
            }
        } else if let script = fields["script"], let text = reader.string(script, "'script'") {
            execution = .script(text, location: reader.scriptLocation(script))
        }
        // The same expansion as a step's: what runs, and what the read-only proof reads, is the whole text.
        var snippetWritable: String?
        if let node = fields["uses"] {
            let reuse = ReuseDecoder(reader: reader)
            let prefix = reuse.text(of: reuse.uses(node), in: snippets)
            snippetWritable = prefix.writableFileSystem
            if case .script(let text, let location) = execution {
                execution = .script(prefix.text + text, location: location.after(prefix.pieces))
            } else if fields.has("command") {
                reader.error("'uses' puts shell snippets before a script, and \(context) runs a command, not a script", at: node)
            }
        }
        var captures: [RegexPattern] = []
        if let capture = fields.required("capture") {
            if case .sequence(let items) = capture {
                captures = items.compactMap { reader.regex($0, "a capture") }
                if items.isEmpty { reader.error("\(context) needs at least one capture regex", at: capture) }
            } else {
                captures = reader.regex(capture, "a capture").map { [$0] } ?? []
            }
        }
        var timeout = Discovery.defaultTimeout
        if let node = fields["timeout"], let span = reader.duration(node, "the discovery's timeout") {
            if span > Discovery.timeoutCap {
                reader.error(
                    "a discovery's timeout is at most 1m", at: node, hint: "everything is discovered before step 1, while the operator waits")
            }
            timeout = span
        }
        let many = fields["many"].flatMap { reader.bool($0, "'many'") } ?? false
        var separator = ","
        if let node = fields["separator"] {
            if !many { reader.error("'separator' joins the candidates of a 'many: true' discovery, and this one has no 'many'", at: node) }
            if case .scalar(let scalar) = node, !scalar.string.isEmpty {
                separator = scalar.string
            } else {
                reader.error("'separator' must be a non-empty text", at: node)
            }
        }
        let why = fields["why"].flatMap { reader.string($0, "'why'") }
        // Like a check's: the author's reason to run outside the read-only mount namespace, else
        // that of a snippet it uses.
        var writable: String? = snippetWritable
        if let node = fields["writable_fs"] {
            writable = reader.authorsReason(node, key: "writable_fs", of: context, mustSay: "what the discovery writes outside its scratch folder")
        }
        // Where it runs: this machine, or one other host over ssh; never a host set.
        var placement = Placement.local
        if let node = fields["where"], let decoded = HostDecoder(reader: reader).placement(node) {
            if decoded.isHostSet {
                reader.error(
                    "\(context) runs on one host: 'where' takes 'local' or {host: HOST}, not a host set", at: node,
                    hint: "an input has one value to find; name the host, as in {host: \"${nginx_host}\"}")
            } else {
                placement = decoded
            }
        }
        guard let execution else { return nil }
        var discovery = Discovery(
            execution: execution, captures: captures, why: why, timeout: timeout, many: many, separator: separator, location: reader.location(node))
        discovery.writableFileSystem = writable
        discovery.placement = placement
        return discovery
    }

    /// The rules of `refuse_if:`: each one test and a `because`.
    func refusals(_ node: YAMLNode, input name: String) -> [RefusalRule] {
        guard case .sequence(let items) = node else {
            reader.error("'refuse_if' must be a list of rules, each with one test and a 'because'", at: node)
            return []
        }
        var rules: [RefusalRule] = []
        for item in items {
            let context = "a 'refuse_if' rule of '\(name)'"
            guard let fields = reader.fields(item, allowed: Self.ruleTests + ["because"], in: context) else { continue }
            let tests = Self.ruleTests.filter(fields.has)
            if tests.isEmpty {
                reader.error("\(context) needs one test", at: item, hint: "one of \(Self.ruleTests.joined(separator: ", "))")
            } else if tests.count > 1, let second = fields.keyNode(tests[1]) {
                reader.error("\(context) has both '\(tests[0])' and '\(tests[1])'; write two rules", at: second)
            }
            guard let because = fields.required("because").flatMap({ reader.template($0, "'because'") }) else { continue }
            var test: RefusalRule.Test?
            if let node = fields["equals"] { test = reader.template(node, "'equals'").map(RefusalRule.Test.equals) }
            if let node = fields["contains"] { test = reader.template(node, "'contains'").map(RefusalRule.Test.contains) }
            if let node = fields["among"] { test = reader.template(node, "'among'").map(RefusalRule.Test.among) }
            if let node = fields["not_among"] { test = reader.template(node, "'not_among'").map(RefusalRule.Test.notAmong) }
            if let node = fields["address_among"] {
                test = reader.template(node, "'address_among'").map(RefusalRule.Test.addressAmong)
            }
            if let node = fields["matches"] { test = reader.regex(node, "'matches'").map(RefusalRule.Test.matches) }
            if let test { rules.append(RefusalRule(test: test, because: because, location: reader.location(item))) }
        }
        return rules
    }
}
