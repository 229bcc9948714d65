import ArgumentParser

/// The options `run` and `resume` share: where secrets come from, how actions are approved, and
/// where the session is recorded.
struct SessionOptions: ParsableArguments {
    @Option(name: .customLong("var-file"), help: ArgumentHelp("Read NAME=VALUE lines (may hold secrets if only you can read it).", valueName: "FILE"))
    var varFile: String?

    @Flag(name: .customLong("dry-run"), help: "Run the checks; show and record the actions without running them.")
    var dryRun = false

    @Flag(name: .customLong("yes"), help: "Approve every action without asking; the transcript records each approval as --yes.")
    var autoApprove = false

    @Option(
        name: .customLong("answer"),
        help: ArgumentHelp(
            "Answer the question STEP with ANSWER the first time the run reaches it; repeatable. Without a terminal, this is the only way a question is answered; the transcript records it.",
            valueName: "STEP=ANSWER"))
    var answers: [String] = []

    @Flag(name: .customLong("verbose"), help: "Show each check's script or request whole (not folded to its first line) and the values it captures.")
    var verbose = false

    @Option(
        name: .customLong("forks"),
        help: ArgumentHelp("How many hosts a step on a host set works on at once (default: the runbook's defaults.forks, else 5).", valueName: "N"))
    var forks: Int?

    @Option(
        name: .customLong("transcript"),
        help: ArgumentHelp("The session directory to create (default: under $XDG_STATE_HOME/medic/sessions).", valueName: "DIR"))
    var transcriptPath: String?

    func validate() throws {
        if let forks, !(1...1000).contains(forks) { throw ValidationError("--forks is how many hosts to work on at once: 1 to 1000") }
    }
}
