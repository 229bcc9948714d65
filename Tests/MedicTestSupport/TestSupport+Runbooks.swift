import Foundation
import MedicCore
import MedicLoader

extension TestSupport {
    /// The end of a test runbook's text, after its last step under `steps:`: the conclusion `end`
    /// (`no-fault`, with `summary` when one is given) and the cause `none` it names. Interpolate it
    /// on a line of its own at the text's left margin: `- otherwise: end` then `\(TestSupport.runbookEnding())`.
    public static func runbookEnding(summary: String? = nil) -> String {
        """
          end:
            kind: conclusion
            title: e
            why: w
            outcome: no-fault
            cause: none
        \(summary.map { "    summary: \($0)\n" } ?? "")
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }
}

extension TestSupport {
    /// The runbook `caller`, whose one step `call` calls `target` (its `runbook:` on line 9) and
    /// then ends.
    public static func callerRunbook(calling target: String) -> String {
        """
        medic: 1
        id: caller
        title: Caller
        steps:
          call:
            kind: runbook
            title: Call
            why: w
            runbook: \(target)
            branches:
              - otherwise: end
        \(runbookEnding())
        """
    }

    /// Writes the runbook `text` to `folder/name` and returns the file's path.
    @discardableResult
    public static func writeRunbook(_ text: String, named name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The errors `medic validate` reports (`RunbookLoader.check`) for the runbook `text` written
    /// to a file `name` in a folder of its own, removed afterwards.
    public static func validationErrors(of text: String, named name: String) throws -> [Diagnostic] {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try writeRunbook(text, named: name, in: folder)
        return RunbookLoader().check([path]).filter { $0.severity == .error }
    }

    /// Where the first of `errors` that refuses check `step` as not provably read-only points, as
    /// `line:column`.
    public static func readOnlyRefusalPlace(of step: String, in errors: [Diagnostic]) -> String? {
        errors.first { $0.message.hasPrefix("check '\(step)' must be provably read-only") }.map(\.location.lineAndColumn)
    }
}

extension SourceLocation {
    /// `line:column`, as a test compares it.
    public var lineAndColumn: String { "\(line):\(column)" }
}
