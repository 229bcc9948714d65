import MedicCore

#if canImport(Glibc)
    import Glibc
#endif

// TEMPORARY stand-in until the transcript branch lands; replaced wholesale at merge.
public final class SessionDirectory: Recorder {
    public let path: String
    private let journal: Int32
    private var outputs = 0

    init(path: String, journal: Int32) {
        self.path = path
        self.journal = journal
    }

    public static func create(at path: String?, runbookID: String, masking: Masking, screenSize: (width: Int, height: Int)?) throws -> SessionDirectory {
        let dir = path ?? "/tmp/medic-session-\(getpid())"
        guard mkdir(dir, 0o700) == 0 else { throw TemporaryError(description: "cannot create \(dir)") }
        mkdir(dir + "/output", 0o700)
        let fd = open(dir + "/transcript.jsonl", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw TemporaryError(description: "cannot create journal") }
        return SessionDirectory(path: dir, journal: fd)
    }

    public func record(_ event: TranscriptEvent) throws {
        let line = "\(event)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(journal, $0.baseAddress, $0.count - 1) }
        fsync(journal)
    }

    public func openOutput(stepID: String) throws -> any OutputStore {
        outputs += 1
        let name = "output/\(outputs).log"
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        return TemporaryStore(fd: fd, name: name)
    }

    public func screen(_ text: String) {}
    public func finish() throws {}
}

final class TemporaryStore: OutputStore {
    let fd: Int32
    let name: String
    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }
    func write(_ bytes: ArraySlice<UInt8>) throws { _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }
    func close() throws -> String {
        Glibc.close(fd)
        return name
    }
}

struct TemporaryError: Error, CustomStringConvertible { var description: String }

public enum SHA256 {
    public static func hex(ofFile path: String) throws -> String { "pending" }
}
