import MedicCore

/// The output of a step as kept in memory: the first and last bytes, never more.
///
/// A `docker logs` that prints gigabytes, or one 100 MB line, must not exhaust the memory of a
/// box that is already short of it. The whole stream goes to a file; this keeps `headLimit`
/// bytes from the start and `tailLimit` from the end, for conditions, captures and `show`.
public struct BoundedCapture: Sendable {
    /// How many bytes of the start are kept.
    public let headLimit: Int
    /// How many bytes of the end are kept.
    public let tailLimit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Where the oldest byte of `tail` is, once the ring is full.
    private var tailStart = 0
    /// Every byte seen.
    public private(set) var totalBytes = 0
    /// Every line seen (a last line without a newline counts).
    public private(set) var totalLines = 0
    private var endsInNewline = true

    /// How many bytes of each end a run keeps: one MiB.
    public static let defaultLimit = 1 << 20

    /// Creates an empty capture keeping `headLimit` + `tailLimit` bytes at most.
    public init(headLimit: Int = defaultLimit, tailLimit: Int = defaultLimit) {
        self.headLimit = headLimit
        self.tailLimit = tailLimit
    }

    /// Adds a chunk of output.
    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        totalBytes += bytes.count
        totalLines += bytes.withUnsafeBufferPointer(Newlines.count)
        endsInNewline = bytes.last == 0x0A
        var rest = bytes
        if head.count < headLimit {
            let taken = rest.prefix(headLimit - head.count)
            head.append(contentsOf: taken)
            rest = rest.dropFirst(taken.count)
        }
        guard !rest.isEmpty, tailLimit > 0 else { return }
        if rest.count >= tailLimit {
            tail = Array(rest.suffix(tailLimit))
            tailStart = 0
            return
        }
        // Into the ring in at most a few copies: fill it, then overwrite from its oldest byte on.
        while !rest.isEmpty {
            if tail.count < tailLimit {
                let taken = rest.prefix(tailLimit - tail.count)
                tail.append(contentsOf: taken)
                rest = rest.dropFirst(taken.count)
                continue
            }
            let taken = rest.prefix(tailLimit - tailStart)
            tail.replaceSubrange(tailStart..<tailStart + taken.count, with: taken)
            tailStart = (tailStart + taken.count) % tailLimit
            rest = rest.dropFirst(taken.count)
        }
    }

    /// Whether bytes between the head and the tail were dropped.
    public var isTruncated: Bool { totalBytes > head.count + tail.count }

    /// The number of lines, counting a last line that lacks its newline.
    public var lineCount: Int { totalLines + (endsInNewline || totalBytes == 0 ? 0 : 1) }

    /// The kept bytes in order: the head, then the tail.
    public var keptTail: [UInt8] { Array(tail[tailStart...] + tail[..<tailStart]) }

    /// The kept output as text: invalid UTF-8 becomes U+FFFD, and a marker says how much of the
    /// middle was dropped.
    public var text: String { Self.text(head: head, tail: keptTail, totalBytes: totalBytes) }

    /// The text of an output of `totalBytes` of which `head` and `tail` were kept: what `text`
    /// gives, also for an output read back from its file (`medic resume`).
    public static func text(head: [UInt8], tail: [UInt8], totalBytes: Int) -> String {
        let dropped = totalBytes - head.count - tail.count
        guard dropped > 0 else { return String(decoding: head + tail, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + marker(dropped: dropped) + String(decoding: tail, as: UTF8.self)
    }

    /// What stands in the text for the `dropped` bytes between the head and the tail.
    static func marker(dropped: Int) -> String { "\n[… \(dropped) bytes not kept in memory …]\n" }

    /// Hands over what was kept as `text` and `keptParts` would give it, emptying the buffers as
    /// it goes (the counts stay): the kept bytes, their parts and the whole text are never all
    /// in memory at once, which is most of a step's peak memory (2 MiB kept would otherwise
    /// briefly take some 8). Call it last: `excerpt()`, `text` and `isTruncated` read the buffers.
    public mutating func takeKept() -> (text: String, parts: [String]?) {
        let dropped = totalBytes - head.count - tail.count
        var tailBytes = Array(tail[tailStart...])
        tailBytes += tail[..<tailStart]
        tail = []
        tailStart = 0
        guard dropped > 0 else {
            // Whole: one decoding, so that a character split between head and tail stays whole.
            var bytes = head
            head = []
            bytes += tailBytes
            tailBytes = []
            return (String(decoding: bytes, as: UTF8.self), nil)
        }
        let headText = String(decoding: head, as: UTF8.self)
        head = []
        let tailText = String(decoding: tailBytes, as: UTF8.self)
        tailBytes = []
        let marker = Self.marker(dropped: dropped)
        var text = ""
        text.reserveCapacity(headText.utf8.count + marker.utf8.count + tailText.utf8.count)
        text += headText
        text += marker
        text += tailText
        return (text, [headText, tailText])
    }

    /// The kept output as conditions read it: nil when it is whole (read `text`), else the
    /// head and the tail, each on its own, never the marker.
    public var keptParts: [String]? { Self.keptParts(head: head, tail: keptTail, totalBytes: totalBytes) }

    /// The parts of an output of `totalBytes` of which `head` and `tail` were kept, as
    /// `keptParts` gives them.
    public static func keptParts(head: [UInt8], tail: [UInt8], totalBytes: Int) -> [String]? {
        guard totalBytes > head.count + tail.count else { return nil }
        return [String(decoding: head, as: UTF8.self), String(decoding: tail, as: UTF8.self)]
    }

    /// The first `lines` and last `lines` lines of the kept output, for the journal's excerpt.
    /// Only the first and last few KiB are looked at, so a large output costs no copies.
    public func excerpt(lines: Int = 10, maxBytes: Int = 4096) -> String {
        let window = maxBytes * 4
        let all = keptTail
        let complete = !isTruncated && head.count + all.count <= window * 2
        func split(_ bytes: ArraySlice<UInt8>) -> [Substring] {
            var parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            if parts.last == "" { parts.removeLast() }
            return parts
        }
        var picked: [Substring]
        if complete {
            let trimmed = split((head + all)[...])
            picked = trimmed.count <= lines * 2 ? trimmed : Array(trimmed.prefix(lines)) + ["[…]"] + Array(trimmed.suffix(lines))
        } else {
            let first = split(head.prefix(window)).prefix(lines)
            let source = all.isEmpty ? head[...] : all[...]
            let last = split(source.suffix(window)).suffix(lines)
            picked = Array(first) + ["[… \(max(0, lineCount - first.count - last.count)) lines …]"] + Array(last)
        }
        picked = picked.map { $0.utf8.count > maxBytes / 4 ? $0.prefix(maxBytes / 4) + "…" : $0 }
        return picked.joined(separator: "\n")
    }
}
