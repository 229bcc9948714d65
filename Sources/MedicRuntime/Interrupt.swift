import Glibc

/// The operator's interrupt: a nonblocking descriptor that becomes readable on Ctrl-C.
struct Interrupt {
    /// The descriptor, or nil when nothing can interrupt a step.
    let descriptor: Int32?

    /// Watches `descriptor`; one that is not open is ignored, since polling it would return at
    /// once, every time, and spin.
    init(descriptor: Int32?) {
        self.descriptor = descriptor.flatMap { fcntl($0, F_GETFD) == -1 ? nil : $0 }
    }

    /// A `pollfd` for the descriptor; -1 (ignored by `poll`) when there is none.
    var pollDescriptor: pollfd {
        pollfd(fd: descriptor ?? -1, events: Int16(POLLIN), revents: 0)
    }

    /// Whether `revents` from polling `pollDescriptor` means the operator interrupted (a closed
    /// write end reads as end-of-file, so it counts too).
    func isRaised(_ revents: Int16) -> Bool {
        revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
    }

    /// Reads and discards what is waiting, so the same Ctrl-C does not also cancel the next step;
    /// returns the signals it stood for (each byte is a signal's number).
    /// Polls before every read so that a descriptor left blocking by mistake cannot hang us.
    @discardableResult
    func drain() -> Set<Int32> {
        guard let descriptor else { return [] }
        var signals: Set<Int32> = []
        var bytes = [UInt8](repeating: 0, count: 256)
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) > 0, poller.revents & Int16(POLLIN | POLLHUP) != 0 {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            for byte in bytes[..<count] { signals.insert(Int32(byte)) }
        }
        return signals
    }
}
