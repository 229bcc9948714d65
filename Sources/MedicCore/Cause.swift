/// A cause a runbook's conclusions may name (`causes:`): what went wrong, in the runbook's words.
///
/// A runbook declares every cause its own conclusions name; nothing else can be a cause. The
/// title and description are claims an incident reviewer reads as fact, shown wherever the
/// cause is (the screen's ending, the journal's `end` record, the report, `show`, `graph`,
/// `medic test` and drills). Within one bundle (a runbook and every runbook it calls) an id
/// means one thing: runbooks that declare the same id declare the same title and description.
public struct Cause: Sendable, Hashable {
    /// The id conclusions, `cause:` conditions and scenarios name: lower-case letters, digits and `-`.
    public var id: String
    /// One line: what went wrong.
    public var title: String
    /// What the cause means and what tells it apart, for reviewers and the incident record.
    public var description: String
    /// Where it is declared.
    public var location: SourceLocation

    /// Creates a cause.
    public init(id: String, title: String, description: String, location: SourceLocation) {
        self.id = id
        self.title = title
        self.description = description
        self.location = location
    }
}
