extension Array {
    /// Calls `body` with a pointer to each element where it is stored, in order.
    ///
    /// `element.pointee.field` loads that one field. `for … in`, the array's subscript and
    /// closures that take the element copy all of it, and a copy of a step retains each of its
    /// fields: validating a 10,000-step runbook made millions of such retains.
    func forEachElement(_ body: (UnsafePointer<Element>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            for index in 0..<buffer.count { try body(start + index) }
        }
    }
}
