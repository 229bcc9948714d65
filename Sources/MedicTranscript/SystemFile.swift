#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file descriptor opened for writing, with the loops and syncs the session's durability needs.
///
/// Every method reports failure as the `errno` it met, so callers can phrase one sentence
/// naming their own file.
struct SystemFile {
    /// Flags every file of a session is created with: never an existing file, never through a
    /// symbolic link, never inherited by the commands a run starts.
    static let createFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC

    let descriptor: Int32

    /// Creates `name` in the directory `directory` (a descriptor) with exactly `mode`, whatever
    /// the umask.
    static func create(_ name: String, in directory: Int32, mode: mode_t) -> Result<SystemFile, SystemFailure> {
        let descriptor = openat(directory, name, createFlags, mode)
        guard descriptor >= 0 else { return .failure(SystemFailure(errno)) }
        guard fchmod(descriptor, mode) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            return .failure(SystemFailure(code))
        }
        return .success(SystemFile(descriptor: descriptor))
    }

    /// Writes all of `bytes`, retrying after signals and short writes; a short write followed by
    /// an error reports the error (ENOSPC after a partial write, for instance).
    func writeAll(_ bytes: UnsafeRawBufferPointer) -> SystemFailure? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return SystemFailure(errno)
            }
            // write() returning 0 for a regular file means no progress can be made.
            if written == 0 { return SystemFailure(ENOSPC) }
            offset += written
        }
        return nil
    }

    /// Writes all of `text` as UTF-8.
    func writeAll(_ text: String) -> SystemFailure? {
        var text = text
        return text.withUTF8 { writeAll(UnsafeRawBufferPointer($0)) }
    }

    /// Waits until the data written so far is on the disk (the metadata needed to read it too).
    func syncData() -> SystemFailure? {
        while fdatasync(descriptor) != 0 {
            if errno == EINTR { continue }
            return SystemFailure(errno)
        }
        return nil
    }

    /// Cuts the file back to `length` bytes and syncs that, so a failed append leaves no partial
    /// line behind. Best effort: shrinking needs no free space.
    func truncate(to length: Int) {
        _ = ftruncate(descriptor, off_t(length))
        _ = lseek(descriptor, off_t(length), SEEK_SET)
        _ = fdatasync(descriptor)
    }

    /// Closes the descriptor, reporting the error of a close that failed (NFS reports late
    /// write errors here).
    func close() -> SystemFailure? {
        Glibc.close(descriptor) == 0 ? nil : SystemFailure(errno)
    }

    /// The system's sentence for `code` ("No space left on device").
    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// An `errno` value met by a system call.
struct SystemFailure: Error, Equatable {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}

/// Syncs the directory at descriptor `directory`, so the names of files just created in it
/// survive a crash. Best effort: some filesystems refuse to sync directories.
func syncDirectory(_ directory: Int32) {
    _ = fsync(directory)
}
