/// Whether a check's execution is provably read-only: the one question the Validator asks.
public enum ReadOnlyCheck {
    /// Why `execution` is not provably read-only and where, or nil when it is.
    ///
    /// A placeholder (or, in a script, a quoted variable the script does not assign itself) holds an
    /// input or a capture, whose value Medic checks before it runs anything: it may stand where an
    /// operand goes, never as the program or an option's name.
    public static func problem(_ execution: Execution, at stepLocation: SourceLocation) -> (reason: String, location: SourceLocation)? {
        examine(execution, at: stepLocation).problem
    }

    /// What validation learns of a check's execution, with one reading of its script.
    public struct Finding: Sendable {
        /// Why it is not provably read-only and where (`problem(_:at:)`), or nil when it is.
        public var problem: (reason: String, location: SourceLocation)?
        /// What it writes outside its scratch folder, which the check sandbox's read-only file
        /// system refuses (`ReadOnlyCommands.sandboxWrite`), and where; nil when nothing.
        public var sandboxWrite: (reason: String, location: SourceLocation)?
        /// The configuration files and folders it names by an input's or a capture's value,
        /// which Medic judges before the check runs unconfirmed (`ConfigurationJudge`).
        public var configurationOperands: [ConfigurationOperand] = []
    }

    /// Whether `execution` is provably read-only (`problem(_:at:)`), and whether it needs the
    /// writable file system to run.
    public static func examine(_ execution: Execution, at stepLocation: SourceLocation) -> Finding {
        examine(execution, at: stepLocation, parsed: nil)
    }

    /// What `examine(_:at:)` finds, with a script's reading by the shell parser given when it
    /// was read already (`ScriptReading`), so that it is not parsed again.
    static func examine(_ execution: Execution, at stepLocation: SourceLocation, parsed: Result<ShellScript, ShellSyntaxError>?) -> Finding {
        switch execution {
        case .command(let argv):
            let arguments = argv.map(argument)
            let location = argv.first?.location ?? stepLocation
            return Finding(
                problem: ReadOnlyCommands.problem(argv: arguments).map { ($0, location) },
                sandboxWrite: ReadOnlyCommands.sandboxWrite(argv: arguments).map { ($0, location) },
                configurationOperands: ReadOnlyCommands.configurationOperands(argv: arguments))
        case .script(let text, let location):
            let examined = ReadOnlyScript.examine(parsed: parsed ?? Result { () throws(ShellSyntaxError) in try ShellParser.parse(text) })
            return Finding(
                problem: examined.problem.map { ($0.reason, location.location(of: $0.offset, in: text)) },
                sandboxWrite: examined.sandboxWrite.map { ($0.reason, location.location(of: $0.offset, in: text)) },
                configurationOperands: examined.configurationOperands)
        case .http(let spec):
            // GET and HEAD are safe methods (RFC 9110 §9.2.1); any other may change state on the
            // server, whatever this server does with it: a login by POST is read-only only on the
            // author's word (`read_only`).
            return Finding(
                problem: Self.safeMethods.contains(spec.method) ? nil : ("an HTTP \(spec.method) may change state on the server", spec.url.location))
        case .tcp, .log:
            // A TCP probe opens and closes a connection; a log probe only reads a file.
            return Finding()
        }
    }

    /// The HTTP methods a check may send without the author's word.
    public static let safeMethods: Set<String> = ["GET", "HEAD"]

    /// The argument a template stands for: its text when it has no placeholder, else what it starts with.
    static func argument(_ template: Template) -> ReadOnlyCommands.Argument {
        let marked = template.render { _ in "\u{0}" }
        guard let cut = marked.firstIndex(of: "\u{0}") else { return ReadOnlyCommands.Argument(literal: marked) }
        var argument = ReadOnlyCommands.Argument(dynamic: template.raw, prefix: String(marked[..<cut]), singleField: true)
        argument.fromMedicVariable = true
        argument.segments = template.segments
        return argument
    }
}
