import MedicCore

/// Loads runbook files into the core's model, with every problem as a located diagnostic.
public struct RunbookLoader: Sendable {
    /// What loading one file produced: the runbook when its shape was readable, and diagnostics.
    public struct Loaded: Sendable {
        /// The runbook; nil when the file could not be read as one at all.
        public var runbook: Runbook?
        /// Every problem found, errors and warnings.
        public var diagnostics: [Diagnostic]
        /// The SHA-256 (hex) of the bytes that were parsed; nil when the file could not be read,
        /// or was read without a digest (`medic validate` has no use for one).
        public var sha256: String?
        /// Whether the file's bytes could be read (as text, whatever they hold).
        public var wasRead: Bool
    }

    /// What validation matches inputs' patterns over their defaults with (`Validator.matcher`):
    /// nil, in this process and unbounded.
    public var matcher: (any PatternMatcher)?

    /// The largest runbook or scenario file the loader reads (larger ones are refused unread).
    public static var maximumFileSize: Int { SourceFile.maximumSize }

    /// Creates a loader whose validation checks defaults with `matcher`.
    public init(matcher: (any PatternMatcher)? = nil) {
        self.matcher = matcher
    }

    /// Loads and checks the shape of one file, without following `runbook` steps; with
    /// `pipeline`, each step's patterns are handed to it as soon as the step is read. Without
    /// `digest`, the bytes are not hashed (`sha256` is nil).
    public func loadFile(_ path: String, pipeline: PatternPipeline? = nil, digest: Bool = true) -> Loaded {
        switch SourceFile.bytes(path) {
        case .failure(let diagnostic): return Loaded(runbook: nil, diagnostics: [diagnostic], wasRead: false)
        case .success(let bytes): return parse(bytes: bytes, path: path, pipeline: pipeline, digest: digest)
        }
    }

    /// Parses runbook text as if read from `path`.
    public func parse(_ text: String, path: String) -> Loaded {
        parse(bytes: Array(text.utf8), path: path)
    }

    func parse(bytes: [UInt8], path: String, pipeline: PatternPipeline? = nil, digest: Bool = true) -> Loaded {
        let reader = NodeReader(file: path)
        let sha256 = digest ? SHA256.hex(of: bytes) : nil
        guard let root = YAMLText.compose(bytes: bytes, reader: reader) else {
            return Loaded(runbook: nil, diagnostics: reader.diagnostics, sha256: sha256, wasRead: true)
        }
        let runbook = RunbookDecoder(reader: reader, path: path, pipeline: pipeline).decode(root)
        return Loaded(runbook: runbook, diagnostics: reader.diagnostics, sha256: sha256, wasRead: true)
    }

    /// Loads a runbook and every runbook it calls, and validates them all.
    ///
    /// The bundle is nil when any file has an error: nothing may run from an invalid runbook.
    public func loadBundle(_ path: String) -> (bundle: RunbookBundle?, diagnostics: [Diagnostic]) {
        var files = Files()
        let gathered = gather(path, from: &files)
        var diagnostics = gathered.diagnostics
        if let bundle = gathered.bundle { diagnostics += Validator(matcher: matcher).validate(bundle) }
        let unique = Array(Set(diagnostics)).sortedForDisplay()
        return (unique.hasErrors ? nil : gathered.bundle, unique)
    }

    /// Loads and validates the runbooks at `paths` and every runbook they call, as `medic validate`
    /// does: each file is read and validated once however many of the others call it (a file
    /// reached by two spellings of its path counts once), and each problem is listed once, sorted.
    public func check(_ paths: [String]) -> [Diagnostic] {
        // Nearly every runbook has an input's default to check against its pattern, which the
        // matching process does: it starts now, so that its start-up takes the core that reading
        // the file leaves free (when no default needs it, it is never asked; it is stopped and
        // reaped when the loader and the validator let go of it).
        matcher?.prepare()
        // Nothing is run, so no digest of what was read is needed.
        var files = Files(digest: false)
        // The files named are read and parsed side by side up front; those they call, as they are found.
        let named = Array(Set(paths))
        // One file alone is read on one core: its steps' patterns are compiled on another meanwhile.
        let pipeline = named.count == 1 ? PatternPipeline() : nil
        files.preloaded = Dictionary(
            uniqueKeysWithValues: zip(named, Concurrently.map(named) { loadFile($0, pipeline: pipeline, digest: false) }))
        var diagnostics: [Diagnostic] = []
        var bundles: [(bundle: RunbookBundle, fresh: [String])] = []
        var validated: Set<String> = []
        for path in paths {
            let gathered = gather(path, from: &files)
            diagnostics += gathered.diagnostics
            guard let bundle = gathered.bundle else { continue }
            // The runbooks of this bundle that no earlier one holds, each under one of its paths.
            var fresh: [String] = []
            for key in bundle.runbooks.keys.sorted() where validated.insert(Files.identity(of: key)).inserted { fresh.append(key) }
            bundles.append((bundle, fresh))
        }
        // The costly answers for every runbook at once, so that they are shared out over every core together.
        // The pipeline's worker goes on compiling while the questions are listed.
        let validator = Validator(matcher: matcher).prepared(
            for: bundles.flatMap { entry in entry.fresh.compactMap { entry.bundle.runbooks[$0] } }, compiledMeanwhile: { pipeline?.finish() ?? [:] })
        diagnostics += Concurrently.map(bundles) { validator.validate($0.bundle, only: $0.fresh) }.flatMap(\.self)
        return Array(Set(diagnostics)).sortedForDisplay()
    }

    /// The files read so far, by identity (`identity(of:)`), so that each is read once.
    private struct Files {
        /// Whether each file's bytes are hashed (`Loaded.sha256`), for the bundle's digests.
        var digest = true
        var loaded: [String: Loaded] = [:]
        /// Files read ahead, by the path as given: each is taken when that path is first read.
        var preloaded: [String: Loaded] = [:]

        /// What names the file at `path` whatever the spelling: its real path, or the path as
        /// given when it cannot be resolved.
        static func identity(of path: String) -> String { FileSystem.realPath(path) ?? path }
    }

    /// Reads `path` and every runbook it calls (each from `files` when read before): the bundle
    /// when `path` could be read as a runbook, and the problems of reading them.
    private func gather(_ path: String, from files: inout Files) -> (bundle: RunbookBundle?, diagnostics: [Diagnostic]) {
        var runbooks: [String: Runbook] = [:]
        var digests: [String: String] = [:]
        var diagnostics: [Diagnostic] = []
        var pending = [path]
        var seen: Set<String> = []
        let tree = FileSystem.realPath(Paths.parent(of: path).isEmpty ? "." : Paths.parent(of: path))
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let identity = Files.identity(of: next)
            let loaded = files.loaded[identity] ?? files.preloaded[next] ?? loadFile(next, digest: files.digest)
            files.loaded[identity] = loaded
            if next != path, loaded.wasRead, loaded.diagnostics.hasErrors, !Self.looksLikeRunbook(next) {
                // A called file that is no runbook at all: say so, and show nothing of it.
                diagnostics.append(
                    .error(
                        "is not a runbook (no 'medic:' line at the top level); nothing of its content is shown",
                        at: SourceLocation.start(of: next)))
                continue
            }
            diagnostics += loaded.diagnostics
            guard let runbook = loaded.runbook else { continue }
            runbooks[next] = runbook
            digests[next] = loaded.sha256
            for step in runbook.steps {
                guard let call = step.call else { continue }
                if FileSystem.kind(of: call.resolvedPath) != nil {
                    if let tree, let problem = Self.outside(tree, call.resolvedPath) {
                        diagnostics.append(
                            .error(
                                "step '\(step.id)' calls '\(call.path)', which is \(problem) the folder of the runbook being run (\(tree))",
                                at: call.location, hint: "a called runbook must live in that folder or below it; copy it there"))
                        continue
                    }
                    pending.append(call.resolvedPath)
                } else {
                    diagnostics.append(.error("step '\(step.id)' calls '\(call.path)', which does not exist", at: call.location))
                }
            }
        }
        guard let root = runbooks[path] else { return (nil, diagnostics) }
        var bundle = RunbookBundle(root: root, runbooks: runbooks)
        bundle.digests = digests
        return (bundle, diagnostics)
    }

    /// Why `file` is not inside the folder `tree` once every symbolic link is resolved, or nil when
    /// it is.
    static func outside(_ tree: String, _ file: String) -> String? {
        guard let real = FileSystem.realPath(file) else { return "unresolvable from" }
        let prefix = tree.hasSuffix("/") ? tree : tree + "/"
        return real.hasPrefix(prefix) ? nil : "outside"
    }

    /// Whether the file at `path` has a top-level `medic:` line, as every runbook has; read only
    /// to decide whether its diagnostics may quote it.
    static func looksLikeRunbook(_ path: String) -> Bool {
        guard case .success(let bytes) = FileSystem.contents(of: path, upTo: SourceFile.maximumSize, regularOnly: true) else { return false }
        let marker = Array("medic:".utf8)
        var atLineStart = true
        for index in bytes.indices {
            if atLineStart, bytes[index...].starts(with: marker) { return true }
            atLineStart = bytes[index] == UInt8(ascii: "\n")
        }
        return false
    }
}
