import Testing

/// What `medic run runbooks/nginx-502.yaml` must conclude in one scenario of the lab.
struct LabExpectation: Sendable, CustomTestStringConvertible {
    let scenario: String
    let outcome: String
    let cause: String
    /// The root conclusions that may end the walk (`slow` ends in either timeout conclusion,
    /// depending on the host's load).
    let conclusions: Set<String>
    /// The actions that must run, in order (qualified step ids).
    var actions: [String] = []
    /// The login checks the path must include, by step id within verify-site.yaml, with the
    /// HTTP status each must have seen; no other login check may run.
    var logins: [String: Int] = [:]

    var testDescription: String { scenario }

    /// `medic run`'s exit status for the outcome.
    var exitStatus: Int32 {
        switch outcome {
        case "resolved": 0
        case "escalate": 3
        case "no-fault": 5
        default: 4
        }
    }

    static let healthy = LabExpectation(
        scenario: "healthy", outcome: "no-fault", cause: "none", conclusions: ["no-fault-now"],
        logins: ["login-right": 200, "login-wrong": 401])
    static let oom = LabExpectation(
        scenario: "oom", outcome: "resolved", cause: "oom-killed", conclusions: ["fixed-oom"],
        actions: ["app-down/stop-build", "app-down/stop-extras", "app-down/restart"],
        logins: ["login-right": 200, "login-wrong": 401])
    static let crashed = LabExpectation(scenario: "crashed", outcome: "escalate", cause: "upstream-crashed", conclusions: ["crash-escalate"])
    static let wrongPort = LabExpectation(
        scenario: "wrong-port", outcome: "escalate", cause: "wrong-upstream-address", conclusions: ["wrong-address"])
    static let socketMissing = LabExpectation(
        scenario: "socket-missing", outcome: "escalate", cause: "socket-missing", conclusions: ["socket-missing-running"])
    static let headerTooBig = LabExpectation(
        scenario: "header-too-big", outcome: "escalate", cause: "header-too-big", conclusions: ["header-too-big"])
    static let slow = LabExpectation(
        scenario: "slow", outcome: "escalate", cause: "upstream-timeout", conclusions: ["slow-upstream", "host-starved"])
    static let authBroken = LabExpectation(
        scenario: "auth-broken", outcome: "escalate", cause: "auth-broken", conclusions: ["auth-broken"], logins: ["login-right": 401])

    /// Every scenario but `oom`, which needs root and a memory cgroup and has tests of its own.
    static let withoutOOM = [healthy, crashed, wrongPort, socketMissing, headerTooBig, slow, authBroken]
}
