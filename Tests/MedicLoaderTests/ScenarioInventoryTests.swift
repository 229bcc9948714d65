import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A scenario's `inventory`: the Ansible groups' hosts that `{ansible_group: …}` sets read in
/// `medic test` and drills, with no Ansible installed, and the located errors of a bad one.
@Suite("Inventories in scenarios")
struct ScenarioInventoryTests {
    static let runbook = Fleet.yaml

    static func scenario(_ text: String) throws -> (Scenario?, [Diagnostic], String) {
        let folder = try TestSupport.temporaryDirectory()
        let path = folder + "/s.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let bundle = TestSupport.bundle(try TestSupport.runbook(runbook))
        let (scenario, diagnostics) = ScenarioLoader().load(path, ansibleGroups: bundle.ansibleGroupNames)
        return (scenario, diagnostics, path)
    }

    @Test("the inventory's hosts are the group's: each answers from its own recorded result")
    func walksTheGroup() throws {
        let (loaded, diagnostics, _) = try Self.scenario(
            """
            medic-scenario: 1
            inventory:
              web: [web1.example.net, deploy@10.0.0.2]
            results:
              state:
                hosts:
                  web1.example.net: {exit: 0, output: "active\\n"}
                  deploy@10.0.0.2: {exit: 0, output: "active\\n"}
            expect: {outcome: no-fault, path: [state, fine]}
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let scenario = try #require(loaded)
        #expect(scenario.inventory == ["web": ["web1.example.net", "deploy@10.0.0.2"]])
        let runner = ScenarioRunner(bundle: TestSupport.bundle(try TestSupport.runbook(Self.runbook)))
        let report = runner.run(scenario)
        #expect(report.failures.isEmpty, "\(report.failures)")

        // A third host in the inventory has no recorded result: the check did not succeed there.
        var wider = scenario
        wider.inventory = ["web": ["web1.example.net", "deploy@10.0.0.2", "web3"]]
        wider.expectedOutcome = nil
        wider.expectedPath = nil
        #expect(runner.run(wider).path == ["state", "lost"])
    }

    @Test("without an inventory the walk stops at the first step on the group, and says how to give one")
    func noInventory() throws {
        let (loaded, _, _) = try Self.scenario(
            """
            medic-scenario: 1
            results:
              state: {hosts: {web1: {exit: 0}}}
            expect: {outcome: no-fault}
            """)
        let report = ScenarioRunner(bundle: TestSupport.bundle(try TestSupport.runbook(Self.runbook))).run(try #require(loaded))
        #expect(
            report.failures == [
                "the walk stalled at 'state': the hosts of Ansible group 'web' are not known (no inventory was read)"
                    + " (a scenario gives the groups' hosts with 'inventory')"
            ], "\(report.failures)")
    }

    @Test("a bad inventory is refused with located errors: unknown group, hostile host, not a list, a host twice")
    func locatedErrors() throws {
        let (loaded, diagnostics, path) = try Self.scenario(
            """
            medic-scenario: 1
            inventory:
              wbe: [web1]
              web: [web1, "-oProxyCommand=evil", web1]
            expect: {outcome: no-fault}
            """)
        #expect(loaded == nil)
        let lines = diagnostics.map(\.description)
        #expect(
            lines.contains(
                "\(path):3:3: error: the inventory gives group 'wbe', which no host set of the runbook names\n\(path):3:3: note: did you mean 'web'?"),
            "\(lines)")
        #expect(lines.contains { $0.hasPrefix(path + ":4:15: error: '-oProxyCommand=evil' is not a host name") }, "\(lines)")
        #expect(lines.contains("\(path):4:38: error: host 'web1' is listed twice in group 'web'"), "\(lines)")

        let (notList, listDiagnostics, listPath) = try Self.scenario(
            """
            medic-scenario: 1
            inventory:
              web: web1
            expect: {outcome: no-fault}
            """)
        #expect(notList == nil)
        #expect(listDiagnostics.map(\.description).contains { $0.hasPrefix("\(listPath):3:8: error: the hosts of group 'web' must be a list\n") })
    }
}
