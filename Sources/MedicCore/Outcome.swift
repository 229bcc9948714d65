/// How a walk ended, as recorded for the incident.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// The problem is fixed and verified.
    case resolved
    /// A human with more context must take over.
    case escalate
    /// Nothing is wrong now.
    case noFault = "no-fault"
}

/// The documented vocabulary of cause tags a conclusion may carry.
public enum CauseVocabulary {
    /// Every known cause tag with a one-line meaning.
    public static let tags: [(tag: String, meaning: String)] = [
        ("oom-killed", "the kernel's OOM killer killed the upstream"),
        ("upstream-crashed", "the upstream exits on start-up or while serving"),
        ("upstream-not-listening", "nothing listens where the proxy sends requests"),
        ("wrong-upstream-address", "the proxy points at the wrong host, port or path"),
        ("socket-missing", "the upstream's unix socket does not exist"),
        ("socket-permission", "the proxy may not open the upstream's unix socket"),
        ("upstream-timeout", "the upstream answers too slowly"),
        ("upstream-cuts-requests", "the upstream stays up but closes requests before answering (its own timeout is shorter than a handler)"),
        ("header-too-big", "the upstream's response headers exceed the proxy's buffers"),
        ("tls-mismatch", "the proxy and the upstream disagree about TLS"),
        ("ip-family-mismatch", "one side uses IPv6 where the other listens on IPv4, or the reverse"),
        ("stale-upstream", "the proxy lists upstream servers that no longer exist"),
        ("pool-exhausted", "the upstream hangs waiting on a full connection pool"),
        ("not-ready", "traffic reaches the upstream before it is ready"),
        ("cdn-edge", "the error comes from a CDN edge in front of the site"),
        ("auth-broken", "authentication itself is failing; not an infrastructure problem"),
        ("disk-full", "a filesystem the service needs is full"),
        ("none", "no fault found"),
    ]

    /// Whether `tag` is in the vocabulary.
    public static func contains(_ tag: String) -> Bool { tags.contains { $0.tag == tag } }
}
