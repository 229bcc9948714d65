import Foundation
import MedicCore
import MedicTestSupport
import MedicTranscript

/// What a `medic run` left in its session directory, read back for the end-to-end tests.
struct SessionEvidence {
    let directory: String
    /// Every record of transcript.jsonl, typed by Medic's own reader (which the transcript tests
    /// hold to the writer); a journal with any problem is refused.
    let events: [TranscriptEvent]

    init(directory: String) throws {
        self.directory = directory
        let read = JournalReader.read(path: directory + "/transcript.jsonl")
        guard read.problems.isEmpty else { throw TestFailure("the journal in \(directory) has problems: \(read.problems)") }
        events = try read.entries.map { entry in
            guard let event = entry.event else { throw TestFailure("a record was withheld: \(entry.text)") }
            return event
        }
    }

    var start: SessionStart? { events.lazy.compactMap { if case .start(let start) = $0 { start } else { nil } }.first }
    /// The end record, when it is the last record.
    var end: SessionEnd? { if case .end(let end)? = events.last { end } else { nil } }
    /// Every step entered, in order (qualified ids).
    var path: [String] { events.compactMap { if case .step(let visit) = $0 { visit.stepID } else { nil } } }
    /// The `run` records of actions, in order.
    var actionRuns: [RunRecord] { events.compactMap { if case .run(let run) = $0, run.kind == .action { run } else { nil } } }
    /// The `result` records, in order.
    var results: [ResultRecord] { events.compactMap { if case .result(let result) = $0 { result } else { nil } } }
    /// Every branch taken, in order: from which step, and the reason given for it.
    var branches: [BranchTaken] { events.compactMap { if case .branch(let branch) = $0 { branch } else { nil } } }
    /// The `run` records of checks, in order (what each asked: `GET URL via unix:PATH`).
    var checkRuns: [RunRecord] { events.compactMap { if case .run(let run) = $0, run.kind == .check { run } else { nil } } }
    /// The `confirm` records, in order.
    var confirmations: [ConfirmRecord] { events.compactMap { if case .confirm(let confirm) = $0 { confirm } else { nil } } }

    /// The HTTP status of the last run of the step whose qualified id ends with `suffix`.
    func httpStatus(ofStepEndingWith suffix: String) -> Int? {
        results.last { $0.stepID.hasSuffix(suffix) }?.httpStatus
    }

    /// The value a step captured or counted, last one recorded.
    /// The reason printed for the branch taken at `stepID` (its `because`, values filled in).
    func because(at stepID: String) -> String? {
        for case .branch(let branch) in events.reversed() where branch.from == stepID { return branch.because }
        return nil
    }

    /// The whole output of the last run of `stepID` (`output/NNN-STEP.log`, "/" written "_").
    func output(of stepID: String) -> String? {
        let suffix = "-" + stepID.replacingOccurrences(of: "/", with: "_") + ".log"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/output")) ?? []
        guard let name = names.filter({ $0.hasSuffix(suffix) }).sorted().last else { return nil }
        return try? String(contentsOfFile: directory + "/output/" + name, encoding: .utf8)
    }

    func captured(_ name: String) -> String? {
        for case .captured(_, let values) in events.reversed() {
            if let value = values.first(where: { $0.name == name }) { return value.value }
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
            switch event {
            case .confirm(let confirm) where confirm.approved:
                approved.insert(confirm.stepID)
                if confirm.by != approver {
                    problems.append("\(confirm.stepID) was approved by \(confirm.by), not \(approver)")
                }
                if approver != "--yes", confirm.reply != confirm.expected {
                    problems.append("\(confirm.stepID) was approved with the reply \(confirm.reply) instead of \(confirm.expected)")
                }
            case .confirm(let confirm):
                approved.remove(confirm.stepID)
            case .run(let run) where run.kind == .action:
                if approved.remove(run.stepID) == nil {
                    problems.append("the action \(run.stepID) ran without an approved confirmation before it")
                }
            default:
                break
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

extension SessionEvidence {
    /// Cuts the journal in `directory` back to the record where step `id` was first entered, as
    /// if Medic had died right after writing it.
    static func cut(_ directory: String, atStep id: String) throws {
        let entries = JournalReader.read(path: directory + "/transcript.jsonl").entries
        guard let entered = entries.firstIndex(where: { if case .step(let visit)? = $0.event { visit.stepID == id } else { false } }) else {
            throw TestFailure("step \(id) was never entered in \(directory)")
        }
        let text = entries[...entered].map { $0.text + "\n" }.joined()
        try text.write(toFile: directory + "/transcript.jsonl", atomically: true, encoding: .utf8)
    }
}
