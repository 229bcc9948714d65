// Prints, for each YAML file named on the command line, what Medic's own YAML reader makes of it,
// as one line of JSON: the composed tree, or the located refusal. Tests/yaml/differential.py
// compares these lines with what an established YAML parser (PyYAML) makes of the same files.
//
//   {"file": F, "tree": NODE}        NODE: {"scalar": TEXT, "style": S, "null": B, "bool": B?, "int": N?}
//                                          {"sequence": [NODE, ...]}  {"mapping": [[KEY, VALUE], ...]}
//   {"file": F, "empty": true}       only comments and blank lines
//   {"file": F, "error": {"line": L, "column": C, "message": M}}
//
// For scalars it also gives how Medic's decoders would type them: as null (an empty value),
// as a boolean, as a whole number; nil where the decoder would refuse the scalar for that type.
// A test tool only: it reads the loader's internals, which `medic` keeps to itself.

import MedicCore

@testable import MedicLoader

/// `text` as a JSON string, in the one escaped form Medic writes everywhere.
func quoted(_ text: String) -> String {
    "\"" + Masking.jsonEscaped(text) + "\""
}

func style(_ style: YAMLScalar.Style) -> String {
    switch style {
    case .plain: "plain"
    case .singleQuoted: "'"
    case .doubleQuoted: "\""
    case .literal: "|"
    case .folded: ">"
    }
}

func json(_ node: YAMLNode) -> String {
    switch node {
    case .scalar(let scalar):
        // The decoders' own readings, each on a reader of its own so that one's refusal is not another's.
        let isNull = NodeReader(file: "-").string(node, "it") == nil
        let bool = NodeReader(file: "-").bool(node, "it").map { $0 ? "true" : "false" } ?? "null"
        let int = NodeReader(file: "-").int(node, "it").map(String.init) ?? "null"
        return "{\"scalar\":\(quoted(scalar.string)),\"style\":\(quoted(style(scalar.style))),\"null\":\(isNull),\"bool\":\(bool),\"int\":\(int)}"
    case .sequence(let sequence):
        return "{\"sequence\":[" + sequence.map(json).joined(separator: ",") + "]}"
    case .mapping(let mapping):
        return "{\"mapping\":[" + mapping.map { "[" + json($0.key) + "," + json($0.value) + "]" }.joined(separator: ",") + "]}"
    }
}

for path in CommandLine.arguments.dropFirst() {
    let line: String
    switch SourceFile.bytes(path) {
    case .failure(let problem):
        let location = problem.location
        line = "\"error\":{\"line\":\(location.line),\"column\":\(location.column),\"message\":\(quoted(problem.message))}"
    case .success(let bytes):
        do {
            if let document = try YAMLParser.parse(bytes: bytes) {
                line = "\"tree\":" + withExtendedLifetime(document) { json(document.root) }
            } else {
                line = "\"empty\":true"
            }
        } catch {
            line = "\"error\":{\"line\":\(error.mark.line),\"column\":\(error.mark.column),\"message\":\(quoted(error.message))}"
        }
    }
    print("{\"file\":\(quoted(path)),\(line)}")
}
