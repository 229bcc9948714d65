import MedicCore

/// Masks secrets in a stream of bytes that arrives in arbitrary chunks.
///
/// A secret can straddle two chunks, so the masker holds back the last few bytes (one less than
/// the longest form of any secret) until it knows they do not start one.
public struct StreamMasker: Sendable {
    private let forms: [[UInt8]]
    private let mask: [UInt8] = Array(Masking.mask.utf8)
    private let holdBack: Int
    private var firstBytes = [Bool](repeating: false, count: 256)
    private var pending: [UInt8] = []

    /// Creates a masker for the forms of `masking`.
    public init(_ masking: Masking) {
        forms = masking.forms.map { Array($0.utf8) }.filter { !$0.isEmpty }
        holdBack = max(0, (forms.map(\.count).max() ?? 0) - 1)
        for form in forms { firstBytes[Int(form[0])] = true }
    }

    /// Whether there is anything to mask at all.
    public var isActive: Bool { !forms.isEmpty }

    /// Masks `chunk`, returning what can be passed on now.
    public mutating func process(_ chunk: ArraySlice<UInt8>) -> [UInt8] {
        guard isActive else { return Array(chunk) }
        pending.append(contentsOf: chunk)
        return drain(final: false)
    }

    /// Masks and returns whatever was held back; call once at the end of the stream.
    public mutating func finish() -> [UInt8] {
        guard isActive else { return [] }
        return drain(final: true)
    }

    private mutating func drain(final: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pending.count)
        var index = 0
        let count = pending.count
        // Before the end of the stream, stop where the longest form would no longer fit: those
        // bytes wait for the next chunk.
        let safeEnd = final ? count : count - holdBack
        scan: while index < safeEnd {
            // Bytes that cannot start a form pass on as one run: most output never starts one.
            var runEnd = index
            while runEnd < safeEnd, !firstBytes[Int(pending[runEnd])] { runEnd += 1 }
            out.append(contentsOf: pending[index..<runEnd])
            index = runEnd
            guard index < safeEnd else { break }
            for form in forms where form.count <= count - index && pending[index] == form[0] {
                var matched = true
                for offset in 1..<form.count where pending[index + offset] != form[offset] {
                    matched = false
                    break
                }
                if matched {
                    out.append(contentsOf: mask)
                    index += form.count
                    continue scan
                }
            }
            out.append(pending[index])
            index += 1
        }
        pending.removeFirst(index)
        return out
    }
}
