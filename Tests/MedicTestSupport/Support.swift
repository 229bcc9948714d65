import Foundation
import MedicCore
import MedicLoader

/// Helpers shared by Medic's test targets.
public enum TestSupport {
    /// The repository's root folder, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Whether snapshot files should be written anew instead of compared.
    public static var recordingSnapshots: Bool { ProcessInfo.processInfo.environment["MEDIC_RECORD_SNAPSHOTS"] == "1" }

    /// Parses `yaml` as a runbook at `path`; fails the caller with the diagnostics if invalid.
    public static func runbook(_ yaml: String, path: String = "test.yaml") throws -> Runbook {
        let loaded = RunbookLoader().parse(yaml, path: path)
        guard let runbook = loaded.runbook, !loaded.diagnostics.hasErrors else {
            throw TestFailure(loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let problems = Validator().validate(runbook, in: nil).filter { $0.severity == .error }
        if !problems.isEmpty { throw TestFailure(problems.map(\.description).joined(separator: "\n")) }
        return runbook
    }

    /// Parses `yaml` as a runbook at `path` without validating it alone: a runbook that reads a
    /// called runbook's outputs is valid only in a bundle with it.
    public static func parsed(_ yaml: String, path: String) throws -> Runbook {
        let loaded = RunbookLoader().parse(yaml, path: path)
        guard let runbook = loaded.runbook, !loaded.diagnostics.hasErrors else {
            throw TestFailure(loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return runbook
    }

    /// The errors, as printed (`file:line:col: error: …`), of parsing `yaml` at `path` and, when it
    /// parses, validating it alone: what `medic validate` would refuse it for.
    public static func errors(_ yaml: String, path: String = "test.yaml") -> [String] {
        let loaded = RunbookLoader().parse(yaml, path: path)
        var found = loaded.diagnostics
        if let runbook = loaded.runbook { found += Validator().validate(bundle(runbook)) }
        return found.filter { $0.severity == .error }.map(\.description)
    }

    /// A bundle of `root` and the runbooks it calls.
    public static func bundle(_ root: Runbook, calling others: [Runbook] = []) -> RunbookBundle {
        RunbookBundle(root: root, runbooks: Dictionary(uniqueKeysWithValues: others.map { ($0.path, $0) }))
    }

    /// A fresh temporary folder.
    public static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "medic-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A failure with a message, for helpers that cannot use `#expect`.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A driver for walks in tests: answers effects from a script of results and replies.
public struct ScriptedDriver {
    public var results: [String: [StepResult]]
    public var replies: [String: [WalkEvent]]
    public private(set) var ran: [Invocation] = []
    public private(set) var effects: [WalkEffect] = []

    public init(results: [String: [StepResult]] = [:], replies: [String: [WalkEvent]] = [:]) {
        self.results = results
        self.replies = replies
    }

    /// Drives `walk` until it ends or waits for something the script does not say.
    public mutating func drive(_ walk: inout Walk, from initial: [WalkEffect]) {
        var queue = initial
        var steps = 0
        while !queue.isEmpty, steps < 1000 {
            steps += 1
            let effect = queue.removeFirst()
            effects.append(effect)
            switch effect {
            case .run(let invocation):
                ran.append(invocation)
                guard var list = results[invocation.stepID], !list.isEmpty else { return }
                let result = list.count > 1 ? list.removeFirst() : list[0]
                results[invocation.stepID] = list
                queue += walk.handle(.finished(result))
            case .confirm(let invocation, _):
                guard let event = nextReply(invocation.stepID) else { return }
                queue += walk.handle(event)
            case .ask(let question):
                guard let event = nextReply(question.stepID) else { return }
                queue += walk.handle(event)
            case .stalled(let stepID, _):
                guard let event = nextReply(stepID) else { return }
                queue += walk.handle(event)
            default:
                break
            }
        }
    }

    private mutating func nextReply(_ stepID: String) -> WalkEvent? {
        guard var list = replies[stepID], !list.isEmpty else { return nil }
        let event = list.removeFirst()
        replies[stepID] = list
        return event
    }

    /// The `because` texts of the branches taken.
    public var reasons: [String] { effects.compactMap { if case .branched(let b) = $0 { b.because } else { nil } } }

    /// The ending, if the walk ended.
    public var ending: WalkEnding? { effects.lazy.compactMap { if case .ended(let e) = $0 { e } else { nil } }.first }
}
