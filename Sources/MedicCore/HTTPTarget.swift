/// Where an HTTP request goes, read from an absolute `http://` or `https://` URL: what to
/// connect to, and what to write in the request line and the Host header.
///
/// Only what a probe needs: the scheme, optional `user:password@`, a host name, an IPv4 address
/// or a bracketed IPv6 address (with an optional `%25` zone), an optional port, then the path
/// and query. The fragment is dropped, as every client drops it. Bytes outside ASCII in the
/// path and query are percent-encoded; spaces and control characters are refused, since a
/// request line cannot hold them.
///
/// It is the one URL reader of Medic: the HTTP probe reads its request's URL with it, and a `url`
/// input's value is checked with it, so a value the run accepts is one the probe can ask. Pure:
/// it reads text and resolves nothing.
public struct HTTPTarget: Sendable, Equatable {
    /// `http` or `https`, lowercase.
    public let scheme: String
    /// The authority as written (`user:pw@host:port`); a redirect to a relative reference keeps it.
    public let authority: String
    /// The host to connect to: a name, an IPv4 address, or an IPv6 address without brackets.
    public let host: String
    /// The port to connect to (80 and 443 unless the URL says otherwise).
    public let port: Int
    /// `user:password`, percent-decoded, when the URL carries them.
    public let credentials: String?
    /// What goes after the method in the request line: the path (at least `/`) and the query.
    public let requestTarget: String

    /// Why a URL cannot be used. The URL itself is never repeated: it may hold a secret.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        /// The reason, in one plain sentence.
        public let description: String
    }

    /// Reads `url`.
    public init(_ url: String) throws(Problem) {
        let bytes = Array(url.utf8)
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw Problem(description: bad == 0x20 ? "the URL contains a space" : "the URL contains a control character")
        }
        guard let separator = bytes.firstRange(ofBytes: Array("://".utf8)) else {
            throw Problem(description: "the URL does not start with http:// or https://")
        }
        let scheme = String(decoding: bytes[..<separator.lowerBound], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw Problem(description: "the URL's scheme is '\(scheme.prefix(20))', and a probe speaks only http and https")
        }
        let rest = bytes[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = rest[authorityEnd...]
        if let hash = target.firstIndex(of: UInt8(ascii: "#")) { target = target[..<hash] }

        var hostPart = authority[...]
        var credentials: String?
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            credentials = try Self.percentDecoded(authority[..<at])
            hostPart = authority[(at + 1)...]
        }
        let host: String
        var portText: ArraySlice<UInt8>
        if hostPart.first == UInt8(ascii: "[") {
            guard let close = hostPart.firstIndex(of: UInt8(ascii: "]")) else {
                throw Problem(description: "the URL's IPv6 address has no closing ']'")
            }
            // `%25` introduces a zone (fe80::1%25eth0); getaddrinfo wants `%eth0`.
            host = try Self.percentDecoded(hostPart[(hostPart.startIndex + 1)..<close])
            portText = hostPart[(close + 1)...]
            if !portText.isEmpty {
                guard portText.first == UInt8(ascii: ":") else { throw Problem(description: "the URL has text after its IPv6 address") }
                portText = portText.dropFirst()
            }
        } else if let colon = hostPart.firstIndex(of: UInt8(ascii: ":")) {
            host = String(decoding: hostPart[..<colon], as: UTF8.self)
            portText = hostPart[(colon + 1)...]
        } else {
            host = String(decoding: hostPart, as: UTF8.self)
            portText = []
        }
        guard !host.isEmpty else { throw Problem(description: "the URL has no host") }
        guard host.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw Problem(description: "the URL's host name is not ASCII (write it in its xn-- form)")
        }
        var port = Self.defaultPort(of: scheme)
        if !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ (0x30...0x39).contains($0) }),
                let number = Int(String(decoding: portText, as: UTF8.self)), (1...65535).contains(number)
            else { throw Problem(description: "the URL's port is not a number between 1 and 65535") }
            port = number
        }

        self.scheme = scheme
        self.authority = String(decoding: authority, as: UTF8.self)
        self.host = host
        self.port = port
        self.credentials = credentials
        let encoded = Self.percentEncodingNonASCII(target)
        self.requestTarget = encoded.first == "/" ? encoded : "/" + encoded
    }

    /// The Host header: the host (IPv6 in brackets), with the port unless it is the scheme's own.
    public var hostHeader: String {
        // A zone means something only on this machine, so it is not sent (RFC 6874 §4).
        let name = host.contains(":") ? "[\(host.prefix { $0 != "%" })]" : host
        return port == Self.defaultPort(of: scheme) ? name : "\(name):\(port)"
    }

    /// The longest unix socket path a connection can name: `sun_path` holds 108 bytes with its NUL.
    public static let unixSocketPathLimit = 107

    /// Why `path` cannot name a unix socket to connect to, or nil when it can.
    public static func unixSocketProblem(_ path: String) -> String? {
        if !path.hasPrefix("/") { return "the unix socket path '\(path)' is not absolute" }
        if path.utf8.count > unixSocketPathLimit { return "the unix socket path is longer than \(unixSocketPathLimit) bytes" }
        if path.utf8.contains(0) { return "the unix socket path contains a NUL byte" }
        return nil
    }

    /// 443 for https, 80 for http.
    private static func defaultPort(of scheme: String) -> Int { scheme == "https" ? 443 : 80 }

    /// Whether `other` is the same origin (scheme, host and port): credentials and cookies are
    /// only ever sent again to the same origin.
    public func isSameOrigin(as other: HTTPTarget) -> Bool {
        scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
    }

    /// Whether the host is this machine's loopback (`localhost`, 127.0.0.0/8, `::1`): nothing
    /// in between, so no proxy applies.
    public var isLoopback: Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The absolute URL this one points at: `self`, with a redirect's `Location` (absolute,
    /// scheme-relative, absolute-path, relative or query-only) resolved against it (RFC 3986 §5.2).
    public func resolving(_ location: String) throws(Problem) -> HTTPTarget {
        let reference = Self.percentEncodingNonASCII(ArraySlice(location.utf8), spacesToo: true)
        if reference.hasPrefix("//") { return try HTTPTarget(scheme + ":" + reference) }
        if let colon = reference.firstIndex(of: ":"),
            reference[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
            reference.first?.isLetter == true
        {
            let scheme = reference[..<colon].lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw Problem(description: "the server redirected to a '\(scheme.prefix(20))' URL, and a probe follows only http and https")
            }
            return try HTTPTarget(reference)
        }
        let base = scheme + "://" + authority
        var path = requestTarget
        var query = ""
        if let mark = path.firstIndex(of: "?") {
            query = String(path[mark...])
            path = String(path[..<mark])
        }
        var reference2 = reference
        if let hash = reference2.firstIndex(of: "#") { reference2 = String(reference2[..<hash]) }
        if reference2.isEmpty { return try HTTPTarget(base + path + query) }
        if reference2.first == "?" { return try HTTPTarget(base + path + reference2) }
        var referenceQuery = ""
        if let mark = reference2.firstIndex(of: "?") {
            referenceQuery = String(reference2[mark...])
            reference2 = String(reference2[..<mark])
        }
        let merged = reference2.first == "/" ? reference2 : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)]) + reference2
        return try HTTPTarget(base + Self.removingDotSegments(merged) + referenceQuery)
    }

    /// RFC 3986 §5.2.4: `/a/b/../c/./d` is `/a/c/d`.
    public static func removingDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) throws(Problem) -> String {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw Problem(description: "the URL has a '%' that is not followed by two hex digits") }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `bytes` with every byte outside printable ASCII (and spaces, when asked) as `%XX`.
    private static func percentEncodingNonASCII(_ bytes: ArraySlice<UInt8>, spacesToo: Bool = false) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 || byte < 0x20 || byte == 0x7F || (spacesToo && byte == 0x20) {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
