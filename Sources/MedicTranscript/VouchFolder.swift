import MedicCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The confirmations of unverified checks, kept in Medic's state folder: one file per runbook
/// digest (`vouched/<sha256>`), one confirmed step id a line. A changed runbook has another
/// digest, so its unverified checks are asked about again.
public struct VouchFolder: VouchLedger {
    /// The folder holding the files (`$XDG_STATE_HOME/medic/vouched`).
    public let path: String

    /// A ledger in `path`, created when the first confirmation is remembered.
    public init(path: String) {
        self.path = path
    }

    /// The ledger in Medic's state folder, or nil when there is none (neither `XDG_STATE_HOME`
    /// nor `HOME` is set): then every unverified check is asked about at each run.
    public static func inStateFolder(environment: (String) -> String?) -> VouchFolder? {
        StateFolder.path(environment: environment).map { VouchFolder(path: $0 + "/vouched") }
    }

    public func isConfirmed(stepID: String, digest: String) -> Bool {
        guard Self.isDigest(digest), let text = Self.read(path + "/" + digest) else { return false }
        return text.split(separator: "\n").contains { $0 == stepID }
    }

    public func remember(stepID: String, digest: String) throws {
        guard Self.isDigest(digest), !stepID.contains("\n") else { throw TranscriptError("cannot remember step '\(stepID)' under '\(digest)'") }
        let file = path + "/" + digest
        try SessionDirectory.createParents(of: file)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TranscriptError.system("open", file, errno) }
        let handle = SystemFile(descriptor: descriptor)
        let failure = handle.writeAll(stepID + "\n") ?? handle.syncData()
        let closing = handle.close()
        if let failure = failure ?? closing { throw TranscriptError.system("write", file, failure.code) }
    }

    /// A SHA-256 in hex: the only names this folder holds, so no digest can climb out of it.
    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The file's text, or nil when it cannot be read (missing: nothing confirmed yet).
    static func read(_ file: String) -> String? {
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
            // A ledger is a few lines; a huge file is no ledger of Medic's.
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
