import MedicCore

/// Keeps the lines of one nginx server block: a line whose request names another server
/// (`…, client: 10.0.0.7, server: shop.example, request: …`) is left out and counted apart, a
/// line that names none (no request behind it) is kept. With two sites behind one nginx, the
/// other site's errors are not the site's.
///
/// The name is compared as bytes, never as a pattern. Only the `server:` that follows the
/// `client:` field counts: nginx writes the two in that order after its message, and the message
/// can hold text a client chose (a path).
struct LogServerFilter {
    /// The server's name as nginx writes it: the first `server_name` of its block.
    let name: [UInt8]
    /// Lines left out, and the first few other names they gave.
    private(set) var leftOut = 0
    private(set) var others: [String] = []

    private static let client = Array(", client: ".utf8)
    private static let server = Array(", server: ".utf8)

    /// A filter for `name`; nil when there is no name, so nothing is left out.
    init?(_ name: String?) {
        guard let name, !name.isEmpty else { return nil }
        self.name = Array(name.utf8)
    }

    /// Whether `line` is kept; counts it when it is not.
    mutating func keeps(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let client = Self.find(Self.client, in: line, from: 0), let field = Self.find(Self.server, in: line, from: client) else { return true }
        let start = field + Self.server.count
        var end = start
        while end < line.count, line[end] != UInt8(ascii: ","), line[end] != 10, line[end] != 13 { end += 1 }
        if end - start == name.count, line[start..<end].elementsEqual(name) { return true }
        leftOut += 1
        if others.count < 3 {
            let other = String(decoding: line[start..<min(end, start + 100)], as: UTF8.self)
            if !others.contains(other) { others.append(other) }
        }
        return false
    }

    /// `left out: 5 lines of other server blocks (server: shop.example); kept: server: medic-lab or none`.
    var report: String {
        let names = others.map { "server: \($0)" }.joined(separator: ", ")
        return "left out: \(leftOut) lines of other server blocks\(leftOut > 0 ? " (\(names))" : ""); kept: lines naming server: "
            + "\(String(decoding: name, as: UTF8.self)) or none\n"
    }

    /// Where `needle` starts in `line` at or after `from`.
    private static func find(_ needle: [UInt8], in line: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard line.count >= needle.count else { return nil }
        var index = from
        while index + needle.count <= line.count {
            if line[index] == needle[0], line[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
