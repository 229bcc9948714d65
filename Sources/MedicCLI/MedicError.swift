/// A problem that stops Medic, told in one plain sentence with what to do next.
struct MedicError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
