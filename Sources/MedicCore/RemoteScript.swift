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
    ///
    /// Each of `configurationFiles` (a check's, `Invocation.configurationFiles`) is judged on
    /// the host before the marker, by `configurationJudge`, as `StrictModesJudge` judges it here:
    /// a path that fails ends the wrapper with `refusedStatus` after a line starting with
    /// `refusedPrefix` that says why, and the step never starts.
    public static func text(
        for payload: Invocation.Payload, environment: [String: String], marker: String, timeout: TimeSpan = TimeSpan(milliseconds: 10_000),
        configurationFiles: [Result<ConfigurationPath, ConfigurationPath.Unknown>] = []
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
        if !configurationFiles.isEmpty {
            lines.append(configurationJudge)
            for file in configurationFiles {
                switch file {
                case .failure(let unknown): return .failure(WalkProblem("not run: \(unknown.option): \(unknown.reason)"))
                case .success(let path):
                    if path.path.utf8.contains(0) { return .failure(WalkProblem("a value holds a NUL byte, which no program can receive")) }
                    let about = quote("\(refusedPrefix)\(path.option) \(path.path): ")
                    lines.append(
                        "medic_why=$(medic_walk \(quote(path.path)) \(path.isFolder ? "d" : "f")) || "
                            + "{ printf '%s\\n' \(about)\"$medic_why\"; exit \(refusedStatus); }")
                }
            }
        }
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

    /// The exit status of the wrapper when a configuration file fails on the host.
    public static let refusedStatus = 125

    /// How the wrapper's line saying why a configuration file failed starts.
    public static let refusedPrefix = "medic: not run: "

    /// `medic_walk PATH f|d`: prints why PATH may have been written by another user and fails,
    /// or succeeds; the rules of `StrictModesJudge`, in POSIX sh with `ls -ldn` (POSIX: the type,
    /// the permission bits and the numeric owner) and `readlink`, so any host can run it. It
    /// resolves the path one component at a time from `/`, following each symbolic link (held to
    /// the same owners, in a folder already judged) as the kernel will when the program opens it.
    static let configurationJudge = """
        medic_me=$(id -u)
        medic_entry() {
          medic_ls=$(LC_ALL=C ls -ldn -- "$1" 2>/dev/null) || { echo "$1 cannot be checked (it does not exist or cannot be read)"; return 1; }
          medic_mode=$(printf '%s\\n' "$medic_ls" | awk 'NR == 1 { print $1 }')
          medic_uid=$(printf '%s\\n' "$medic_ls" | awk 'NR == 1 { print $3 }')
          case $medic_mode in
            d*) medic_type='a folder' ;; -*) medic_type='a regular file' ;; l*) medic_type='a symbolic link' ;; p*) medic_type='a FIFO' ;;
            s*) medic_type='a socket' ;; c*|b*) medic_type='a device' ;; *) medic_type='not a file Medic can check' ;;
          esac
          case $2 in
            l) [ "$medic_type" = 'a symbolic link' ] || { echo "$1 changed while Medic checked it"; return 1; } ;;
            d) [ "$medic_type" = 'a folder' ] || { echo "$1 is $medic_type, not a folder"; return 1; } ;;
            *) [ "$medic_type" = 'a regular file' ] || { echo "$1 is $medic_type, not a regular file"; return 1; } ;;
          esac
          case $medic_uid in
            0|"$medic_me") ;;
            *) echo "$1 is owned by uid $medic_uid, not by root or uid $medic_me (Medic's user)"; return 1 ;;
          esac
          [ "$2" = l ] && return 0
          case $medic_mode in
            ?????w??w*) medic_by='its group and others' ;; ?????w*) medic_by='its group' ;; ????????w*) medic_by=others ;; *) return 0 ;;
          esac
          if [ "$3" = 0 ] && [ "$2" = d ]; then
            case $medic_mode in ?????????[tT]*) return 0 ;; esac
            echo "$1 is writable by $medic_by (mode $medic_mode, and not sticky), so another user could have written it"
            return 1
          fi
          echo "$1 is writable by $medic_by (mode $medic_mode), so another user could have written it"
          return 1
        }
        medic_walk() {
          case $1 in /*) ;; *) echo "'$1' is not an absolute path, so Medic cannot tell which file it names"; return 1 ;; esac
          medic_entry / d 0 || return 1
          medic_cur= medic_rest=${1#/} medic_links=0
          while [ -n "$medic_rest" ]; do
            medic_c=${medic_rest%%/*}
            case $medic_rest in */*) medic_rest=${medic_rest#*/} ;; *) medic_rest= ;; esac
            case $medic_c in
              ''|.) continue ;;
              ..) medic_cur=${medic_cur%/*}; continue ;;
            esac
            medic_next=$medic_cur/$medic_c
            if [ -L "$medic_next" ]; then
              medic_entry "$medic_next" l 0 || return 1
              medic_links=$((medic_links + 1))
              medic_t=$(readlink -- "$medic_next") && [ "$medic_links" -le 40 ] && [ -n "$medic_t" ] || {
                echo "$medic_next is a symbolic link Medic cannot follow"; return 1; }
              case $medic_t in /*) medic_cur= medic_rest=${medic_t#/}${medic_rest:+/$medic_rest} ;; *) medic_rest=$medic_t${medic_rest:+/$medic_rest} ;; esac
              continue
            fi
            if [ -n "$medic_rest" ]; then medic_entry "$medic_next" d 0 || return 1; else medic_entry "$medic_next" "$2" 1 || return 1; fi
            medic_cur=$medic_next
          done
          [ -n "$medic_cur" ] || { echo "/ is not a regular file"; return 1; }
        }
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
