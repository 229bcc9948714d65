import Foundation

/// Finding the YAML files of one folder, the way runbook and scenario folders are laid out.
public enum YAMLFiles {
    /// The `*.yaml` and `*.yml` files directly in `directory`, sorted, as paths under it; nil when
    /// `directory` is not a folder.
    public static func paths(in directory: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { prefix + $0 }
    }
}
