import MedicCore

/// `medic graph`: the decision tree as Mermaid or Graphviz DOT, each kind of step drawn its own way.
public struct GraphRenderer: Sendable {
    /// The output languages.
    public enum Format: String, Sendable, CaseIterable {
        case mermaid, dot
    }

    let runbook: Runbook

    /// Creates a renderer for `runbook`.
    public init(_ runbook: Runbook) { self.runbook = runbook }

    /// The graph in `format`.
    public func render(_ format: Format) -> String {
        switch format {
        case .mermaid: mermaid()
        case .dot: dot()
        }
    }

    /// Every edge: from, to, label.
    private var edges: [(from: String, to: String, label: String)] {
        runbook.steps.flatMap { step -> [(String, String, String)] in
            step.branches.map { (step.id, $0.next.id, $0.condition?.description ?? "otherwise") }
                + step.options.map { (step.id, $0.next.id, $0.answer) }
                + (step.skip.map { [(step.id, $0.id, "declined")] } ?? [])
                + (step.batch?.verify.map { [(step.id, $0.id, "between batches")] } ?? [])
        }
    }

    private func label(_ step: Step) -> String {
        var text = "\(step.kind.label): \(step.title)"
        if let conclusion = step.conclusion {
            text += "\n\(conclusion.outcome.rawValue) · \(conclusion.cause)"
            if let cause = runbook.cause(conclusion.cause) { text += "\n\(cause.title)" }
        }
        if let call = step.call { text += "\n→ \(call.path)" }
        if let variants = step.variants { text += "\nper \(variants.input): " + variants.cases.map(\.value).joined(separator: ", ") }
        if step.placement.isRemote { text += "\non \(step.placement.summary)" }
        if let batch = step.batch { text += ", batches of \(batch.size)" }
        return text
    }

    private func mermaid() -> String {
        var out = "flowchart TD\n"
        // Mermaid ids must avoid its keywords (end, graph…), so every id gets a prefix.
        func id(_ step: String) -> String { "s_" + step.replacing("-", with: "_") }
        func text(_ raw: String) -> String {
            "\""
                + raw.replacing("\"", with: "#quot;").replacing("<", with: "#lt;").replacing(">", with: "#gt;")
                .replacing("\n", with: "<br/>") + "\""
        }
        for step in runbook.steps {
            let label = text(label(step))
            let shape: String
            switch step.kind {
            case .check: shape = "[\(label)]"
            case .action: shape = "[/\(label)/]"
            case .question: shape = "{\(label)}"
            case .conclusion: shape = "([\(label)])"
            case .runbook: shape = "[[\(label)]]"
            }
            out += "    \(id(step.id))\(shape):::\(step.kind.rawValue)\n"
        }
        for edge in edges {
            out += "    \(id(edge.from)) -->|\(text(String(edge.label.prefix(80))))| \(id(edge.to))\n"
        }
        out += """
                classDef check fill:#e8f1fb,stroke:#2f6db5
                classDef action fill:#fdecea,stroke:#c0392b,stroke-width:2px
                classDef question fill:#fff7e0,stroke:#b7950b
                classDef conclusion fill:#e9f7ef,stroke:#1e8449
                classDef runbook fill:#f4ecf7,stroke:#7d3c98

            """
        return out
    }

    private func dot() -> String {
        func quoted(_ raw: String) -> String {
            "\"" + raw.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
        }
        var out = "digraph \(quoted(runbook.id)) {\n"
        out += "    rankdir=TB;\n    node [fontname=\"Helvetica\", fontsize=11];\n    edge [fontname=\"Helvetica\", fontsize=9];\n"
        for step in runbook.steps {
            let style: String
            switch step.kind {
            case .check: style = "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f1fb\""
            case .action: style = "shape=box, style=\"filled,bold\", color=\"#c0392b\", fillcolor=\"#fdecea\""
            case .question: style = "shape=diamond, style=filled, fillcolor=\"#fff7e0\""
            case .conclusion: style = "shape=doubleoctagon, style=filled, fillcolor=\"#e9f7ef\""
            case .runbook: style = "shape=component, style=filled, fillcolor=\"#f4ecf7\""
            }
            out += "    \(quoted(step.id)) [label=\(quoted(label(step))), \(style)];\n"
        }
        for edge in edges {
            out += "    \(quoted(edge.from)) -> \(quoted(edge.to)) [label=\(quoted(String(edge.label.prefix(80))))];\n"
        }
        out += "}\n"
        return out
    }
}
