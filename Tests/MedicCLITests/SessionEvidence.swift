import Foundation
import MedicTestSupport

/// What a `medic run` left in its session directory, read back for the end-to-end tests.
struct SessionEvidence {
    /// One record of transcript.jsonl.
    struct Event {
        let fields: [String: Any]
        var event: String { string("event") ?? "" }
        var stepID: String { string("step_id") ?? "" }
        func string(_ key: String) -> String? { fields[key] as? String }
        func int(_ key: String) -> Int? { (fields[key] as? NSNumber)?.intValue }
        func bool(_ key: String) -> Bool? { (fields[key] as? NSNumber)?.boolValue }
    }

    let directory: String
    let events: [Event]

    init(directory: String) throws {
        self.directory = directory
        let journal = try String(contentsOfFile: directory + "/transcript.jsonl", encoding: .utf8)
        events = try journal.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object in the journal: \(line)")
            }
            return Event(fields: object)
        }
    }

    var start: Event? { events.first { $0.event == "start" } }
    var end: Event? { events.last.flatMap { $0.event == "end" ? $0 : nil } }
    /// Every step entered, in order (qualified ids).
    var path: [String] { events.filter { $0.event == "step" }.map(\.stepID) }
    /// The `run` events of actions, in order.
    var actionRuns: [Event] { events.filter { $0.event == "run" && $0.string("kind") == "action" } }

    /// The HTTP status of the last run of the step whose qualified id ends with `suffix`.
    func httpStatus(ofStepEndingWith suffix: String) -> Int? {
        events.last { $0.event == "result" && $0.stepID.hasSuffix(suffix) }?.int("http_status")
    }

    /// The value a step captured or counted, last one recorded.
    func captured(_ name: String) -> String? {
        for event in events.reversed() where event.event == "captured" {
            for value in event.fields["values"] as? [[String: Any]] ?? [] where value["name"] as? String == name {
                return value["value"] as? String
            }
        }
        return nil
    }

    /// Problems with the order of confirmations: every action's `run` must come after a
    /// `confirm` of the same step that approved it and that no earlier run used up, by
    /// `approver` (`--yes`, or the operator's user@host at a terminal).
    func confirmationProblems(approver: String) -> [String] {
        var problems: [String] = []
        var approved: Set<String> = []
        for event in events {
            if event.event == "confirm" {
                if event.bool("approved") == true {
                    approved.insert(event.stepID)
                    if event.string("by") != approver {
                        problems.append("\(event.stepID) was approved by \(event.string("by") ?? "nobody"), not \(approver)")
                    }
                    if approver != "--yes", event.string("reply") != event.string("expected") {
                        problems.append(
                            "\(event.stepID) was approved with the reply \(event.string("reply") ?? "") instead of \(event.string("expected") ?? "")")
                    }
                } else {
                    approved.remove(event.stepID)
                }
            }
            if event.event == "run", event.string("kind") == "action" {
                if approved.remove(event.stepID) == nil {
                    problems.append("the action \(event.stepID) ran without an approved confirmation before it")
                }
            }
        }
        return problems
    }

    /// Every file of the session directory, by path relative to it, with its bytes.
    func files() throws -> [(name: String, bytes: Data)] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: directory) else { throw TestFailure("cannot list \(directory)") }
        var files: [(String, Data)] = []
        for case let name as String in walker {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append((name, try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
            }
        }
        return files
    }

    /// The forms a leaked secret could take: raw, base64 (at each of the three alignments it
    /// can have inside a longer base64 text, without the edge characters that depend on its
    /// neighbours), percent-encoded and JSON-escaped.
    static func forms(of secret: String) -> [String: String] {
        var forms = ["raw": secret]
        let bytes = Data(secret.utf8)
        forms["base64"] = bytes.base64EncodedString()
        for offset in 0...2 {
            let shifted = Data(repeating: 0, count: offset) + bytes
            let encoded = Array(shifted.base64EncodedString().trimmingCharacters(in: ["="]))
            // Skip the characters that also encode the bytes before it, and the last group,
            // which depends on the bytes after it.
            let core = String(encoded.dropFirst(offset == 0 ? 0 : offset + 1).dropLast(4))
            if core.count >= 8 { forms["base64 at offset \(offset)"] = core }
        }
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        forms["percent-encoded"] = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? secret
        forms["percent-encoded, every symbol"] = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
        // JSON as RFC 8259 escapes it (Medic's writer), and with "/" escaped too (Foundation's).
        let json = secret.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            case _ where scalar.value < 0x20: return String(format: "\\u%04x", scalar.value)
            default: return String(scalar)
            }
        }.joined()
        forms["JSON-escaped"] = json
        forms["JSON-escaped with \\/"] = json.replacingOccurrences(of: "/", with: "\\/")
        return forms
    }

    /// Where `secret` shows in `text`, in any of its forms: "raw", "base64 at offset 1"…
    static func leaks(of secret: String, in text: String) -> [String] {
        forms(of: secret).filter { text.contains($0.value) }.map(\.key).sorted()
    }

    /// The files of the session directory holding `secret` in any form, with the forms found.
    func leaks(of secret: String) throws -> [String] {
        try files().flatMap { file in
            Self.leaks(of: secret, in: String(decoding: file.bytes, as: UTF8.self)).map { "\(file.name): \($0)" }
        }
    }
}
