/// NUL-terminated copies of strings in one buffer, laid out for C's `char *const argv[]`.
///
/// Bytes are copied as they are: an inherited environment entry that is not UTF-8 reaches the
/// child unchanged.
struct CStringArray {
    private var storage: [CChar] = []
    private var offsets: [Int] = []

    /// Creates an empty array.
    init() {}

    /// Creates an array of `strings`, in order.
    init(_ strings: [String]) {
        for string in strings { append(string) }
    }

    /// Appends a copy of `string`, which must not contain NUL.
    mutating func append(_ string: String) {
        offsets.append(storage.count)
        storage.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
        storage.append(0)
    }

    /// Appends a copy of the C string at `pointer`.
    mutating func append(cString pointer: UnsafePointer<CChar>) {
        offsets.append(storage.count)
        var next = pointer
        while next.pointee != 0 {
            storage.append(next.pointee)
            next += 1
        }
        storage.append(0)
    }

    /// Calls `body` with NULL-terminated pointers into the strings, valid only inside `body`
    /// (pass the array straight to a C function's `char *const[]` parameter).
    mutating func withPointers<Result>(_ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let offsets = self.offsets
        return storage.withUnsafeMutableBufferPointer { buffer in
            body(offsets.map { offset in buffer.baseAddress.map { $0 + offset } } + [nil])
        }
    }
}
