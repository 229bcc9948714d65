extension Array {
    /// Calls `body` with each element where it is stored, in order.
    ///
    /// `for … in` and the array's subscript hand out copies, and copying a step or a branch
    /// retains each of its fields; validating a 10,000-step runbook made millions of them.
    func forEachInPlace(_ body: (Element) throws -> Void) rethrows {
        try withUnsafeBufferPointer { buffer in
            for index in buffer.indices { try body(buffer[index]) }
        }
    }
}
