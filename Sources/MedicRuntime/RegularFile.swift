import Glibc

/// A regular file opened for reading, with what `fstat` said of it when opened.
///
/// A path from a runbook may name a FIFO or a device: opening one could wait for a writer, and
/// reading one could change something or never end. So the file is opened without blocking and
/// without becoming a controlling terminal, and anything but a regular file is closed again
/// before a byte is read.
struct RegularFile {
    let descriptor: Int32
    let status: stat

    /// Why a path was not opened.
    enum Refusal: Error, Equatable {
        /// `open` or `fstat` failed, with this errno.
        case unreadable(Int32)
        /// The path names a FIFO, a device, a socket or a folder.
        case notRegular
    }

    /// Opens `path` for reading, following links; the caller closes `descriptor`.
    static func open(_ path: String) throws(Refusal) -> RegularFile {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw .unreadable(errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadable(code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .notRegular
        }
        return RegularFile(descriptor: descriptor, status: status)
    }

    /// Opens `path`, nil when it cannot be opened or is not a regular file.
    static func openIfRegular(_ path: String) -> RegularFile? {
        try? open(path)
    }
}
