/// Runs checks and actions: commands, scripts and probes.
///
/// The real runner (`MedicRuntime.LocalRunner`) spawns processes in their own process group and
/// talks HTTP and TCP; tests use doubles. A failing command is a result, not an error: `run`
/// always returns a `StepResult`, with `failureReason` set when the thing could not start at all.
public protocol StepRunner: AnyObject {
    /// Runs `invocation` until it ends, times out (`invocation.timeout`) or is cancelled by the
    /// operator, handing every chunk of output to `output` as it arrives, in order.
    ///
    /// The `output` field of the returned result is ignored: the session keeps its own bounded,
    /// masked copy of what was streamed.
    func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult
}
