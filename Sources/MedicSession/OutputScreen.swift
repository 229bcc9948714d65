import MedicCore

/// What of a running step's output goes on screen: the first lines live, then only a count,
/// then the last lines at the end, with a marker saying how many were hidden.
///
/// A check may print millions of lines; only the first `headLines` and the last `tailLines`
/// are ever made into text. The others are kept as raw bytes in a ring (the last ones) or only
/// counted, so the screen costs no allocation per line.
public struct OutputScreen: Sendable {
    /// Lines shown as they arrive.
    public let headLines: Int
    /// Lines shown at the end.
    public let tailLines: Int
    /// Longer lines are cut here (bytes), with a note of how much was cut.
    public let maxLineBytes: Int
    private var line: [UInt8] = []
    private var cut = 0
    private var shown = 0
    /// The last lines past the head, raw, as a ring starting at `tailStart`.
    private var tail: [(bytes: [UInt8], cut: Int)] = []
    private var tailStart = 0
    /// Lines neither shown live nor kept for the end.
    public private(set) var hidden = 0

    /// Creates a view showing `headLines` live and `tailLines` at the end.
    public init(headLines: Int = 20, tailLines: Int = 10, maxLineBytes: Int = 2000) {
        self.headLines = headLines
        self.tailLines = tailLines
        self.maxLineBytes = maxLineBytes
    }

    /// Takes a chunk; returns the lines to show now.
    public mutating func feed(_ bytes: some BidirectionalCollection<UInt8>) -> [String] {
        var now: [String] = []
        var start = shown < headLines ? bytes.startIndex : skipHidden(bytes)
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            take(bytes[start..<newline])
            complete(into: &now)
            start = bytes.index(after: newline)
        }
        take(bytes[start...])
        return now
    }

    /// Past the head, counts as hidden the lines of a chunk that its own last `tailLines` lines
    /// would push out of the ring anyway, and returns where the lines still to take begin.
    ///
    /// Every line past the head is either in the ring or hidden, so skipping a line the ring
    /// would drop before the chunk ends leaves the same ring and count, with no copy per line.
    private mutating func skipHidden<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.Index {
        // The newline ending the last line to skip is the (tailLines + 1)-th from the end.
        var newlines = 0
        var index = bytes.endIndex
        while index > bytes.startIndex {
            bytes.formIndex(before: &index)
            guard bytes[index] == 0x0A else { continue }
            newlines += 1
            guard newlines > tailLines else { continue }
            // Lines before it, and the one it ends, are hidden.
            let before = bytes[..<index]
            hidden += 1 + (before.withContiguousStorageIfAvailable(Newlines.count) ?? before.count { $0 == 0x0A })
            line.removeAll(keepingCapacity: true)
            cut = 0
            return bytes.index(after: index)
        }
        return bytes.startIndex
    }

    /// Ends the stream; returns what to show last: a marker of the hidden lines, then the tail.
    public mutating func finish() -> (hidden: Int, lines: [String]) {
        var now: [String] = []
        if !line.isEmpty || cut > 0 { complete(into: &now) }
        let ordered = tail[tailStart...] + tail[..<tailStart]
        return (hidden, now + ordered.map { Self.text($0.bytes, cut: $0.cut) })
    }

    /// Adds a piece of the current line, up to `maxLineBytes`; the rest is only counted.
    private mutating func take(_ piece: some Collection<UInt8>) {
        let room = max(0, maxLineBytes - line.count)
        if piece.count <= room {
            line.append(contentsOf: piece)
        } else {
            line.append(contentsOf: piece.prefix(room))
            cut += piece.count - room
        }
    }

    private static func text(_ bytes: [UInt8], cut: Int) -> String {
        var text = TerminalText.sanitize(bytes)
        if cut > 0 { text += " … (\(cut) more bytes on this line)" }
        return text
    }

    private mutating func complete(into now: inout [String]) {
        defer {
            line.removeAll(keepingCapacity: true)
            cut = 0
        }
        if shown < headLines {
            shown += 1
            now.append(Self.text(line, cut: cut))
            return
        }
        guard tailLines > 0 else {
            hidden += 1
            return
        }
        if tail.count < tailLines {
            tail.append((line, cut))
            return
        }
        // The oldest kept line is hidden now; its buffer takes the next line.
        swap(&tail[tailStart].bytes, &line)
        tail[tailStart].cut = cut
        tailStart = (tailStart + 1) % tailLines
        hidden += 1
    }
}
