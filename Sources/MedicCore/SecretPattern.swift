/// One secret as Medic recognises it in text: a run of characters, each of which may be spelled
/// in any of the ways an encoder writes it.
///
/// Encoders differ in what they escape (one percent-encodes `$`, another leaves it; one writes
/// `\u0022`, another `\"`), so a fixed list of encoded strings misses most of them. Each
/// character of the secret keeps every spelling it can take (itself, `%xx` in either case, `+`
/// for a space, JSON's `\uXXXX` and short escapes, HTML's named and numeric entities), and a
/// match is any sequence of spellings, one per character.
public struct SecretPattern: Sendable {
    /// One way to write one character: its bytes, and whether letters in it match either case
    /// (hex digits and entity names do; the character itself does not).
    struct Spelling: Sendable {
        let bytes: [UInt8]
        let caseless: Bool
    }

    /// For each character of the secret, its spellings.
    let units: [[Spelling]]

    /// The longest text a match can span, in bytes.
    public let longest: Int

    /// The bytes a match can start with, each with the bytes that can come second (every byte
    /// when a match can be one byte long).
    let firstPairs: [(first: UInt8, second: Set<UInt8>)]

    init(units: [[Spelling]]) {
        self.units = units
        longest = units.reduce(0) { $0 + ($1.map(\.bytes.count).max() ?? 0) }
        var pairs: [UInt8: Set<UInt8>] = [:]
        for spelling in units.first ?? [] {
            guard let byte = spelling.bytes.first else { continue }
            var second: Set<UInt8> = []
            if spelling.bytes.count > 1 {
                second = SecretPattern.cases(of: spelling.bytes[1], spelling.caseless)
            } else if units.count > 1 {
                for next in units[1] {
                    if let byte = next.bytes.first { second.formUnion(SecretPattern.cases(of: byte, next.caseless)) }
                }
            } else {
                second = Set(0...UInt8.max)
            }
            for first in SecretPattern.cases(of: byte, spelling.caseless) { pairs[first, default: []].formUnion(second) }
        }
        firstPairs = pairs.map { (first: $0.key, second: $0.value) }
    }

    /// The bytes that match `byte` where it is written: itself, and its other case if caseless.
    private static func cases(of byte: UInt8, _ caseless: Bool) -> Set<UInt8> {
        caseless ? [byte, lower(byte), upper(byte)] : [byte]
    }

    /// A pattern that matches exactly `text`'s bytes (an encoded form such as base64).
    init(exactly text: String) {
        self.init(units: text.utf8.map { [Spelling(bytes: [$0], caseless: false)] })
    }

    /// A pattern for `secret` spelled, character by character, in any of the encodings above.
    init(encodingsOf secret: String) {
        self.init(units: secret.unicodeScalars.map(SecretPattern.spellings))
    }

    /// Where the longest match starting at `start` ends in `bytes` (no further than `end`), if
    /// one starts there.
    ///
    /// The candidate ends after each character are kept as a set, so the time is linear in the
    /// secret's length whatever the ambiguity between spellings (a `%` in the secret is both
    /// itself and the start of `%25`).
    func matchEnd<Bytes: RandomAccessCollection>(in bytes: Bytes, from start: Bytes.Index, to end: Bytes.Index) -> Bytes.Index?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var reached = [start]
        for unit in units {
            var next: [Int] = []
            for position in reached {
                for spelling in unit where SecretPattern.spelled(spelling, in: bytes, at: position, end: end) {
                    let after = position + spelling.bytes.count
                    if !next.contains(after) { next.append(after) }
                }
            }
            guard !next.isEmpty else { return nil }
            reached = next
        }
        return reached.max()
    }

    private static func spelled<Bytes: RandomAccessCollection>(_ spelling: Spelling, in bytes: Bytes, at position: Int, end: Int) -> Bool
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard spelling.bytes.count <= end - position else { return false }
        var index = position
        for expected in spelling.bytes {
            let byte = bytes[index]
            if byte != expected && !(spelling.caseless && lower(byte) == lower(expected)) { return false }
            index += 1
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
    private static func upper(_ byte: UInt8) -> UInt8 { (0x61...0x7A).contains(byte) ? byte & ~0x20 : byte }

    /// Every spelling of `scalar`: itself, percent-encoded, form-encoded, JSON-escaped, and as an
    /// HTML character reference.
    static func spellings(of scalar: Unicode.Scalar) -> [Spelling] {
        var spellings = [Spelling(bytes: Array(String(scalar).utf8), caseless: false)]
        func add(_ text: String, caseless: Bool = true) {
            let bytes = Array(text.utf8)
            if !spellings.contains(where: { $0.bytes == bytes }) { spellings.append(Spelling(bytes: bytes, caseless: caseless)) }
        }
        add(String(scalar).utf8.map { "%" + hex($0, digits: 2) }.joined())
        if scalar == " " { add("+", caseless: false) }
        if scalar.value <= 0xFFFF {
            add("\\u" + hex(scalar.value, digits: 4))
        } else {
            let value = scalar.value - 0x10000
            add("\\u" + hex(0xD800 + (value >> 10), digits: 4) + "\\u" + hex(0xDC00 + (value & 0x3FF), digits: 4))
        }
        let short: [Unicode.Scalar: String] = [
            "\"": "\\\"", "\\": "\\\\", "/": "\\/", "\u{08}": "\\b", "\u{0C}": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
        ]
        if let escape = short[scalar] { add(escape, caseless: false) }
        add("&#" + String(scalar.value) + ";")
        add("&#x" + hex(scalar.value, digits: 1) + ";")
        let named: [Unicode.Scalar: [String]] = [
            "&": ["&amp;"], "<": ["&lt;"], ">": ["&gt;"], "\"": ["&quot;"], "'": ["&apos;"], "\u{A0}": ["&nbsp;"],
        ]
        for name in named[scalar] ?? [] { add(name) }
        return spellings
    }

    private static func hex<Value: BinaryInteger>(_ value: Value, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
