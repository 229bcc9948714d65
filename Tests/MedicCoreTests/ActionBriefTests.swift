import MedicCore
import MedicTestSupport
import Testing

/// What an action's confirmation shows and explains: the values its script reads and the brief
/// `why` gives.
@Suite("Before an approval")
struct ActionBriefTests {
    static func invocation(_ payload: Invocation.Payload, environment: [String: String] = [:], secrets: [String] = []) -> Invocation {
        Invocation(
            stepID: "fix", kind: .action, placement: .local, timeout: .seconds(120), payload: payload, environment: environment, secrets: secrets)
    }

    @Test("a script's values: what it reads from Medic, in order, once; not what it quotes away, escapes, comments out or sets itself")
    func scriptValues() {
        let script = """
            echo "$A" '$B' \\$C ${D:-x} $E1 $A # $F
            G=1; for H in x; do echo "$H $G $NOT_MEDICS"; done
            """
        let environment = ["A": "a", "B": "b", "C": "c", "D": "d", "E1": "e", "F": "f", "G": "g", "H": "h", "KEY": "k"]
        let values = Self.invocation(.script(script), environment: environment).scriptValues
        #expect(values.map(\.name) == ["A", "D", "E1"])
        #expect(values.map(\.value) == ["a", "d", "e"])
        let secret = Self.invocation(.script("curl -u \"admin:$KEY\""), environment: environment, secrets: ["k"]).scriptValues
        #expect(secret.map(\.value) == ["••••"])
        #expect(Self.invocation(.command(argv: ["echo", "$A"]), environment: environment).scriptValues.isEmpty, "a command has no script to read")
    }

    static func step(skip: Bool) throws -> Step {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: brief
            title: Brief
            steps:
              fix:
                kind: action
                title: Fix
                why: w
                script: ./fix-it --now
                \(skip ? "skip: after" : "")
                branches:
                  - when: {exit: [0, 3]}
                    next: after
                  - otherwise: after
              after: {kind: conclusion, title: After, why: w, outcome: resolved, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        return try #require(runbook.step("fix"))
    }

    @Test("why at an action: what it changes, how it can go wrong, and where each answer and result leads")
    func brief() throws {
        let request = ConfirmationRequest(expected: "yes", mode: .yes, skipTo: "after")
        let unknown = ActionBrief(
            step: try Self.step(skip: true), invocation: Self.invocation(.script("./fix-it --now")), request: request, ranBefore: false)
        #expect(
            unknown.lines == [
                "What it changes (on this machine): Medic knows no command in it that changes state, but the runbook calls it an action: treat it as one that does.",
                "If it runs past 2m, its whole process group is stopped (SIGTERM, then SIGKILL), which can leave the change half done.",
                "Afterwards, by its result: exit status in 0/3 → after; otherwise → after.",
                "If you decline (no or skip), the run goes on at after without it; abort stops the run.",
            ])

        let script = Self.invocation(.script("docker stop $IDS; supervisorctl restart app > /var/log/x"))
        let several = ActionBrief(step: try Self.step(skip: false), invocation: script, request: request, ranBefore: true)
        #expect(
            several.lines[0]
                == "What it changes (on this machine): 'docker stop' changes state; it writes to '/var/log/x' with a redirection; 'supervisorctl restart' changes state."
        )
        #expect(several.lines.contains("It already ran in this run (`show fix` prints its output): running it again repeats the change."))
        #expect(several.lines.last == "If you decline (no or skip), the run ends: the runbook has no way around this step; abort stops it too.")

        let post = HTTPRequest(method: "POST", url: "http://127.0.0.1:8080/admin/flush?token=s3cret", headers: [], body: nil, followRedirects: false)
        let http = ActionBrief(
            step: try Self.step(skip: true), invocation: Self.invocation(.http(post), secrets: ["s3cret"]), request: request, ranBefore: false)
        #expect(
            http.lines[0].hasPrefix(
                "What it changes (on this machine): it sends POST http://127.0.0.1:8080/admin/flush?token=••••, and the server decides"))
        #expect(http.lines[1] == "It gives up after 2m; a request that timed out may still have reached the server.")
    }
}
