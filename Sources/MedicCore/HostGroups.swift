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
    /// The host's result as the walk saw it, its output being `output` when it was read back
    /// whole (`HostsRecord.outputs(inFile:)`), else the recorded excerpt.
    public func asResult(output: String? = nil) -> HostResult {
        HostResult(
            host: host,
            result: StepResult(
                exitStatus: exitStatus, output: output ?? excerpt, timedOut: timedOut, cancelled: cancelled,
                durationMilliseconds: durationMilliseconds, failureReason: failureReason, unreachable: unreachable))
    }

    /// The line that opens the host's section of the step's output file: `── HOST: STATUS`.
    public var sectionLine: String { "── \(host): \(HostGroup.status(self))\n" }

    /// The host's section of the step's output file: its `sectionLine`, then its output, then a
    /// newline when the output is not empty and its last byte is not one (an output ending in
    /// CR LF, as ssh's own messages do, ends in one: its last character, CR LF, is not "\n").
    public func section(_ output: String) -> String {
        sectionLine + output + (output.utf8.last.map { $0 == UInt8(ascii: "\n") } ?? true ? "" : "\n")
    }
}

extension HostsRecord {
    /// Why a step's output file does not hold the sections its hosts record describes.
    public struct SectionMismatch: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// What each host printed, as the walk saw it, read back from `file`, the bytes of the step's
    /// output file, which holds each host's `section(_:)` in turn; nil when the record does not
    /// say how many bytes each host printed (a journal of an earlier Medic: the excerpts are all
    /// there is). Each section is found by the byte counts, not by searching for the next
    /// section's line, so an output that prints such a line cannot move a boundary. Throws when
    /// the file does not hold exactly those sections.
    public func outputs(inFile file: [UInt8]) throws(SectionMismatch) -> [String]? {
        var counts: [Int] = []
        for host in hosts {
            guard let bytes = host.bytes else { return nil }
            counts.append(bytes)
        }
        var outputs: [String] = []
        var offset = 0
        for (host, count) in zip(hosts, counts) {
            let line = Array(host.sectionLine.utf8)
            // Compared as what is left of the file, so that no count a journal holds can overflow.
            let left = file.count - offset
            guard count >= 0, line.count <= left, count <= left - line.count, file[offset..<offset + line.count].elementsEqual(line) else {
                throw SectionMismatch(description: "the output file does not hold the section of \(host.host) where its record puts it")
            }
            offset += line.count
            let output = file[offset..<offset + count]
            offset += count
            if let last = output.last, last != UInt8(ascii: "\n") {
                guard offset < file.count, file[offset] == UInt8(ascii: "\n") else {
                    throw SectionMismatch(description: "the output file does not end the section of \(host.host) where its record does")
                }
                offset += 1
            }
            outputs.append(String(decoding: output, as: UTF8.self))
        }
        guard offset == file.count else {
            throw SectionMismatch(description: "the output file holds \(file.count - offset) bytes after the last host's section")
        }
        return outputs
    }

    /// Each host's result as the walk saw it, with `readBack`, what each host printed as read back
    /// by `outputs(inFile:)`, or each host's excerpt when it is nil and the record counts no bytes
    /// (a journal of an earlier Medic). Throws when the record counts bytes but nothing was read
    /// back: the excerpts would stand in silently for what the walk read.
    public func results(readBack: [String]?) throws(SectionMismatch) -> [HostResult] {
        if readBack == nil, hosts.contains(where: { $0.bytes != nil }) {
            throw SectionMismatch(description: "the journal records no output of it")
        }
        return hosts.indices.map { hosts[$0].asResult(output: readBack?[$0]) }
    }
}
