/// A listening socket's address as nginx's `listen` writes it (`80`, `127.0.0.1`, `*:8080`,
/// `[::]:443`, `localhost:80`), and the host and port a client asks (a URL, or `host:port`):
/// whether the client's request reaches that socket. Used by `refuse_if`'s `address_among`, so
/// that an "app" address that is really the proxy's own listener is refused however the
/// listener is written.
public struct ListenAddress: Sendable, Hashable {
    /// The host, lowercased and without brackets: an IPv4 or IPv6 address, a name, or `*`.
    public let host: String
    /// The port.
    public let port: Int

    /// Reads a `listen` address: `PORT` (every IPv4 address), `ADDRESS` (port 80), `ADDRESS:PORT`,
    /// `[IPv6]`, `[IPv6]:PORT`. Nil for a unix socket (`unix:/path`) or anything else.
    public init?(listen text: String) {
        let text = text.lowercased()
        guard !text.isEmpty, !text.hasPrefix("unix:") else { return nil }
        if let port = Int(text) {
            self.init(host: "*", port: port)
        } else if let (host, port) = Self.split(text) {
            self.init(host: host, port: port ?? 80)
        } else {
            return nil
        }
    }

    /// Reads where a client's request goes: a URL's host and port (the scheme's default port,
    /// 80 or 443, when it names none), or `host[:port]` (port 80). Nil when there is no host.
    /// Read by `HTTPTarget`, the URL reader of the HTTP probe and the `url` input type, so the
    /// address compared is the one the probe would ask; `host:port` is read as an http URL's
    /// authority, and a URL of another scheme (`tcp://host:port`) as if it were http.
    public init?(target text: String) {
        var url = text
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            let scheme = text[..<colon].lowercased()
            if scheme != "http" && scheme != "https" { url = "http" + text[colon...] }
        } else {
            url = "http://" + text
        }
        guard let target = try? HTTPTarget(url), target.host != "*" else { return nil }
        self.init(host: target.host.lowercased(), port: target.port)
    }

    init?(host: String, port: Int) {
        guard (1...65535).contains(port), !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    /// Whether a client asking `target` reaches a socket listening on this address. A wildcard
    /// listener (`*` or `0.0.0.0`: every IPv4 address; `::`: every IPv6 address, as nginx binds
    /// it, `ipv6only=on`) is reached through this host's loopback addresses of its family and
    /// through `localhost`; a listener on `localhost` through 127.0.0.1 and ::1 too. Other
    /// addresses of the host are not known here, so they are not matched.
    public func isReached(by target: ListenAddress) -> Bool {
        guard port == target.port else { return false }
        if host == target.host { return true }
        switch host {
        case "*", "0.0.0.0": return Self.isIPv4Loopback(target.host) || target.host == "localhost"
        case "::": return Self.isIPv6Loopback(target.host) || target.host == "localhost"
        case "localhost": return Self.isIPv4Loopback(target.host) || Self.isIPv6Loopback(target.host)
        default: return target.host == "localhost" && (Self.isIPv4Loopback(host) || Self.isIPv6Loopback(host))
        }
    }

    /// `host` and an optional port from `host`, `host:port`, `[v6]` or `[v6]:port`.
    static func split(_ text: String) -> (String, Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return host.isEmpty ? nil : (host, nil) }
            guard after.hasPrefix(":"), let port = Int(after.dropFirst()) else { return nil }
            return host.isEmpty ? nil : (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return text.isEmpty ? nil : (text, nil)
        case 2:
            guard !parts[0].isEmpty, let port = Int(parts[1]) else { return nil }
            return (String(parts[0]), port)
        default: return nil  // an IPv6 address without brackets is not an address with a port
        }
    }

    static func isIPv4Loopback(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func isIPv6Loopback(_ host: String) -> Bool {
        host == "::1" || host == "0:0:0:0:0:0:0:1"
    }
}
