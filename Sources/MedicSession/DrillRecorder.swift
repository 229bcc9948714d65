import MedicCore

/// The recorder of a drill: nothing of a practice run is an incident record, so events stay
/// in memory for the closing comparison and outputs are not kept.
public final class DrillRecorder: Recorder {
    /// The events of the drill, in order.
    public private(set) var events: [TranscriptEvent] = []

    /// Creates an empty recorder.
    public init() {}

    /// Keeps `event`; a drill's events carry no time (nothing of it is a record of an incident).
    @discardableResult public func record(_ event: TranscriptEvent) throws -> String {
        events.append(event)
        return ""
    }

    public func openOutput(stepID: String) throws -> any OutputStore { DiscardedOutput() }
}

/// Output of a drill step: already on screen and in memory; not written anywhere.
final class DiscardedOutput: OutputStore {
    func write(_ bytes: ArraySlice<UInt8>) throws {}
    func close() throws -> String { "" }
}
