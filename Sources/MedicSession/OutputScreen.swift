import MedicCore

/// What of a running step's output goes on screen: the first lines live, then only a count,
/// then the last lines at the end, with a marker saying how many were hidden.
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
    private var tail: [String] = []
    /// Lines neither shown live nor kept for the end.
    public private(set) var hidden = 0

    /// Creates a view showing `headLines` live and `tailLines` at the end.
    public init(headLines: Int = 20, tailLines: Int = 10, maxLineBytes: Int = 2000) {
        self.headLines = headLines
        self.tailLines = tailLines
        self.maxLineBytes = maxLineBytes
    }

    /// Takes a chunk; returns the lines to show now.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [String] {
        var now: [String] = []
        for byte in bytes {
            if byte == 0x0A {
                complete(into: &now)
            } else if line.count < maxLineBytes {
                line.append(byte)
            } else {
                cut += 1
            }
        }
        return now
    }

    /// Ends the stream; returns what to show last: a marker of the hidden lines, then the tail.
    public mutating func finish() -> (hidden: Int, lines: [String]) {
        var now: [String] = []
        if !line.isEmpty || cut > 0 { complete(into: &now) }
        return (hidden, now + tail)
    }

    private mutating func complete(into now: inout [String]) {
        var text = TerminalText.sanitize(line)
        if cut > 0 { text += " … (\(cut) more bytes on this line)" }
        line.removeAll(keepingCapacity: true)
        cut = 0
        if shown < headLines {
            shown += 1
            now.append(text)
            return
        }
        tail.append(text)
        if tail.count > tailLines {
            tail.removeFirst()
            hidden += 1
        }
    }
}
