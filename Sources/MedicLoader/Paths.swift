/// Path arithmetic on strings, done the way Foundation's `NSString` does it on Linux, which is
/// what the loader used before it stopped importing Foundation. Paths in diagnostics and the
/// keys of a bundle's runbooks therefore read exactly as they did.
enum Paths {
    /// The folder part of a path: `runbooks/x.yaml` → `runbooks`, `x.yaml` → empty, `/x` → `/`.
    static func parent(of path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.last == "/" { rest = rest.dropLast() }
        guard let slash = rest.lastIndex(of: "/") else { return "" }
        var folder = rest[..<slash]
        while folder.last == "/" { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The last component of a path: `runbooks/x.yaml` → `x.yaml`.
    static func lastComponent(of path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.last == "/" { rest = rest.dropLast() }
        guard rest != "/", let slash = rest.lastIndex(of: "/") else { return String(rest) }
        return String(rest[rest.index(after: slash)...])
    }

    /// A file name without its extension, from the last dot: `oom.yaml` → `oom`; `.hidden` stays.
    static func deletingExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `component` appended to `path` with one slash between them.
    static func appending(_ component: String, to path: String) -> String {
        if path.isEmpty { return component }
        return path.hasSuffix("/") ? path + component : path + "/" + component
    }

    /// The path a `runbook` step names, standardized as `NSString.standardizingPath` does:
    /// a leading `~` expanded; empty and `.` components dropped; in an absolute path `..`
    /// removes the component before it; each symbolic link met after the first component is
    /// replaced by its real path. A relative path keeps its `..` components.
    static func standardized(_ path: String) -> String {
        let expanded = expandingTilde(path)
        var components = self.components(of: expanded)
        if components.count > 1, components.last == "/" { components.removeLast() }
        guard !components.isEmpty else { return expanded }
        let isAbsolute = expanded.hasPrefix("/") || expanded.hasPrefix("~")
        var resolved = components.removeFirst()
        for component in components {
            if component.isEmpty || component == "." { continue }
            if component == "..", isAbsolute {
                resolved = parent(of: resolved)
                continue
            }
            resolved = appending(component, to: resolved)
            // Foundation takes the link's destination through realpath(3), which reads a
            // relative destination from the working folder, and leaves a link it cannot resolve.
            if let destination = FileSystem.symbolicLinkDestination(resolved), let real = FileSystem.realPath(destination) {
                resolved = real
            }
        }
        return resolved
    }

    /// `/` first for an absolute path, then the names between slashes, then `/` again when the
    /// path ends with one.
    private static func components(of path: String) -> [String] {
        guard !path.isEmpty else { return [] }
        var result: [String] = path.hasPrefix("/") ? ["/"] : []
        result += path.split(separator: "/").map(String.init)
        if path.count > 1, path.hasSuffix("/") { result.append("/") }
        return result
    }

    private static func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let endOfUser = path.firstIndex(of: "/") ?? path.endIndex
        let user = String(path[path.index(after: path.startIndex)..<endOfUser])
        var result = path
        if let home = FileSystem.homeDirectory(ofUser: user.isEmpty ? nil : user) {
            result = home + path[endOfUser...]
        }
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
