import MedicCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads back a step's output file the way the run kept its output in memory: its first
/// `headBytes` and its last `tailBytes`, without reading the middle of a large file.
public enum StepOutputReader {
    /// The kept bytes of the output `record` names, in the session directory `session`.
    ///
    /// Throws when the record names a file outside `output/`, when the file cannot be read (or
    /// is a symbolic link), and when it no longer holds the bytes the run recorded.
    public static func headAndTail(of record: OutputRecord, inSession session: String, headBytes: Int, tailBytes: Int) throws(TranscriptError)
        -> (head: [UInt8], tail: [UInt8])
    {
        guard let file = record.file else {
            if record.bytes == 0 { return ([], []) }
            throw TranscriptError("the run printed \(record.bytes) bytes but kept no file of them")
        }
        let name = file.dropFirst("output/".count)
        guard file.hasPrefix("output/"), !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw TranscriptError("the journal names '\(file)', which is not a file of the session's output folder")
        }
        let path = session + "/" + file
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system("read", path, errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system("read", path, errno) }
        let size = Int(status.st_size)
        guard size == record.bytes else {
            throw TranscriptError("\(path) holds \(size) bytes where the run recorded \(record.bytes)")
        }
        let head = try read(descriptor, path, from: 0, count: min(size, headBytes))
        let rest = size - head.count
        let tail = try read(descriptor, path, from: size - min(rest, tailBytes), count: min(rest, tailBytes))
        return (head, tail)
    }

    /// What each host of a host set's step printed, as the walk saw it, read back whole from the
    /// step's output file, which `record` names and whose sections `hosts` describes
    /// (`HostsRecord.outputs(inFile:)`); nil when `hosts` does not record how much each host
    /// printed (a journal of an earlier Medic, whose excerpts are all there is). The whole file is
    /// read, as the run held every host's kept output (`HostResult.keptBytes` of what it printed,
    /// as text: a byte that is not UTF-8 became a 3-byte U+FFFD, and masking may lengthen it).
    /// Throws as `headAndTail` does, and when the file does not hold those sections.
    public static func hostOutputs(of record: OutputRecord, hosts: HostsRecord, inSession session: String) throws(TranscriptError) -> [String]? {
        guard hosts.hosts.allSatisfy({ $0.bytes != nil }) else { return nil }
        let (file, _) = try headAndTail(of: record, inSession: session, headBytes: record.bytes, tailBytes: 0)
        do {
            return try hosts.outputs(inFile: file)
        } catch {
            throw TranscriptError("\(session)/\(record.file ?? ""): \(error)")
        }
    }

    private static func read(_ descriptor: Int32, _ path: String, from offset: Int, count: Int) throws(TranscriptError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes[done...].withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset + done)) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { throw .system("read", path, errno) }
            if got == 0 { throw TranscriptError("\(path) ended early: it changed while it was read") }
            done += got
        }
        return bytes
    }
}
