/// A configuration file or folder a check names by an input's or a capture's value (`nginx -c
/// "$NGINX_CONF"`), found by the read-only proof (`ReadOnlyCheck.Finding`).
///
/// A configuration runs code: nginx's `load_module` loads a shared object even under `-T`, a
/// supervisorctl configuration's `[ctlplugin:…]` imports Python. The proof cannot know the value,
/// so before such a check runs unconfirmed Medic judges the file it names at run time
/// (`ConfigurationJudge`): only one that no other user can change may run without a person.
public struct ConfigurationOperand: Sendable, Hashable {
    /// The program and its option, as the operator reads them: `nginx -c`.
    public var option: String
    /// Whether the option names a folder (`nginx -p`) rather than a file.
    public var isFolder: Bool
    /// The word as it is written: literal text and variables (a script's environment names for
    /// a script, Medic's variables for a command's template).
    public var segments: [Template.Segment]
    /// Whether the word stays one word whatever the values hold; when not (an unquoted `$X` in a
    /// script), a value the shell would split or expand cannot be judged.
    public var singleField: Bool

    /// Creates an operand.
    public init(option: String, isFolder: Bool, segments: [Template.Segment], singleField: Bool) {
        self.option = option
        self.isFolder = isFolder
        self.segments = segments
        self.singleField = singleField
    }

    /// The path it names once `lookup` gives each variable's value, or why it cannot be told.
    public func resolve(_ lookup: (String) -> String?) -> Result<ConfigurationPath, ConfigurationPath.Unknown> {
        var path = ""
        for segment in segments {
            switch segment {
            case .literal(let text): path += text
            case .variable(let name):
                guard let value = lookup(name) else {
                    return .failure(ConfigurationPath.Unknown(option: option, reason: "'\(name)' is not a value Medic knows"))
                }
                path += value
            }
        }
        if !singleField, path.contains(where: { " \t\n*?[".contains($0) }) {
            return .failure(
                ConfigurationPath.Unknown(option: option, reason: "the shell would split or expand '\(path)' (the word is not quoted)"))
        }
        return .success(ConfigurationPath(option: option, path: path, isFolder: isFolder))
    }
}

/// A configuration file or folder a check is about to give a program, with its value.
public struct ConfigurationPath: Sendable, Hashable {
    /// The program and its option: `nginx -c`.
    public var option: String
    /// The path, as the check gives it.
    public var path: String
    /// Whether it must be a folder (`nginx -p`) rather than a regular file.
    public var isFolder: Bool

    /// Creates a path to judge.
    public init(option: String, path: String, isFolder: Bool) {
        self.option = option
        self.path = path
        self.isFolder = isFolder
    }

    /// An operand whose value Medic cannot tell, so it cannot judge the file.
    public struct Unknown: Error, Sendable, Hashable {
        /// The program and its option.
        public var option: String
        /// Why.
        public var reason: String
    }
}

/// Judges a configuration file a check names before the check runs without confirmation.
public protocol ConfigurationJudge: Sendable {
    /// Why `path` may have been written by someone other than root or the user Medic runs as,
    /// or nil when neither the file nor any folder above it can be: StrictModes, as OpenSSH
    /// judges `authorized_keys`.
    func problem(_ path: ConfigurationPath) -> String?
}
