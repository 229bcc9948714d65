/// Replaces secret values, and the forms they take on the wire, with a mask.
///
/// A secret can leave Medic as itself, base64-encoded (Basic auth), percent-encoded (a query
/// string or form) or JSON-escaped (a JSON body); all four forms are masked wherever text is
/// shown or recorded.
public struct Masking: Sendable {
    /// What a masked value looks like.
    public static let mask = "••••"

    /// Every form of every secret, longest first so that a longer form is masked whole.
    public private(set) var forms: [String]

    /// Creates a masking for `secrets`; empty values are ignored.
    public init(secrets: [String]) {
        var forms: Set<String> = []
        for secret in secrets where !secret.isEmpty {
            forms.insert(secret)
            forms.insert(Masking.base64(secret))
            forms.insert(Masking.percentEncoded(secret))
            forms.insert(Masking.jsonEscaped(secret))
        }
        self.forms = forms.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// This masking with `secret` masked too.
    public func adding(_ secret: String) -> Masking {
        var more = Masking(secrets: [secret])
        more.forms = Array(Set(forms + more.forms)).sorted { $0.count > $1.count }
        return more
    }

    /// `text` with every form of every secret replaced by the mask.
    public func apply(_ text: String) -> String {
        var result = text
        for form in forms where result.contains(form) { result = result.replacing(form, with: Masking.mask) }
        return result
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
