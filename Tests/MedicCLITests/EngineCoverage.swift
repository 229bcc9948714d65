import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// What the engine walks of this test process ran against the real Docker engine, read from
/// their journals: each walk on runtime docker or compose records its session here, with the
/// Compose the lab used (v1 or v2), and `EngineLabTests`' last test compares the steps that
/// ran with every docker and compose step of nginx-502.yaml and the runbooks it calls.
final class EngineRuns: @unchecked Sendable {
    static let shared = EngineRuns()

    /// One walk: the runtime as the coverage counts it (`docker`, `compose v1`, `compose v2`)
    /// and the steps whose command ran (not dry-run, not skipped), qualified ids.
    struct Walk {
        let runtime: String
        let steps: Set<String>
        let label: String
    }

    private let lock = NSLock()
    private var walks: [Walk] = []
    private var skips: [String] = []

    /// Records the walk of `evidence` on `lab` (nothing for supervisor).
    func record(_ evidence: SessionEvidence, lab: Lab, label: String) {
        guard let runtime = Self.runtime(of: lab) else { return }
        let results = Dictionary(evidence.results.map { ($0.stepID, $0) }, uniquingKeysWith: { first, _ in first })
        let ran = evidence.events.compactMap { event -> String? in
            guard case .run(let run) = event, !run.dryRun, results[run.stepID]?.notRun == nil else { return nil }
            return run.stepID
        }
        lock.withLock { walks.append(Walk(runtime: runtime, steps: Set(ran), label: label)) }
    }

    /// Records that lab/up could not start an engine lab (its reason), so that the coverage
    /// test is skipped with it rather than failed.
    func recordSkip(_ reason: String) { lock.withLock { skips.append(reason) } }

    var recorded: (walks: [Walk], skips: [String]) { lock.withLock { (walks, skips) } }

    /// `docker`, `compose v1` or `compose v2` for an engine lab; nil for supervisor.
    static func runtime(of lab: Lab) -> String? {
        switch lab["RUNTIME"] {
        case "docker": "docker"
        case "compose": "compose " + lab["COMPOSE_VERSION"]
        default: nil
        }
    }
}

/// Every docker and compose step of a runbook bundle: what must have run against the engine.
enum EngineCoverage {
    /// The runtimes each compose step must have run with: both Composes (lab/install fetches
    /// v2 from PyPI, see lab/compose-v2.txt; Debian ships v1).
    static let composeVersions = ["compose v1", "compose v2"]

    /// What cannot run against the engine here, each with its reason: (qualified step id,
    /// runtime) → why. Empty today: every docker and compose step runs on this machine. (The
    /// cgroup v2 paths inside the memory steps' scripts are not steps: this machine is cgroup
    /// v1, so they run only where the kernel is v2; see README's list of what is not run for real.)
    static let exclusions: [String: String] = [:]

    /// (qualified step id, runtime) for every step of the bundle that runs a docker or compose
    /// command: each docker/compose variant of a `by: runtime` step, and each step without
    /// variants whose command or script calls docker or Compose (the docker-* steps under
    /// docker, the compose-* steps under compose, the others, which pick by $RUNTIME, under both).
    static func required(runbook path: String) throws -> [(step: String, runtime: String)] {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(path)
        let loaded = try #require(bundle, "\(diagnostics)")
        var required: [(String, String)] = []
        for runbook in loaded.runbooks.values.sorted(by: { $0.path < $1.path }) {
            let prefix = runbook.id == loaded.root.id ? "" : runbook.id + "/"
            for step in runbook.steps {
                let id = prefix + step.id
                if let variants = step.variants {
                    guard variants.input == "runtime" else { continue }
                    for variant in variants.cases where variant.execution != nil {
                        switch variant.value {
                        case "docker": required.append((id, "docker"))
                        case "compose": required += composeVersions.map { (id, $0) }
                        default: break
                        }
                    }
                    continue
                }
                guard let execution = step.execution, callsEngine(execution) else { continue }
                if step.id.hasPrefix("docker-") {
                    required.append((id, "docker"))
                } else if step.id.hasPrefix("compose-") {
                    required += composeVersions.map { (id, $0) }
                } else {
                    required += [(id, "docker")] + composeVersions.map { (id, $0) }
                }
            }
        }
        return required
    }

    /// The required (step, runtime) pairs that no walk ran and no exclusion names, as
    /// "step (runtime)".
    static func missing(_ required: [(step: String, runtime: String)], walks: [EngineRuns.Walk]) -> [String] {
        var ran: [String: Set<String>] = [:]
        for walk in walks { ran[walk.runtime, default: []].formUnion(walk.steps) }
        return required.filter { exclusions["\($0.step) \($0.runtime)"] == nil && ran[$0.runtime]?.contains($0.step) != true }
            .map { "\($0.step) (\($0.runtime))" }
    }

    /// Whether a command or script calls `docker` or the compose helper (comments aside).
    static func callsEngine(_ execution: Execution) -> Bool {
        switch execution {
        case .command(let arguments):
            return arguments.first?.raw == "docker"
        case .script(let text, _):
            return text.split(separator: "\n").contains { line in
                let code = line.trimmingCharacters(in: .whitespaces)
                return !code.hasPrefix("#") && code.firstMatch(of: /(^|[\s|;&($`])(docker|compose)\s/) != nil
            }
        default:
            return false
        }
    }
}

/// The coverage test's own logic, without an engine: what it requires of the shipped runbooks,
/// and that a step no walk ran is reported.
@Suite("the engine coverage list")
struct EngineCoverageTests {
    @Test("the docker and compose steps of nginx-502.yaml and app-down.yaml, each compose step under v1 and v2")
    func requiredSteps() throws {
        let required = try EngineCoverage.required(runbook: LabTests.runbook)
        let keys = Set(required.map { "\($0.step) \($0.runtime)" })
        for key in [
            "app-log-pool docker", "app-log-pool compose v2", "app-down/docker-logs docker", "app-down/compose-depends compose v1",
            "app-down/compose-depends compose v2", "app-down/restart docker", "app-down/restart compose v2", "app-down/kernel-oom docker",
            "app-down/memory-limit compose v1",
        ] {
            #expect(keys.contains(key), "\(key) is not required")
        }
        // Not docker or compose: the supervisor section, the HTTP checks, the root's nginx steps.
        for key in ["app-down/supervisor-status docker", "app-down/app-health docker", "error-log docker", "app-down/docker-ps compose v1"] {
            #expect(!keys.contains(key), "\(key) is required")
        }
    }

    @Test("a required step that no walk ran is reported, under the runtime it lacks")
    func missingStep() {
        let required = [(step: "app-down/restart", runtime: "docker"), (step: "app-down/restart", runtime: "compose v2")]
        let walks = [EngineRuns.Walk(runtime: "docker", steps: ["app-down/restart"], label: "docker stopped")]
        #expect(EngineCoverage.missing(required, walks: walks) == ["app-down/restart (compose v2)"])
        #expect(EngineCoverage.missing(required, walks: walks + [.init(runtime: "compose v2", steps: ["app-down/restart"], label: "v2")]).isEmpty)
    }
}
