import Foundation
import MedicCore

/// A console that answers prompts from a script and remembers everything shown.
public final class ScriptedConsole: Console {
    public var isInteractive: Bool
    /// Replies to prompts, in order; when they run out, input has ended.
    public var replies: [ConsoleReply]
    /// Secrets to give when asked.
    public var secrets: [String]
    public private(set) var shown: [(text: String, style: ScreenStyle)] = []
    public private(set) var prompts: [(prompt: String, fresh: Bool)] = []
    public private(set) var remembered: [String] = []
    /// The completions offered at each prompt, in order.
    public private(set) var completionsOffered: [[String]] = []
    /// The screen's width; nil: nothing is wrapped.
    public var width: Int?

    public init(interactive: Bool = true, replies: [ConsoleReply] = [], secrets: [String] = []) {
        isInteractive = interactive
        self.replies = replies
        self.secrets = secrets
    }

    public func show(_ text: String, _ style: ScreenStyle) { shown.append((text, style)) }

    public func readLine(prompt: String, completions: [String], fresh: Bool) -> ConsoleReply {
        prompts.append((prompt, fresh))
        completionsOffered.append(completions)
        guard !replies.isEmpty else { return .endOfInput }
        let reply = replies.removeFirst()
        if case .line(let line) = reply { shown.append((prompt + line, .plain)) }
        return reply
    }

    public func readSecret(prompt: String) -> String? {
        prompts.append((prompt, false))
        return secrets.isEmpty ? nil : secrets.removeFirst()
    }

    public func remember(_ line: String) { remembered.append(line) }

    /// The typed lines the session had recorded, as it kept them, after their prompts.
    public private(set) var recordedTyped: [String] = []

    public func recordTyped(_ kept: String, after prompt: String) { recordedTyped.append(prompt + kept) }

    /// Everything shown, as one text.
    public var screen: String { shown.map(\.text).joined(separator: "\n") }
}

/// A runner that answers from a table of results per step id and streams their output in
/// small chunks, so that chunk boundaries are exercised.
public final class FakeRunner: StepRunner {
    public var results: [String: [StepResult]]
    public private(set) var ran: [Invocation] = []
    public var chunkSize: Int

    public init(results: [String: [StepResult]] = [:], chunkSize: Int = 3) {
        self.results = results
        self.chunkSize = chunkSize
    }

    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        ran.append(invocation)
        guard var list = results[invocation.stepID], !list.isEmpty else {
            return StepResult(exitStatus: nil, failureReason: "no scripted result for \(invocation.stepID)")
        }
        let result = list.count > 1 ? list.removeFirst() : list[0]
        results[invocation.stepID] = list
        let bytes = Array(result.output.utf8)
        var index = 0
        while index < bytes.count {
            output(bytes[index..<min(bytes.count, index + chunkSize)])
            index += chunkSize
        }
        return result
    }

    /// The step ids run, in order.
    public var ranIDs: [String] { ran.map(\.stepID) }
}

/// A recorder that keeps events in memory, and can be told to fail after some events.
public final class MemoryRecorder: Recorder {
    public private(set) var events: [TranscriptEvent] = []
    public private(set) var outputs: [String: [UInt8]] = [:]
    /// The number of events recorded before every further record fails (disk full).
    public var failAfter: Int?

    public init(failAfter: Int? = nil) { self.failAfter = failAfter }

    /// Stamps the n-th event (from 0) `2026-11-21T03:12:00.000Z` plus n seconds.
    @discardableResult public func record(_ event: TranscriptEvent) throws -> String {
        if let failAfter, events.count >= failAfter { throw TestFailure("No space left on device") }
        events.append(event)
        let seconds = events.count - 1
        let minute = 12 + seconds / 60
        let second = seconds % 60
        return "2026-11-21T03:\(minute < 10 ? "0" : "")\(minute):\(second < 10 ? "0" : "")\(second).000Z"
    }

    public func openOutput(stepID: String) throws -> any OutputStore {
        MemoryStore(stepID: stepID, recorder: self)
    }

    func append(_ bytes: ArraySlice<UInt8>, to stepID: String) { outputs[stepID, default: []] += bytes }

    /// Every text recorded anywhere (events and outputs), for leak checks.
    public var everything: String {
        events.map { "\($0)" }.joined(separator: "\n") + outputs.values.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    /// The confirmation records.
    public var confirmations: [ConfirmRecord] { events.compactMap { if case .confirm(let c) = $0 { c } else { nil } } }

    /// The end record.
    public var end: SessionEnd? { events.lazy.compactMap { if case .end(let e) = $0 { e } else { nil } }.first }
}

final class MemoryStore: OutputStore {
    let stepID: String
    let recorder: MemoryRecorder
    init(stepID: String, recorder: MemoryRecorder) {
        self.stepID = stepID
        self.recorder = recorder
    }
    func write(_ bytes: ArraySlice<UInt8>) throws { recorder.append(bytes, to: stepID) }
    func close() throws -> String { "output/\(stepID).log" }
}

/// The confirmations of unverified checks, kept in memory.
public final class MemoryVouchLedger: VouchLedger, @unchecked Sendable {
    // Tests drive one session at a time on one thread; the lock keeps the double honest anyway.
    private let lock = NSLock()
    private var confirmed: Set<String> = []

    public init() {}

    public func isConfirmed(stepID: String, digest: String) -> Bool {
        lock.withLock { confirmed.contains(digest + " " + stepID) }
    }

    public func remember(stepID: String, digest: String) throws {
        lock.withLock { _ = confirmed.insert(digest + " " + stepID) }
    }
}
