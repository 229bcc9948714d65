import Glibc
import MedicCore
import Testing

@testable import MedicRuntime

/// What a program leaves running in the background when it exits: a check's is ended and
/// named, an action's is named and left alone.
@Suite("Background children left behind")
struct LeftoverTests {
    /// The pid a script printed on its first line.
    func pid(in output: String) -> pid_t? { output.split(separator: "\n").first.flatMap { pid_t($0) } }

    @Test("a check that leaves sleep 1007 & running: Medic ends it when the check exits and names it")
    func checkLeftoversEnded() throws {
        let (payload, timeout) = (Invocation.Payload.script("sleep 1007 & echo $!"), TimeSpan.seconds(20))
        var bytes: [UInt8] = []
        let result = LocalRunner().run(invocation(payload, timeout: timeout)) { bytes += $0 }
        let child = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        #expect(result.exitStatus == 0)
        #expect(result.leftovers == ["sleep (pid \(child))"] && result.leftoversEnded)
        #expect(Processes.isGone(child, within: 2000), "the background sleep was ended")
    }

    @Test("an action that leaves a background child: it is named and left running")
    func actionLeftoversLeft() throws {
        let action = Invocation(
            stepID: "act", kind: .action, placement: .local, timeout: .seconds(20), payload: .script("sleep 1008 & echo $!"), environment: [:],
            secrets: [])
        var bytes: [UInt8] = []
        let result = LocalRunner().run(action) { bytes += $0 }
        let child = try #require(pid(in: String(decoding: bytes, as: UTF8.self)))
        defer { kill(child, SIGKILL) }
        #expect(result.leftovers == ["sleep (pid \(child))"] && !result.leftoversEnded)
        #expect(!Processes.isGone(child), "an action's background child is its business")
    }
}
