import Foundation
import MedicCore
import Yams

/// Loads runbook files into the core's model, with every problem as a located diagnostic.
public struct RunbookLoader: Sendable {
    /// What loading one file produced: the runbook when its shape was readable, and diagnostics.
    public struct Loaded: Sendable {
        /// The runbook; nil when the file could not be read as one at all.
        public var runbook: Runbook?
        /// Every problem found, errors and warnings.
        public var diagnostics: [Diagnostic]
    }

    /// Creates a loader.
    public init() {}

    /// Loads and checks the shape of one file, without following `runbook` steps.
    public func loadFile(_ path: String) -> Loaded {
        switch SourceFile.read(path) {
        case .failure(let diagnostic): return Loaded(runbook: nil, diagnostics: [diagnostic])
        case .success(let text): return parse(text, path: path)
        }
    }

    /// Parses runbook text as if read from `path`.
    public func parse(_ text: String, path: String) -> Loaded {
        let reader = NodeReader(file: path)
        let root: Node
        switch YAMLText.compose(text, reader: reader) {
        case .none: return Loaded(runbook: nil, diagnostics: reader.diagnostics)
        case .some(let node): root = node
        }
        let runbook = RunbookDecoder(reader: reader, path: path).decode(root)
        return Loaded(runbook: runbook, diagnostics: reader.diagnostics)
    }

    /// Loads a runbook and every runbook it calls, and validates them all.
    ///
    /// The bundle is nil when any file has an error: nothing may run from an invalid runbook.
    public func loadBundle(_ path: String) -> (bundle: RunbookBundle?, diagnostics: [Diagnostic]) {
        var runbooks: [String: Runbook] = [:]
        var diagnostics: [Diagnostic] = []
        var pending = [path]
        var seen: Set<String> = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let loaded = loadFile(next)
            diagnostics += loaded.diagnostics
            guard let runbook = loaded.runbook else { continue }
            runbooks[next] = runbook
            for step in runbook.steps {
                guard let call = step.call else { continue }
                if FileManager.default.fileExists(atPath: call.resolvedPath) {
                    pending.append(call.resolvedPath)
                } else {
                    diagnostics.append(.error("step '\(step.id)' calls '\(call.path)', which does not exist", at: call.location))
                }
            }
        }
        guard let root = runbooks[path] else { return (nil, diagnostics.sortedForDisplay()) }
        let bundle = RunbookBundle(root: root, runbooks: runbooks)
        diagnostics += Validator().validate(bundle)
        let unique = Array(Set(diagnostics)).sortedForDisplay()
        return (unique.hasErrors ? nil : bundle, unique)
    }
}

/// Turning text into a YAML tree, with YAML's own errors as diagnostics.
enum YAMLText {
    static func compose(_ text: String, reader: NodeReader) -> Node? {
        do {
            let parser = try Parser(yaml: text, resolver: .basic)
            guard let root = try parser.singleRoot() else {
                reader.error("the file holds no YAML document", at: .start(of: reader.file))
                return nil
            }
            // Anchors are only visible while the parser that made them is alive.
            let anchored = withExtendedLifetime(parser) { firstAnchoredNode(in: root) }
            if let anchored {
                reader.error(
                    "YAML anchors and aliases are not allowed in Medic files", at: anchored,
                    hint: "write each value out in full; runbooks are read by people under pressure")
                return nil
            }
            return root
        } catch let error as YamlError {
            reader.error(yamlMessage(error), at: yamlLocation(error, file: reader.file))
            return nil
        } catch {
            reader.error("cannot parse the file as YAML: \(error)", at: .start(of: reader.file))
            return nil
        }
    }

    /// The first node carrying an anchor, searched without following any alias twice.
    private static func firstAnchoredNode(in node: Node) -> Node? {
        switch node {
        case .scalar(let scalar): return scalar.anchor == nil ? nil : node
        case .alias: return node
        case .sequence(let sequence):
            if sequence.anchor != nil { return node }
            for item in sequence { if let found = firstAnchoredNode(in: item) { return found } }
            return nil
        case .mapping(let mapping):
            if mapping.anchor != nil { return node }
            for (key, value) in mapping {
                if let found = firstAnchoredNode(in: key) ?? firstAnchoredNode(in: value) { return found }
            }
            return nil
        }
    }

    private static func yamlMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            let prefix = context.map { "\($0.text); " } ?? ""
            return "invalid YAML: \(prefix)\(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key '\(duplicates.joined(separator: "', '"))' in the same mapping"
        case .reader(let problem, _, _, _):
            return "cannot read the file as YAML: \(problem)"
        default:
            return "invalid YAML: \(error)"
        }
    }

    private static func yamlLocation(_ error: YamlError, file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
        default:
            return .start(of: file)
        }
    }
}
