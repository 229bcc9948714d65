import MedicCore

/// Builds one JSON object as text, by hand: the journal's field order is part of its format, and
/// the core has no Foundation encoder.
///
/// Every string value goes through `masking` before it is escaped, so a secret is masked in the
/// form it has in memory, not only in the escaped form it takes on the line.
struct JSONWriter {
    private(set) var text = "{"
    private var empty = true
    let masking: Masking?

    init(masking: Masking?) {
        self.masking = masking
    }

    /// The finished object.
    var object: String { text + "}" }

    private mutating func key(_ name: String) {
        if !empty { text += "," }
        empty = false
        text += "\""
        text += name
        text += "\":"
    }

    mutating func add(_ name: String, _ value: String?) {
        key(name)
        guard let value else { return text += "null" }
        text += JSONWriter.quoted(masking?.apply(value) ?? value)
    }

    /// Adds one of Medic's own words (an event's name, a time, a step's kind, a fate), as it is:
    /// never the operator's or a runbook's data, so no secret's value is in it, and masking it
    /// would corrupt the record (a secret `e` would turn the kind `check` into `ch••••ck`).
    mutating func add(_ name: String, own value: String?) {
        key(name)
        text += value.map(JSONWriter.quoted) ?? "null"
    }

    /// The values Medic itself puts in a decision's `reply` and `by`, written as they are (see
    /// `add(_:own:)`) so the report can tell `--yes` from a person whatever a secret's value is.
    static let decisionWords: Set<String> = ["--yes", "--answer", "dry run", "no terminal", "end of input", "Ctrl-C"]

    /// The outcomes Medic writes in an `end` record.
    static let outcomeWords = Set(Outcome.allCases.map(\.rawValue) + ["aborted", SessionEnd.needsPerson])

    /// Adds a decision's `reply` or `by`: Medic's own word as it is, anything else masked.
    mutating func add(_ name: String, decision value: String?) {
        add(name, value, ownIfAmong: JSONWriter.decisionWords)
    }

    /// Adds `value` as it is when it is one of Medic's own `words`, masked otherwise.
    mutating func add(_ name: String, _ value: String?, ownIfAmong words: Set<String>) {
        if let value, words.contains(value) { add(name, own: value) } else { add(name, value) }
    }

    mutating func add(_ name: String, _ value: Int?) {
        key(name)
        text += value.map { String($0) } ?? "null"
    }

    mutating func add(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    /// The options a start record's `flags` name, Medic's own words (`Launch.walk`).
    static let flagNames: Set<String> = ["--yes", "--dry-run", "--answer", "--resumed-from"]

    /// Adds a start record's `flags`: each option's name as it is, what follows its `=` masked,
    /// so a secret `e` leaves `--yes` readable, and `resume` still knows a link to the run it
    /// continues when part of that path is masked. Anything else, and a flag in which a secret
    /// spans the `=`, is masked whole.
    mutating func add(_ name: String, flags: [String]) {
        key(name)
        let written = flags.map { flag -> String in
            let option = flag.firstIndex(of: "=").map { String(flag[..<$0]) } ?? flag
            guard JSONWriter.flagNames.contains(option) else { return JSONWriter.quoted(masking?.apply(flag) ?? flag) }
            let value = flag.dropFirst(option.count)
            let written = option + (value.isEmpty ? "" : "=" + (masking?.apply(String(value.dropFirst())) ?? String(value.dropFirst())))
            // A secret that spans the name and the value (`m=../on`) is in neither alone: then the
            // whole flag is masked.
            guard let masking, masking.apply(written) != masking.apply(option) + masking.apply(String(written.dropFirst(option.count)))
            else { return JSONWriter.quoted(written) }
            return JSONWriter.quoted(masking.apply(flag))
        }
        text += "[" + written.joined(separator: ",") + "]"
    }

    mutating func add(_ name: String, strings: [String]) {
        key(name)
        text += "[" + strings.map { JSONWriter.quoted(masking?.apply($0) ?? $0) }.joined(separator: ",") + "]"
    }

    /// An array of objects, each built by `build` from a fresh writer with the same masking.
    mutating func add<Item>(_ name: String, objects items: [Item], _ build: (inout JSONWriter, Item) -> Void) {
        key(name)
        text += "["
        for (index, item) in items.enumerated() {
            var writer = JSONWriter(masking: masking)
            build(&writer, item)
            if index > 0 { text += "," }
            text += writer.object
        }
        text += "]"
    }

    /// Adds `raw` as the value, unescaped: it must already be JSON.
    mutating func add(_ name: String, json raw: String) {
        key(name)
        text += raw
    }

    /// `value` as a quoted JSON string (`Masking.jsonEscaped`: RFC 8259 escapes, and U+2028 and
    /// U+2029 so the line is also a valid JavaScript literal). Swift strings are valid Unicode, so
    /// no lone surrogate can reach the output.
    static func quoted(_ value: String) -> String {
        "\"" + Masking.jsonEscaped(value) + "\""
    }
}
