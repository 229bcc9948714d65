import Foundation
import Glibc
import MedicCore
import MedicRuntime
import Testing

@Suite("The TCP probe, against loopback sockets")
struct TCPProbeTests {
    @Test("a listening port is open")
    func open() throws {
        let listener = try LoopbackSocket(listening: 8)
        defer { listener.close() }
        let ran = run(.tcp(host: "127.0.0.1", port: listener.port))
        #expect(ran.text == "open 127.0.0.1:\(listener.port)\n")
        #expect(!ran.result.timedOut && !ran.result.cancelled)
        #expect(ran.result.exitStatus == nil)
    }

    @Test("a port nothing listens on is refused")
    func refused() throws {
        let port = try LoopbackSocket.closedPort()
        let ran = run(.tcp(host: "127.0.0.1", port: port))
        #expect(ran.text == "refused 127.0.0.1:\(port)\n")
    }

    @Test("IPv6 loopback addresses are written in brackets")
    func ipv6() throws {
        let port = try LoopbackSocket.closedPort()
        let ran = run(.tcp(host: "::1", port: port))
        // Where IPv6 is disabled the probe says unreachable instead; either way it is not open.
        #expect(ran.text == "refused [::1]:\(port)\n" || ran.text.hasPrefix("unreachable: "))
    }

    @Test("a port out of range is unresolved")
    func badPort() {
        #expect(run(.tcp(host: "127.0.0.1", port: 70000)).text == "unresolved: port 70000 is not between 1 and 65535\n")
    }

    /// A listener whose accept queue is full, so that the kernel drops new connection attempts
    /// and a connect hangs: a stand-in for a firewalled port, without leaving loopback.
    private func saturatedListener() throws -> (LoopbackSocket, [Int32]) {
        let listener = try LoopbackSocket(listening: 0)
        let clients = (0..<3).map { _ in LoopbackSocket.connectWithoutWaiting(to: listener.port) }
        usleep(100_000)
        return (listener, clients)
    }

    @Test("a connect that gets no answer times out at the step's timeout")
    func timeout() throws {
        let (listener, clients) = try saturatedListener()
        defer {
            listener.close()
            for client in clients { close(client) }
        }
        let start = ContinuousClock.now
        let ran = run(.tcp(host: "127.0.0.1", port: listener.port), timeout: TimeSpan(milliseconds: 400))
        let elapsed = milliseconds(since: start)
        #expect(ran.text == "timeout 127.0.0.1:\(listener.port) (no answer within 400ms)\n")
        #expect(ran.result.timedOut)
        #expect(elapsed >= 390 && elapsed < 1500, "took \(elapsed) ms")
    }

    @Test("the interrupt pipe cancels a hanging connect")
    func cancellation() throws {
        let (listener, clients) = try saturatedListener()
        defer {
            listener.close()
            for client in clients { close(client) }
        }
        let interrupt = try InterruptPipe()
        defer { interrupt.close() }
        interrupt.raise(afterMilliseconds: 200)
        let start = ContinuousClock.now
        let ran = run(.tcp(host: "127.0.0.1", port: listener.port), on: LocalRunner(interruptDescriptor: interrupt.readEnd))
        let elapsed = milliseconds(since: start)
        #expect(ran.result.cancelled)
        #expect(!ran.text.hasPrefix("open"))
        #expect(elapsed >= 190 && elapsed < 1500, "took \(elapsed) ms")
        #expect(!interrupt.hasUnreadBytes)
    }
}
