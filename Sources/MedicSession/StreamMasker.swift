import MedicCore

/// Masks secrets in a stream of bytes that arrives in arbitrary chunks.
///
/// A secret can straddle two chunks, so the masker holds back the last few bytes (one less than
/// the longest form of any secret) until it knows they do not start one.
public struct StreamMasker: Sendable {
    private let masking: Masking
    private let holdBack: Int
    private var pending: [UInt8] = []

    /// Creates a masker for the patterns of `masking`.
    public init(_ masking: Masking) {
        self.masking = masking
        holdBack = max(0, masking.longest - 1)
    }

    /// Whether there is anything to mask at all.
    public var isActive: Bool { masking.isActive }

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
        // Before the end of the stream, stop where the longest form would no longer fit: those
        // bytes wait for the next chunk.
        let safeEnd = final ? pending.count : pending.count - holdBack
        guard safeEnd > 0 else { return [] }
        let (out, consumed) = masking.mask(pending, before: safeEnd)
        pending.removeFirst(consumed)
        return out
    }
}
