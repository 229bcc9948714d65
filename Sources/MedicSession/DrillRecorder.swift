import MedicCore

/// The recorder of a drill: nothing of a practice run is an incident record, so events stay
/// in memory for the closing comparison and outputs are not kept.
public final class DrillRecorder: Recorder {
    /// The events of the drill, in order.
    public private(set) var events: [TranscriptEvent] = []

    /// Creates an empty recorder.
    public init() {}

    public func record(_ event: TranscriptEvent) throws { events.append(event) }

    public func openOutput(stepID: String) throws -> any OutputStore { DiscardedOutput() }

    /// How many actions the trainee approved and declined.
    public var confirmations: (approved: Int, declined: Int) {
        var approved = 0
        var declined = 0
        for case .confirm(let record) in events {
            if record.approved { approved += 1 } else { declined += 1 }
        }
        return (approved, declined)
    }
}

/// Output of a drill step: already on screen and in memory; not written anywhere.
final class DiscardedOutput: OutputStore {
    func write(_ bytes: ArraySlice<UInt8>) throws {}
    func close() throws -> String { "" }
}
