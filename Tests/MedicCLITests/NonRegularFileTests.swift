import Foundation
import MedicTestSupport
import Testing

/// The real `medic` binary given files that are not what they seem: a FIFO named as a runbook,
/// found in a folder, or called by another runbook. Every run has a time limit, so a regression
/// that blocks on the FIFO fails the test instead of hanging it.
@Suite("medic refuses files that are not runbooks without reading them")
struct NonRegularFileTests {
    /// A fresh folder holding a FIFO `pipe.yaml` and the runbook `caller.yaml` that calls it.
    func folderWithFIFO() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medic-fifo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(mkfifo(folder + "/pipe.yaml", 0o600) == 0)
        try TestSupport.writeRunbook(TestSupport.callerRunbook(calling: "pipe.yaml"), named: "caller.yaml", in: folder)
        return folder
    }

    func medic(_ arguments: [String], in folder: String) throws -> Spawn.Ended {
        try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", folder, CommandLineTests.binary] + arguments,
            environment: ["NO_COLOR": "1"], timeout: 20)
    }

    @Test("a FIFO named as the runbook is refused with a located error, without blocking")
    func namedFIFO() throws {
        let folder = try folderWithFIFO()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for command in ["validate", "show", "run"] {
            let run = try medic([command, "pipe.yaml"], in: folder)
            #expect(run.status != 0, "\(command): \(run.output)")
            #expect(run.output.contains("pipe.yaml:1:1: error: is not a regular file (a FIFO, socket or device)"), "\(command): \(run.output)")
        }
    }

    @Test("a FIFO called by a runbook is refused at the call, without blocking")
    func calledFIFO() throws {
        let folder = try folderWithFIFO()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try medic(["validate", "caller.yaml"], in: folder)
        #expect(run.status != 0, "\(run.output)")
        #expect(run.output.contains("pipe.yaml:1:1: error: is not a regular file"), "\(run.output)")
    }

    @Test("a FIFO among the YAML files of a folder `medic list` reads does not stop the listing")
    func listedFIFO() throws {
        let folder = try folderWithFIFO()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try medic(["list", folder], in: folder)
        #expect(run.output.contains("caller"), "\(run.output)")
        #expect(run.output.contains("/pipe.yaml    invalid (1 error)"), "\(run.output)")
    }
}
