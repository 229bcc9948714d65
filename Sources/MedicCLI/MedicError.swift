import MedicCore

/// A problem that stops Medic, told in one plain sentence with what to do next.
struct MedicError: Error, CustomStringConvertible {
    let description: String
    /// How Medic exits: `failure` unless the command line itself was wrong (`usage`).
    let status: ExitStatus

    init(_ description: String, status: ExitStatus = .failure) {
        self.description = description
        self.status = status
    }
}
