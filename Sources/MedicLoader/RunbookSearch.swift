#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finding a runbook by name, so that `medic run nginx-502` works from any directory.
///
/// An argument that names an existing file is that file: an explicit path always wins. One
/// without a slash is then looked up as `NAME.yaml`, `NAME.yml` or `NAME` in each folder of the
/// search path, first match wins:
///
/// 1. every folder of `$MEDIC_RUNBOOK_PATH` (colon-separated), when set;
/// 2. `./runbooks`;
/// 3. `$XDG_DATA_HOME/medic/runbooks` (default `~/.local/share/medic/runbooks`);
/// 4. `../share/medic/runbooks` next to the `medic` binary (where `make install PREFIX=…` and
///    the Debian package put the shipped runbooks);
/// 5. `medic/runbooks` in each folder of `$XDG_DATA_DIRS` (default `/usr/local/share:/usr/share`).
public struct RunbookSearch: Sendable {
    /// The folders searched, in order, without duplicates (they need not exist).
    public let folders: [String]

    /// The search path for this environment and the `medic` binary at `executable` (an
    /// absolute path, or nil when unknown).
    public init(environment: (String) -> String?, executable: String?) {
        var folders: [String] = []
        if let path = environment("MEDIC_RUNBOOK_PATH") {
            folders += path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        folders.append("runbooks")
        if let data = environment("XDG_DATA_HOME"), data.hasPrefix("/") {
            folders.append(data + "/medic/runbooks")
        } else if let home = environment("HOME"), home.hasPrefix("/") {
            folders.append(home + "/.local/share/medic/runbooks")
        }
        if let executable, executable.hasPrefix("/") {
            // PREFIX/bin/medic → PREFIX/share/medic/runbooks
            let prefix = Paths.parent(of: Paths.parent(of: executable))
            folders.append(Paths.appending("share/medic/runbooks", to: prefix))
        }
        let dataDirs = environment("XDG_DATA_DIRS").flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/share:/usr/share"
        folders += dataDirs.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }.map { $0 + "/medic/runbooks" }
        var seen: Set<String> = []
        self.folders = folders.filter { seen.insert($0).inserted }
    }

    /// Where the search path finds runbooks for this process (`/proc/self/exe` for the binary).
    public static var current: RunbookSearch {
        RunbookSearch(environment: { name in getenv(name).map { String(cString: $0) } }, executable: FileSystem.realPath("/proc/self/exe"))
    }

    /// The runbook file `argument` means, or nil when it names no file and no runbook on the path.
    public func resolve(_ argument: String) -> String? {
        // A FIFO or device named outright is that file too: loading it says why it is refused.
        if let kind = FileSystem.kind(of: argument), kind != .directory { return argument }
        guard !argument.isEmpty, !argument.contains("/") else { return nil }
        let names = argument.hasSuffix(".yaml") || argument.hasSuffix(".yml") ? [argument] : [argument + ".yaml", argument + ".yml", argument]
        for folder in folders {
            for name in names where FileSystem.kind(of: folder + "/" + name) == .file {
                return folder + "/" + name
            }
        }
        return nil
    }

    /// Why `argument` names no runbook, in one sentence for the operator.
    public func notFound(_ argument: String) -> String {
        if argument.contains("/") { return "no runbook file '\(argument)': no such file" }
        return "no runbook '\(argument)': no such file here, and no \(argument).yaml in the runbook search path (\(folders.joined(separator: ", ")))"
    }

    /// The runbooks found on the search path, as (name, path), each name once (the first found
    /// wins, as for `resolve`), sorted by name.
    public func runbooks() -> [(name: String, path: String)] {
        var found: [String: String] = [:]
        for folder in folders {
            for path in YAMLFiles.paths(in: folder) ?? [] {
                let name = Paths.deletingExtension(Paths.lastComponent(of: path))
                if found[name] == nil { found[name] = path }
            }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
