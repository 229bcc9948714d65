/// Counting line feeds in a stream's chunks, eight bytes at a time.
///
/// A check may print gigabytes of short lines; a byte-at-a-time count was a tenth of the time
/// a chunk spent in Medic.
enum Newlines {
    /// How many line feeds `bytes` holds.
    static func count(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var total = 0
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                // A byte of `x` is zero where the word held a line feed; the top bit of each byte
                // of `found` is set exactly there (no carry crosses bytes, unlike `x - 0x01…`).
                let x = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ lineFeeds
                let found = ~(((x & low7) &+ low7) | x | low7)
                total += found.nonzeroBitCount
                index += 8
            }
        }
        while index < bytes.count {
            if bytes[index] == 0x0A { total += 1 }
            index += 1
        }
        return total
    }
}
