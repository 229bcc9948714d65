import CSandbox
import Glibc

/// How a check's process is confined, beyond the validator's proof that it only reads: defence
/// in depth for a check that is read-only on its author's word, or an allow-list that is wrong.
///
/// Every check runs with `no_new_privs` (no setuid program or file capability can raise its
/// privileges). Where the kernel and Medic's privileges allow (root, or CAP_SYS_ADMIN), it also
/// runs in a private mount namespace in which every mount is read-only, with a fresh tmpfs as
/// its only writable place (`$TMPDIR`), gone when the check ends. Where they do not, checks run
/// with `no_new_privs` only, and `note` says so.
public struct CheckSandbox: Sendable {
    /// Whether checks get the read-only mount namespace.
    public let confinesMounts: Bool
    /// Why the mount namespace is not available here, or nil when it is.
    public let unavailableReason: String?

    /// What this machine allows, found once per process by trying it in a throwaway child.
    public static let detected: CheckSandbox = probe()

    /// No mount confinement (`no_new_privs` only), for tests and for `reason`.
    public static func privilegesOnly(reason: String) -> CheckSandbox {
        CheckSandbox(confinesMounts: false, unavailableReason: reason)
    }

    /// The read-only mount namespace, without probing (for tests that know it works).
    public static let full = CheckSandbox(confinesMounts: true, unavailableReason: nil)

    /// The same, without the read-only mount namespace: for a check whose runbook says why it
    /// must write outside its scratch folder (`writable_fs`).
    var withoutMountConfinement: CheckSandbox {
        CheckSandbox(confinesMounts: false, unavailableReason: unavailableReason)
    }

    /// One sentence for the operator when checks run less confined than documented; nil otherwise.
    public var note: String? {
        unavailableReason.map {
            "checks run with no_new_privs only, not in a read-only mount namespace: \($0)"
        }
    }

    private static func probe() -> CheckSandbox {
        guard let scratch = Scratch.make() else {
            return .privilegesOnly(reason: "no scratch folder could be created in \(Scratch.parent)")
        }
        defer { scratch.remove() }
        var stage: Int32 = 0
        let code = medic_sandbox_probe(scratch.path, &stage)
        guard code == 0 else {
            return .privilegesOnly(reason: "could not \(String(cString: medic_sandbox_stage_name(stage))) (\(errorText(code)))")
        }
        return .full
    }
}

/// A check's private scratch folder: an empty folder made on the host, on which the check's own
/// mount namespace puts a tmpfs; the host's folder stays empty and is removed after the check.
struct Scratch {
    let path: String

    /// Where scratch folders are made: `$TMPDIR`, else /tmp.
    static var parent: String {
        if let tmp = getenv("TMPDIR").map({ String(cString: $0) }), tmp.hasPrefix("/") { return tmp }
        return "/tmp"
    }

    static func make() -> Scratch? {
        var template = Array((parent + "/medic-scratch-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap(mkdtemp).map { String(cString: $0) }
        }
        return path.map(Scratch.init)
    }

    func remove() {
        _ = rmdir(path)
    }
}
