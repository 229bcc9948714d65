import ArgumentParser
import MedicCore
import MedicRender
import MedicTerminal

/// `medic show FILE`: the runbook as a readable document.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a runbook as a document: inputs, then every step with its why, what runs and where each branch leads."
    )

    @Argument(help: "The runbook: a file, or a name on the runbook search path.", completion: RunbookArgument.completion)
    var file: String

    func run() throws {
        let bundle = try loadValidBundle(RunbookArgument.resolve(file))
        // A runbook's text (titles, whys, scripts, reasons) may hold escape sequences a YAML
        // string can spell: they are shown, never interpreted by the terminal.
        StandardStreams.output.write(TerminalText.sanitize(RunbookDocument(bundle.root).render()))
    }
}

/// `medic graph FILE --format mermaid|dot`.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the decision tree as a Mermaid or Graphviz DOT graph."
    )

    @Argument(help: "The runbook: a file, or a name on the runbook search path.", completion: RunbookArgument.completion)
    var file: String

    @Option(name: .long, help: "mermaid or dot.")
    var format: GraphRenderer.Format = .mermaid

    func run() throws {
        let bundle = try loadValidBundle(RunbookArgument.resolve(file))
        StandardStreams.output.write(TerminalText.sanitize(GraphRenderer(bundle.root).render(format)))
    }
}

extension GraphRenderer.Format: ExpressibleByArgument {}
