import MedicCore

/// A `ConfigurationJudge` that accepts every configuration file but those it is told to refuse.
public struct JudgeDouble: ConfigurationJudge {
    /// Why each refused path fails, by path.
    public var refusals: [String: String]

    /// A judge refusing the paths in `refusals`, with their reasons.
    public init(refusals: [String: String] = [:]) {
        self.refusals = refusals
    }

    public func problem(_ path: ConfigurationPath) -> String? {
        refusals[path.path].map { "\(path.option) \(path.path): \($0)" }
    }
}
