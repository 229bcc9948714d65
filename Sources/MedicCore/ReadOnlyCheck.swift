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
        if let reading = reading(of: execution, parsed: parsed) { return reading.placed(in: execution, at: stepLocation) }
        // GET and HEAD are safe methods (RFC 9110 §9.2.1); any other may change state on the
        // server, whatever this server does with it: a login by POST is read-only only on the
        // author's word (`read_only`).
        if case .http(let spec) = execution, !Self.safeMethods.contains(spec.method) {
            return Finding(problem: ("an HTTP \(spec.method) may change state on the server", spec.url.location))
        }
        // A TCP probe opens and closes a connection; a log probe only reads a file.
        return Finding()
    }

    /// What the proof finds of a command's or a script's words alone, wherever they are
    /// written: a script's findings at character offsets into its text, a command's at its
    /// program's word (offset 0). Runbooks repeat checks word for word, so validation proves
    /// each text once (`Validator.Verdicts`) and places the reading where each copy is written.
    struct Reading: Sendable {
        var problem: (reason: String, offset: Int)?
        var sandboxWrite: (reason: String, offset: Int)?
        var configurationOperands: [ConfigurationOperand] = []

        /// This reading, of `execution`'s words, placed where `execution` is written: in its
        /// script's text, or at its program's word (at `stepLocation` when it has none).
        func placed(in execution: Execution, at stepLocation: SourceLocation) -> Finding {
            let place: (Int) -> SourceLocation
            switch execution {
            case .script(let text, let location): place = { location.location(of: $0, in: text) }
            case .command(let argv):
                let location = argv.first?.location ?? stepLocation
                place = { _ in location }
            case .http, .tcp, .log: place = { _ in stepLocation }
            }
            return Finding(
                problem: problem.map { ($0.reason, place($0.offset)) }, sandboxWrite: sandboxWrite.map { ($0.reason, place($0.offset)) },
                configurationOperands: configurationOperands)
        }
    }

    /// The words a reading depends on: a command's, as written, or a script's text; nil for a
    /// probe, which has none to prove. Equal only when their UTF-8 bytes are: `String`'s `==`
    /// holds canonically equivalent texts equal (a Kelvin sign and `K`), while the proof tells
    /// them apart. Hashed as `String`s, which is consistent with that: texts of equal bytes are
    /// equal strings, so they hash alike (and `String` hashes ASCII text in bulk, not byte by byte).
    enum Words: Hashable, Sendable {
        case command([String])
        case script(String)

        init?(_ execution: Execution) {
            switch execution {
            case .command(let argv): self = .command(argv.map(\.raw))
            case .script(let text, _): self = .script(text)
            case .http, .tcp, .log: return nil
            }
        }

        static func == (a: Words, b: Words) -> Bool {
            switch (a, b) {
            case (.command(let x), .command(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
            case (.script(let x), .script(let y)): x.utf8.elementsEqual(y.utf8)
            default: false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .command(let argv):
                hasher.combine(0)
                hasher.combine(argv)
            case .script(let text):
                hasher.combine(1)
                hasher.combine(text)
            }
        }
    }

    /// The proof's reading of a command or a script (nil for a probe), with the script's
    /// reading by the shell parser when it was read already.
    static func reading(of execution: Execution, parsed: Result<ShellScript, ShellSyntaxError>?) -> Reading? {
        switch execution {
        case .command(let argv):
            let arguments = argv.map(argument)
            return Reading(
                problem: ReadOnlyCommands.problem(argv: arguments).map { ($0, 0) },
                sandboxWrite: ReadOnlyCommands.sandboxWrite(argv: arguments).map { ($0, 0) },
                configurationOperands: ReadOnlyCommands.configurationOperands(argv: arguments))
        case .script(let text, _):
            let examined = ReadOnlyScript.examine(parsed: parsed ?? Result { () throws(ShellSyntaxError) in try ShellParser.parse(text) })
            return Reading(problem: examined.problem, sandboxWrite: examined.sandboxWrite, configurationOperands: examined.configurationOperands)
        case .http, .tcp, .log: return nil
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
