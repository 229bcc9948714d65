/// The text Medic sends on ssh's standard input to run one step on another host.
///
/// The remote side runs a fixed command, `exec /bin/sh -s`, which reads this text: the step's
/// variables as quoted assignments, then the step itself started in a process group of its own,
/// and a watcher that ends that group when the connection's standard input closes (Medic gave up
/// on the step: timeout, Ctrl-C, or Medic itself ended). Every value is quoted for the remote
/// POSIX shell here, so a hostile value stays data; nothing of the step is in any argv but its
/// own command or script, as when it runs locally.
public enum RemoteScript {
    /// The command ssh asks the remote login shell to run.
    public static let remoteCommand = "exec /bin/sh -s"

    /// The wrapper for `payload` with `environment`, printing `marker` on a line of its own just
    /// before the step starts (so the runner can tell "never got there" from the step's own exit
    /// status). Nil, with the reason, when a value cannot be sent (a NUL byte).
    ///
    /// A TCP probe (`from: target`) runs `tcpProbe` with the host, the port and `timeout` as its
    /// arguments, and gets no variables: it reads none. An HTTP probe (`from: target`) runs
    /// `RemoteHTTP.probe` with the request as a curl config on its standard input, written by
    /// the shell's own `printf` from an unexported variable: nothing of the request is in any
    /// argv or environment.
    public static func text(
        for payload: Invocation.Payload, environment: [String: String], marker: String, timeout: TimeSpan = TimeSpan(milliseconds: 10_000)
    ) -> Result<String, WalkProblem> {
        let words: [String]
        // Never PATH, LD_PRELOAD or the like from a runbook's variables: they would reach the
        // wrapper's own commands (setsid, cat, kill) as well as the step.
        var environment = EnvironmentName.exportable(environment)
        var input: String?
        switch payload {
        case .command(let argv): words = argv
        case .script(let script): words = ["/bin/sh", "-c", script]
        case .tcp(let host, let port):
            // A second less than the step's timeout, so the probe says "timeout" before Medic
            // stops the step.
            let seconds = max(1, timeout.wholeSeconds - 1)
            words = ["/bin/sh", "-c", tcpProbe, "medic-tcp", host, String(port), String(seconds)]
            environment = [:]
        case .http(let request):
            switch RemoteHTTP.config(for: request, seconds: Int(max(1, timeout.wholeSeconds - 1))) {
            case .success(let config): input = config
            case .failure(let problem): return .failure(problem)
            }
            words = ["/bin/sh", "-c", RemoteHTTP.probe, "medic-http"]
            environment = [:]
        case .log: return .failure(WalkProblem("this probe runs on this machine only"))
        }
        guard !words.isEmpty else { return .failure(WalkProblem("the command is empty")) }
        if words.contains(where: { $0.utf8.contains(0) }) || environment.contains(where: { $0.value.utf8.contains(0) })
            || (input?.utf8.contains(0) ?? false)
        {
            return .failure(WalkProblem("a value holds a NUL byte, which no program can receive"))
        }
        let step = words.map(quote).joined(separator: " ")
        var lines = ["{"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where isName(name) {
            lines.append("\(name)=\(quote(value)); export \(name)")
        }
        // The step's standard input: its input, from an unexported variable by the builtin
        // printf (never an argv), or nothing.
        var feed = ""
        if let input {
            lines.append("medic_input=\(quote(input))")
            feed = "printf '%s' \"$medic_input\" | "
        }
        lines += [
            "exec 3<&0",
            "printf '%s\\n' \(quote(marker))",
            // The step in a session and process group of its own (setsid, from util-linux), so it
            // can be ended whole; a host without setsid gets the step as a plain child, and only
            // that process can be ended.
            input == nil
                ? "if command -v setsid >/dev/null 2>&1; then setsid \(step) </dev/null & else \(step) </dev/null & fi"
                : "if command -v setsid >/dev/null 2>&1; then \(feed)setsid \(step) & else \(feed)\(step) & fi",
            "medic_step=$!",
            // When Medic closes the connection's input, end the step's whole group.
            "( cat <&3 >/dev/null; kill -TERM -\"$medic_step\" || kill -TERM \"$medic_step\"; sleep 2; kill -KILL -\"$medic_step\" ) >/dev/null 2>&1 &",
            "medic_watch=$!",
            "exec 3<&-",
            "wait \"$medic_step\"; medic_status=$?",
            "kill \"$medic_watch\" 2>/dev/null",
            "exit \"$medic_status\"",
            "}",
        ]
        return .success(lines.joined(separator: "\n") + "\n")
    }

    /// The TCP probe on the host: `sh -c tcpProbe medic-tcp HOST PORT SECONDS`. It connects with
    /// bash's `/dev/tcp` under `timeout` (coreutils) where the host has both, else with `nc -z`
    /// (which cannot tell a refusal from a timeout), and prints what the local probe prints:
    /// `open HOST:PORT`, `refused HOST:PORT`, `timeout HOST:PORT (no answer within Ns)` or
    /// `unreachable: …`
    /// (exit 0 only for open). A host with neither says so (`unavailable: …`, exit 127). The
    /// host and port are arguments, never code: a hostile value stays data.
    public static let tcpProbe = """
        host=$1 port=$2 limit=$3
        case $host in -*|'') echo "unreachable: '$host' is not a host name"; exit 1 ;; esac
        if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
          reason=$(timeout "$limit" bash -c 'exec 3<>"/dev/tcp/$1/$2"' medic-tcp "$host" "$port" 2>&1)
          status=$?
          if [ "$status" -eq 0 ]; then echo "open $host:$port"; exit 0; fi
          if [ "$status" -eq 124 ]; then echo "timeout $host:$port (no answer within ${limit}s)"; exit 1; fi
          case $reason in
            *refused*) echo "refused $host:$port" ;;
            *) echo "unreachable: $host:$port: $(printf '%s' "$reason" | sed -n '$p')" ;;
          esac
          exit 1
        fi
        if command -v nc >/dev/null 2>&1; then
          if nc -z -w "$limit" -- "$host" "$port" >/dev/null 2>&1; then echo "open $host:$port"; exit 0; fi
          echo "unreachable: $host:$port: nc -z could not connect (refused or timed out)"
          exit 1
        fi
        echo "unavailable: the host has neither bash and timeout nor nc to connect to $host:$port"
        exit 127
        """

    /// `word` as one word for a POSIX shell: always single-quoted, a `'` written `'\''`. Unlike
    /// the display quoting, no `$'…'` (dash does not read it): control characters stay as they
    /// are, which single quotes keep literally.
    public static func quote(_ word: String) -> String {
        "'" + word.replacing("'", with: "'\\''") + "'"
    }

    /// Whether `name` can be a shell variable's name.
    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) || ("a"..."z").contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
