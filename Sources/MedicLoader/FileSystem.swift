#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system calls the loader makes, straight to the C library: reading a file,
/// asking what a path is, listing a folder and reading a symbolic link. Keeping Foundation out
/// of the loader keeps `medic` quick to start and small in memory. The command line uses the
/// same calls for the few files it reads itself (var files, a journal's output files).
public enum FileSystem {
    /// What a path is.
    public enum Kind: Sendable {
        /// A regular file.
        case file
        case directory
        /// Anything else: a FIFO, a socket, a device. Reading one may block forever or never end.
        case other
    }

    /// What `path` is, following symbolic links; nil when nothing is there (or it cannot be
    /// looked at). Asking never opens the path.
    public static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// The names in a folder, without `.` and `..`, in no particular order; nil when it cannot
    /// be listed.
    public static func entries(in directory: String) -> [String]? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Why a file could not be read.
    public enum ReadFailure: Error {
        case cannotOpen
        case cannotRead(String)
        /// With `regularOnly`, what was opened is not a regular file (a FIFO, a socket, a device).
        case notRegular
    }

    /// The first `limit` bytes of a file (all of it when it is shorter). With `followingLinks`
    /// false, a symbolic link at `path` is refused (`O_NOFOLLOW`). With `regularOnly`, anything
    /// but a regular file is refused before a byte is read: it is opened with `O_NONBLOCK` (so a
    /// FIFO without a writer cannot block the open) and checked with `fstat` on that descriptor
    /// (so a file swapped after an earlier `stat` is caught too).
    public static func contents(
        of path: String, upTo limit: Int, followingLinks: Bool = true, regularOnly: Bool = false
    ) -> Result<[UInt8], ReadFailure> {
        let flags = O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW) | (regularOnly ? O_NONBLOCK : 0)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { return .failure(.cannotOpen) }
        defer { close(descriptor) }
        var info = stat()
        let described = fstat(descriptor, &info) == 0
        if regularOnly, !described || info.st_mode & S_IFMT != S_IFREG { return .failure(.notRegular) }
        let expected = described ? Int(info.st_size) : 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(expected, 0), limit))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.cannotRead(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    /// Where the symbolic link at `path` points, as written in the link; nil when `path` is not
    /// a symbolic link.
    static func symbolicLinkDestination(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return -1 }
            return readlink(path, start, buffer.count - 1)
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against the current working folder, standardized (`.` dropped,
    /// `..` applied, symbolic links after the first component resolved as the loader does).
    /// What names a file for good: another working folder reads the same file from it.
    public static func absolutePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), !path.hasPrefix("~") else { return Paths.standardized(path) }
        guard let folder = getcwd(nil, 0) else { return path }
        defer { free(folder) }
        return Paths.standardized(Paths.appending(path, to: String(cString: folder)))
    }

    /// The absolute path of `path` with every symbolic link, `.` and `..` resolved; nil when
    /// it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The current user's home folder, for `~` in paths.
    static func homeDirectory(ofUser user: String? = nil) -> String? {
        let entry = user.map { getpwnam($0) } ?? getpwuid(getuid())
        if let directory = entry?.pointee.pw_dir { return String(cString: directory) }
        guard user == nil, let home = getenv("HOME") else { return nil }
        return String(cString: home)
    }
}
