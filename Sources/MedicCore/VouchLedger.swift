/// Which unverified checks (read-only on their author's word, `read_only`) an operator has
/// already confirmed, per digest of the runbook that holds them.
///
/// A check is confirmed once per runbook digest: the same bytes ask once, a changed runbook
/// asks again. The real ledger lives in Medic's state folder; tests use one in memory.
public protocol VouchLedger: Sendable {
    /// Whether the check `stepID` of the runbook whose bytes hash to `digest` was confirmed.
    func isConfirmed(stepID: String, digest: String) -> Bool
    /// Remembers that the check was confirmed.
    func remember(stepID: String, digest: String) throws
}
