import MedicCore

/// Reads the Ansible inventory with the system's `ansible-inventory --list`.
public enum InventoryReader {
    /// The groups of the inventory, or why it could not be read.
    public static func read(timeoutSeconds: Int = 60) -> Result<[String: [String]], WalkProblem> {
        var output: [UInt8] = []
        let runner = ProcessRunner(interrupt: Interrupt(descriptor: nil), graceMilliseconds: 1000)
        let result = runner.run(["ansible-inventory", "--list"], environment: [:], timeout: .seconds(Int64(timeoutSeconds))) { output += $0 }
        let text = String(decoding: output, as: UTF8.self)
        if let reason = result.failureReason { return .failure(WalkProblem("ansible-inventory could not run: \(reason)")) }
        guard result.exitStatus == 0 else {
            let last = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            return .failure(
                WalkProblem("ansible-inventory --list failed (exit \(result.exitStatus.map(String.init) ?? "?"))" + (last.isEmpty ? "" : ": " + last))
            )
        }
        // Warnings go to stderr, which shares the pipe: the JSON is the object from the first `{`.
        guard let brace = text.firstIndex(of: "{") else { return .failure(WalkProblem("ansible-inventory --list printed no JSON")) }
        return AnsibleInventory.groups(fromJSON: String(text[brace...]))
    }
}
