import Glibc

/// GNU extensions of glibc that Swift's Glibc module does not declare (it is built without
/// _GNU_SOURCE), looked up at run time.
enum GlibcExtensions {
    /// `pipe2`: both ends created with `flags` (O_CLOEXEC) atomically, so a program spawned by
    /// another thread at that moment cannot inherit them. Falls back to pipe and fcntl.
    static func pipe2(_ ends: inout [Int32], _ flags: Int32) -> Int32 {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
        if let symbol = dlsym(nil, "pipe2") {
            return ends.withUnsafeMutableBufferPointer { unsafeBitCast(symbol, to: Pipe2.self)($0.baseAddress, flags) }
        }
        guard pipe(&ends) == 0 else { return -1 }
        if flags & O_CLOEXEC != 0 {
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        return 0
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the child closes every
    /// descriptor from `lowest` up. Medic opens everything close-on-exec anyway, but a descriptor
    /// Medic inherited, or one a library opened, must not leak into a step either. Without it
    /// (older glibc) only close-on-exec protects.
    static func addCloseFrom(_ lowest: Int32, to actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, lowest)
    }
}
