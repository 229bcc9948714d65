/// Finding the YAML files of one folder, the way runbook and scenario folders are laid out.
public enum YAMLFiles {
    /// The `*.yaml` and `*.yml` files directly in `directory`, sorted, as paths under it; nil when
    /// `directory` is not a folder.
    public static func paths(in directory: String) -> [String]? {
        guard FileSystem.kind(of: directory) == .directory else { return nil }
        let names = FileSystem.entries(in: directory) ?? []
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { prefix + $0 }
    }
}
