#if canImport(Glibc)
    import Glibc
#endif

/// The operator's command history, one line per command, in a file only they can read.
///
/// Secrets never get here: they are read with echo off, never through the editor, and the
/// session masks known secret values in anything it remembers.
struct HistoryFile {
    let path: String
    /// How many lines are loaded at start.
    let limit = 1000

    init(_ path: String) { self.path = path }

    /// The last lines of the file, oldest first.
    func load() -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 4 << 20 {
            let got = read(fd, &buffer, buffer.count)
            if got <= 0 { break }
            bytes += buffer[..<got]
        }
        let lines = bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        return Array(lines.suffix(limit))
    }

    /// Appends `line`, creating the file (0600) and its folder (0700) when needed.
    func append(_ line: String) {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !folder.isEmpty { Self.makeFolders(folder) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = line.replacingNewlines() + "\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    }

    /// Creates `path` and every missing folder above it with mode 0700.
    static func makeFolders(_ path: String) {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty && !path.hasPrefix("/") ? "" : "/") + component
            mkdir(prefix, 0o700)
        }
    }
}

extension String {
    fileprivate func replacingNewlines() -> String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
}
