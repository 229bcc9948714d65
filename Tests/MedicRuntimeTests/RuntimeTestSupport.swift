import Dispatch
import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport

/// What a step printed and how it ended.
struct Ran {
    var result: StepResult
    var bytes: [UInt8]
    var chunkSizes: [Int]
    /// The output as text (invalid UTF-8 replaced).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// An invocation of `payload` as a check, with nothing secret.
func invocation(_ payload: Invocation.Payload, timeout: TimeSpan = .seconds(20), environment: [String: String] = [:]) -> Invocation {
    Invocation(stepID: "test", kind: .check, placement: .local, timeout: timeout, payload: payload, environment: environment, secrets: [])
}

/// Runs `payload` on `runner`, collecting its output.
func run(
    _ payload: Invocation.Payload, timeout: TimeSpan = .seconds(20), environment: [String: String] = [:], on runner: LocalRunner = LocalRunner()
) -> Ran {
    var bytes: [UInt8] = []
    var sizes: [Int] = []
    let result = runner.run(invocation(payload, timeout: timeout, environment: environment)) { chunk in
        bytes += chunk
        sizes.append(chunk.count)
    }
    return Ran(result: result, bytes: bytes, chunkSizes: sizes)
}

/// Milliseconds since `start`. The runner counts whole milliseconds, so a deadline can fall up to
/// a few milliseconds short of the test's reckoning: lower bounds allow 10 ms.
func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let elapsed = ContinuousClock.now - start
    return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
}

/// The operator's Ctrl-C, as a pipe the runner watches.
final class InterruptPipe {
    let readEnd: Int32
    private let writeEnd: Int32
    private let pending = DispatchGroup()

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw TestFailure("pipe failed") }
        readEnd = ends[0]
        writeEnd = ends[1]
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
    }

    /// Writes a byte after `milliseconds`, from a thread of its own: a dispatch queue's few
    /// threads can all be blocked by other tests running in parallel, which delayed the byte by
    /// most of a second.
    func raise(afterMilliseconds milliseconds: Int) {
        let descriptor = writeEnd
        pending.enter()
        let thread = Thread { [pending] in
            usleep(useconds_t(milliseconds * 1000))
            var byte: UInt8 = 3
            _ = write(descriptor, &byte, 1)
            pending.leave()
        }
        thread.start()
    }

    /// Whether bytes are waiting (the runner should have drained them).
    var hasUnreadBytes: Bool {
        var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    /// Closes both ends once any pending write has happened.
    func close() {
        pending.wait()
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}

/// Processes started by the tests.
enum Processes {
    /// Whether `pid` no longer runs. An orphan killed by the runner is reaped by init, which may
    /// take a moment or (in a container whose init does not reap) never: a zombie counts as gone.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        return state(of: pid).map { $0 == "Z" || $0 == "X" } ?? true
    }

    /// Waits up to `limit` milliseconds for `pid` to be gone.
    static func isGone(_ pid: pid_t, within limit: Int) -> Bool {
        let start = ContinuousClock.now
        while !isGone(pid) {
            if milliseconds(since: start) > limit { return false }
            usleep(20_000)
        }
        return true
    }

    /// The live (not zombie) processes in process group `group`.
    static func living(inGroup group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let fields = statFields(of: pid), fields.count > 2 else { return false }
            return fields[0] != "Z" && fields[0] != "X" && Int32(fields[2]) == group
        }
    }

    /// The process's state letter, from /proc/PID/stat.
    private static func state(of pid: pid_t) -> String? { statFields(of: pid)?.first }

    /// The fields of /proc/PID/stat after the command name: state, ppid, pgrp, …
    private static func statFields(of pid: pid_t) -> [String]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").map(String.init)
    }
}

/// This process's peak resident memory (VmHWM), in KiB.
func peakResidentKilobytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

/// A TCP socket on 127.0.0.1.
final class LoopbackSocket {
    let descriptor: Int32
    let port: Int

    /// Binds a free port on 127.0.0.1; listens with `backlog` unless it is nil.
    init(listening backlog: Int32?) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind failed") }
        if let backlog, listen(descriptor, backlog) != 0 { throw TestFailure("listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port on 127.0.0.1 that nothing listens on (bound for a moment, then released).
    static func closedPort() throws -> Int {
        let socket = try LoopbackSocket(listening: nil)
        socket.close()
        return socket.port
    }

    /// Starts a nonblocking connect to `port` on 127.0.0.1 and returns the client socket.
    static func connectWithoutWaiting(to port: Int) -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return client
    }

    func close() { _ = Glibc.close(descriptor) }
}
