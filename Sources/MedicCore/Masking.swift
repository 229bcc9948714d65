/// Replaces secret values, and the forms they take on the wire, with a mask.
///
/// A secret can leave Medic as itself or encoded: base64 and base64url at any of the three
/// alignments (so `Basic base64("user:" + secret)` is caught, the secret at any offset),
/// percent-encoded with either case of hex and `+` for a space, JSON-escaped (`\"` or
/// `\u0022`), or as HTML character references (`&quot;`, `&#34;`, `&#x22;`). Every form is
/// masked wherever text is shown or recorded, whichever character an encoder chose to escape.
public struct Masking: Sendable {
    /// What a masked value looks like.
    public static let mask = "••••"

    /// The patterns of every secret: its character-by-character spellings and its base64 forms.
    public let patterns: [SecretPattern]

    /// The pairs of bytes any pattern can start with, as a bit table (see `mask`).
    let pairs: [UInt64]
    /// The bytes any pattern can start with: a cheaper first test than `pairs`.
    let starts: [Bool]

    /// The longest text any pattern can span, in bytes.
    public var longest: Int { patterns.map(\.longest).max() ?? 0 }

    /// The secrets masked, so a secret learned later can be added (`adding`).
    let secrets: [String]

    /// Creates a masking for `secrets`; empty values are ignored.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }
        var patterns: [SecretPattern] = []
        var encoded: Set<String> = []
        for secret in Set(secrets) where !secret.isEmpty {
            patterns.append(SecretPattern(encodingsOf: secret))
            for alignment in 0..<3 {
                // The secret followed by more bytes, and the secret last (its final character
                // then encodes zero bits after it, before any `=`).
                for last in [false, true] {
                    let standard = Masking.base64(of: secret, alignment: alignment, last: last)
                    // Shorter than this, a base64 form is as likely to be any text's.
                    guard standard.utf8.count >= 4 else { continue }
                    encoded.insert(standard)
                    encoded.insert(String(standard.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
                }
            }
        }
        patterns += encoded.sorted().map(SecretPattern.init(exactly:))
        self.patterns = patterns
        let table = Masking.pairTable(patterns)
        pairs = table
        starts = (0..<256).map { first in table[first << 2..<(first + 1) << 2].contains { $0 != 0 } }
    }

    /// Whether there is anything to mask at all.
    public var isActive: Bool { !patterns.isEmpty }

    /// This masking with `secret` masked too (a secret asked late).
    public func adding(_ secret: String) -> Masking {
        Masking(secrets: secrets + [secret])
    }

    /// `text` with every form of every secret replaced by the mask.
    public func apply(_ text: String) -> String {
        guard isActive else { return text }
        let bytes = Array(text.utf8)
        let (masked, _) = mask(bytes, before: bytes.count)
        return String(decoding: masked, as: UTF8.self)
    }

    /// `bytes` with every form of every secret that starts before `limit` masked, and the index
    /// where masking stopped (at or past `limit`; a match may run past it).
    ///
    /// A stream masker passes a `limit` that leaves room for the longest form after it, so that
    /// a secret split across two chunks is still seen whole.
    ///
    /// The fast path: a byte can start a match only if it and the byte after it are a pair some
    /// form can begin with (`pairs`), so the runs of bytes between such places are copied in
    /// bulk, and only those places are tried against every pattern. A place whose next byte is
    /// not there yet (the end of `bytes`) is always tried.
    public func mask(_ bytes: [UInt8], before limit: Int) -> (masked: [UInt8], consumed: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        bytes.withUnsafeBufferPointer { buffer in
            pairs.withUnsafeBufferPointer { pairs in
                // A place whose next byte is not there yet is tried whatever its first byte is.
                let stop = min(limit, buffer.count - 1)
                while index < limit {
                    var run = index
                    while run < stop {
                        let first = buffer[run]
                        if starts[Int(first)], Masking.contains(pairs, first, buffer[run + 1]) { break }
                        run += 1
                    }
                    if run > index {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<run]))
                        index = run
                        continue
                    }
                    var end: Int?
                    for pattern in patterns {
                        if let found = pattern.matchEnd(in: buffer, from: index, to: buffer.count), found > (end ?? index) { end = found }
                    }
                    if let end {
                        out.append(contentsOf: Masking.maskBytes)
                        index = end
                    } else {
                        out.append(buffer[index])
                        index += 1
                    }
                }
            }
        }
        return (out, index)
    }

    private static let maskBytes = Array(mask.utf8)

    /// Whether `first` then `second` can begin a form, in a table of 65,536 bits.
    private static func contains(_ pairs: UnsafeBufferPointer<UInt64>, _ first: UInt8, _ second: UInt8) -> Bool {
        let bit = Int(first) << 8 | Int(second)
        return pairs[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The table of the byte pairs the patterns can begin with.
    static func pairTable(_ patterns: [SecretPattern]) -> [UInt64] {
        var table = [UInt64](repeating: 0, count: 1024)
        for pattern in patterns {
            for (first, second) in pattern.firstPairs {
                for next in second {
                    let bit = Int(first) << 8 | Int(next)
                    table[bit >> 6] |= 1 << UInt64(bit & 63)
                }
            }
        }
        return table
    }

    /// The base64 characters that encode `secret` wherever it falls in a longer encoded string
    /// whose bytes before it number `alignment` modulo 3: the characters that depend on
    /// neighbouring bytes are left out (with `last`, the secret ends the string, so its final
    /// character, padded with zero bits, is kept).
    static func base64(of secret: String, alignment: Int, last: Bool = false) -> String {
        let bytes = [UInt8](repeating: 0, count: alignment) + Array(secret.utf8)
        var characters = Array(base64(String(decoding: bytes, as: UTF8.self)).utf8)
        guard alignment == 0 || bytes.count > 3 else { return "" }
        // The first characters mix in the bytes before; in a partial last group, the last
        // character mixes in the bytes after.
        let leading = [0, 2, 3][alignment]
        if bytes.count % 3 != 0, !last { characters.removeLast() }
        guard characters.count > leading else { return "" }
        return String(decoding: characters[leading...], as: UTF8.self)
    }

    /// Whether a header's value is a credential, whatever the runbook's inputs say.
    public static func isSensitiveHeader(_ name: String) -> Bool {
        ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"].contains(name.lowercased())
    }

    /// `text`'s UTF-8 in base64, without the `=` padding.
    public static func base64(_ text: String) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        // The unpadded prefix is what appears inside a longer encoded string (user:secret).
        return String(decoding: out, as: UTF8.self) + base64Tail(Array(bytes[i...]), table)
    }

    private static func base64Tail(_ rest: [UInt8], _ table: [UInt8]) -> String {
        guard !rest.isEmpty else { return "" }
        let n = UInt32(rest[0]) << 16 | (rest.count > 1 ? UInt32(rest[1]) << 8 : 0)
        var out = [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)]]
        if rest.count > 1 { out.append(table[Int(n >> 6 & 63)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// `text` as it appears between the quotes of a JSON string: the quote, the backslash and
    /// every control character escaped (RFC 8259), and U+2028 and U+2029 too, so the string is
    /// also a valid JavaScript literal. Request bodies, the journal and the masks of secrets all
    /// use this one form, so a secret in a body Medic sent is recognised when it comes back.
    public static func jsonEscaped(_ text: String) -> String {
        // Most text needs nothing escaped: check the bytes first and copy it whole.
        let needsEscaping = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }
        guard needsEscaping else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
