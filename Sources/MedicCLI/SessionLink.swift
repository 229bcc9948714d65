import MedicCore
import MedicLoader

/// How a continuation's start record names the session directory of the run it continues
/// (its `--resumed-from=` flag), and how `resume` reads that name back.
enum SessionLink {
    /// `earlier` as the session at `session` records it: `../NAME` when the two directories are
    /// side by side (as Medic's default session folders are), so the record holds no more of
    /// either path than the earlier one's name, and the two can move together; otherwise the
    /// absolute path.
    static func written(_ earlier: String, from session: String) -> String {
        let earlier = FileSystem.absolutePath(earlier)
        let (earlierFolder, name) = split(earlier)
        guard !name.isEmpty, name != "..", name != ".", earlierFolder == split(FileSystem.absolutePath(session)).folder else { return earlier }
        return "../" + name
    }

    /// The directory that `link`, recorded in the session at `session`, names.
    static func resolved(_ link: String, from session: String) -> String {
        guard !link.hasPrefix("/") else { return link }
        // From the session directory's real path: `..` of a symbolic link is its target's parent.
        let folder = FileSystem.absolutePath(session)
        return FileSystem.absolutePath((FileSystem.realPath(folder) ?? folder) + "/" + link)
    }

    /// Whether `path` is the one `recorded` names, where each mask in `recorded` stands for the
    /// text of a secret (one character or more) that was masked when it was recorded.
    static func path(_ path: String, matches recorded: String) -> Bool {
        guard isMasked(recorded) else { return path == recorded }
        let pieces = recorded.split(separator: Masking.mask, omittingEmptySubsequences: false)
        guard let first = pieces.first, let last = pieces.last, path.hasPrefix(first) else { return false }
        var rest = path.dropFirst(first.count)
        for piece in pieces.dropFirst().dropLast() {
            // Each mask hides at least one character.
            guard !rest.isEmpty, let found = rest.dropFirst().firstRange(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.count > last.count && rest.hasSuffix(last)
    }

    /// Whether part of `link` was masked when it was recorded (part of the path is the value of
    /// a secret input), so it no longer names the directory.
    static func isMasked(_ path: String) -> Bool { path.contains(Masking.mask) }

    /// An absolute path's folder and last component.
    static func split(_ path: String) -> (folder: String, name: String) {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return ("", String(path)) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
