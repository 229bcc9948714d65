/// Hosts with the same result, grouped for the screen and the report ("3 hosts: exit 0").
public struct HostGroup: Sendable, Hashable {
    /// The hosts, in the set's order.
    public var hosts: [String]
    /// What their result was, in a few words (`exit 0`, `unreachable: …`, `timed out`).
    public var status: String
    /// Whether it counts as success.
    public var succeeded: Bool
    /// The output they share.
    public var output: String

    /// `3 hosts` or `1 host`.
    public var count: String { hosts.count == 1 ? "1 host" : "\(hosts.count) hosts" }

    /// Groups `records` by identical status and output, each group where its first host is.
    public static func groups(_ records: [HostRecord]) -> [HostGroup] {
        var groups: [HostGroup] = []
        var index: [String: Int] = [:]
        for record in records {
            let status = Self.status(record)
            let key = status + "\u{0}" + (record.succeeded ? "1" : "0") + "\u{0}" + record.excerpt
            if let at = index[key] {
                groups[at].hosts.append(record.host)
            } else {
                index[key] = groups.count
                groups.append(HostGroup(hosts: [record.host], status: status, succeeded: record.succeeded, output: record.excerpt))
            }
        }
        return groups
    }

    /// A host's result in a few words.
    public static func status(_ record: HostRecord) -> String {
        if record.unreachable { return "unreachable" }
        var parts: [String] = []
        if let status = record.exitStatus { parts.append("exit \(status)") }
        if record.timedOut { parts.append("timed out") }
        if record.cancelled { parts.append("cancelled") }
        if let reason = record.failureReason, parts.isEmpty || record.exitStatus == nil { parts.append(reason) }
        return parts.isEmpty ? "no exit status" : parts.joined(separator: ", ")
    }
}

extension HostRecord {
    /// The host's result as the walk saw it, its output being the recorded excerpt.
    public var asResult: HostResult {
        HostResult(
            host: host,
            result: StepResult(
                exitStatus: exitStatus, output: excerpt, timedOut: timedOut, cancelled: cancelled, durationMilliseconds: durationMilliseconds,
                failureReason: failureReason, unreachable: unreachable))
    }
}
