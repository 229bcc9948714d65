/// Values kept alive until the process exits, never freed: for a command that exits next, whose
/// values would take time to free (a large runbook's steps, nodes and compiled patterns) for
/// memory that the exit gives back anyway.
public enum KeptUntilExit {
    /// Keeps `value` (and whatever it holds) until the process exits: nothing of it is freed, and
    /// no deinitializer of it runs.
    public static func keep<Value>(_ value: consuming Value) {
        _ = Unmanaged.passRetained(Box(value))
    }

    private final class Box<Value> {
        let value: Value
        init(_ value: consuming Value) { self.value = value }
    }
}
