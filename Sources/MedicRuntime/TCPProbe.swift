import Glibc
import MedicCore

/// The built-in TCP probe: can a connection to `host:port` be opened?
///
/// The output is one line that starts with the answer, which is how a runbook reads it:
/// `open ADDRESS`, `refused ADDRESS`, `timeout …`, `unreachable: REASON` or `unresolved: REASON`.
/// Every address the name resolves to is tried in turn, within one deadline (SocketConnector).
struct TCPProbe {
    /// The operator's interrupt.
    let interrupt: Interrupt

    /// The longest a probe waits, however long its timeout.
    static let deadlineMilliseconds: Int64 = 5000

    /// Connects to `host:port` and closes the connection at once.
    func run(host: String, port: Int, timeout: TimeSpan, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        let started = MonotonicClock.now()
        let limit = min(Self.deadlineMilliseconds, max(0, timeout.milliseconds))
        func finish(_ line: String, timedOut: Bool = false, cancelled: Bool = false) -> StepResult {
            output(ArraySlice((line + "\n").utf8))
            return StepResult(timedOut: timedOut, cancelled: cancelled, durationMilliseconds: Int(MonotonicClock.now() - started))
        }
        switch SocketConnector(interrupt: interrupt).connect(host: host, port: port, until: started + limit) {
        case .connected(let descriptor, let address):
            close(descriptor)
            return finish("open \(address)")
        case .refused(let address): return finish("refused \(address)")
        case .unreachable(let reason): return finish("unreachable: \(reason)")
        case .unresolved(let reason): return finish("unresolved: \(reason)")
        case .cancelled(let address): return finish("cancelled while connecting to \(address)", cancelled: true)
        case .timeout(let address):
            // The step's own timeout is the limit only when it is shorter than the probe's.
            return finish("timeout \(address) (no answer within \(TimeSpan(milliseconds: limit)))", timedOut: limit == timeout.milliseconds)
        }
    }
}
