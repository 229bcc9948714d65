/// The commands Medic knows to change state, named in an action's brief ("why") to say what it changes.
///
/// It no longer decides what a check may run: that is default-deny, `ReadOnlyCheck` and its
/// allow-list `ReadOnlyCommands`. A command missing here is only described less precisely.
public enum StateChangingCommands {
    /// Programs whose every use changes state.
    static let programs: Set<String> = [
        "kill", "pkill", "killall", "skill", "rm", "rmdir", "mv", "shred", "truncate", "unlink",
        "reboot", "shutdown", "halt", "poweroff", "kexec", "telinit", "mkfs", "fdisk", "parted", "wipefs",
        "dd", "chmod", "chown", "chgrp", "chattr", "tee", "useradd", "userdel", "usermod", "passwd",
        "mount", "umount", "swapoff", "swapon", "iptables", "ip6tables", "nft", "ufw", "cp", "install", "ln", "touch",
        "mkdir", "crontab", "renice", "ionice", "sync",
    ]

    /// Programs with subcommands, and the subcommands that change state.
    static let subcommands: [String: Set<String>] = [
        "docker": [
            "stop", "restart", "kill", "rm", "rmi", "start", "pause", "unpause", "update", "run", "create",
            "build", "pull", "push", "prune", "commit", "rename", "tag", "load", "import", "exec", "cp",
            "up", "down", "scale",
        ],
        "docker-compose": [
            "up", "down", "restart", "stop", "start", "kill", "rm", "pull", "build", "create", "exec", "run", "scale", "pause", "unpause",
        ],
        "podman": ["stop", "restart", "kill", "rm", "rmi", "start", "pause", "unpause", "run", "create", "build", "pull", "exec"],
        "systemctl": [
            "start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "try-reload-or-restart",
            "kill", "enable", "disable", "mask", "unmask", "daemon-reload", "daemon-reexec", "isolate",
            "reboot", "poweroff", "halt", "set-property", "reset-failed", "edit", "link", "revert", "preset", "clean", "freeze", "thaw",
        ],
        "service": ["start", "stop", "restart", "reload", "force-reload"],
        "supervisorctl": ["start", "stop", "restart", "reload", "update", "shutdown", "signal", "add", "remove", "clear", "reread"],
        "kubectl": [
            "delete", "scale", "apply", "create", "replace", "patch", "edit", "drain", "cordon", "uncordon",
            "taint", "label", "annotate", "set", "expose", "autoscale", "exec", "cp", "run", "attach", "debug",
        ],
        "helm": ["install", "upgrade", "uninstall", "rollback", "delete"],
        "apt": ["install", "remove", "purge", "upgrade", "full-upgrade", "autoremove"],
        "apt-get": ["install", "remove", "purge", "upgrade", "dist-upgrade", "autoremove"],
        "journalctl": ["--vacuum-size", "--vacuum-time", "--vacuum-files", "--rotate", "--flush"],
        "sysctl": ["-w", "--write", "-p", "--load", "--system"],
        "ip": ["add", "del", "delete", "set", "flush", "change", "replace"],
        "redis-cli": ["flushall", "flushdb", "shutdown", "del", "set", "config"],
        "git": ["push", "reset", "checkout", "clean", "commit", "merge", "rebase", "pull"],
    ]

    /// Options that, anywhere in an argv, change state.
    static let options: [String: Set<String>] = [
        "nginx": ["-s"],
        "sed": ["-i", "--in-place"],
        "find": ["-delete", "-exec", "-execdir", "-ok", "-okdir"],
        "logrotate": ["-f", "--force"],
    ]

    /// The `kubectl rollout` verbs that change state (`status` and `history` only read).
    static let rolloutVerbs: Set<String> = ["restart", "undo", "pause", "resume"]

    /// Wrappers that run the rest of the line as a command.
    static let wrappers: Set<String> = [
        "sudo", "doas", "env", "exec", "nohup", "nice", "timeout", "command", "xargs", "watch", "chroot", "runuser", "su", "busybox", "stdbuf",
        "setsid",
    ]

    /// Why `argv` changes state, or nil when it is not known to.
    public static func reason(argv: [String]) -> String? {
        var words = argv[...]
        // Skip wrappers and their options, and leading VAR=value assignments.
        while let first = words.first {
            let name = basename(first)
            if first.contains("="), !first.hasPrefix("-"), !first.hasPrefix("/") {
                words = words.dropFirst()
            } else if wrappers.contains(name) {
                words = words.dropFirst()
                while let next = words.first, next.hasPrefix("-") || Int(next.filter { !"smhd".contains($0) }) != nil || next.contains("=") {
                    words = words.dropFirst()
                }
            } else {
                break
            }
        }
        guard let first = words.first else { return nil }
        let program = basename(first)
        let rest = Array(words.dropFirst())
        if programs.contains(program) { return "'\(program)' changes state" }
        if program == "docker", let index = rest.firstIndex(of: "compose") {
            let after = rest[(index + 1)...].filter { !$0.hasPrefix("-") }
            if let verb = after.prefix(2).first(where: { subcommands["docker-compose", default: []].contains($0) }) {
                return "'docker compose \(verb)' changes state"
            }
            return nil
        }
        if program == "kubectl", let index = rest.firstIndex(of: "rollout"), index + 1 < rest.count,
            rolloutVerbs.contains(rest[index + 1])
        {
            return "'kubectl rollout \(rest[index + 1])' changes state"
        }
        if let verbs = subcommands[program] {
            // The first non-option word is the subcommand; some tools (docker container stop) nest one level.
            let plain = rest.filter { !$0.hasPrefix("-") || verbs.contains($0) }
            for word in plain.prefix(program == "docker" || program == "ip" || program == "redis-cli" ? 3 : 2) where verbs.contains(word.lowercased())
            {
                return "'\(program) \(word)' changes state"
            }
        }
        if let flags = options[program] {
            for word in rest {
                let flag = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                if flags.contains(flag) || (program == "sed" && word.hasPrefix("-i")) { return "'\(program) \(word)' changes state" }
            }
        }
        return nil
    }

    /// Why a shell script changes state, or nil when no command in it is known to.
    ///
    /// The script is cut into simple commands at `;`, `&`, `|`, newlines, `$(`, backquotes and
    /// parentheses; each is judged like an argv. Writing to a file with `>` or `>>` counts too,
    /// except to `/dev/null` or another descriptor.
    public static func reason(script: String) -> String? {
        reasons(script: script).first
    }

    /// Every reason a shell script changes state, each once, in the order of the script.
    public static func reasons(script: String) -> [String] {
        var reasons: [String] = []
        for command in ShellWords.commands(in: script) {
            let found = [command.redirectTarget.map { "it writes to '\($0)' with a redirection" }, reason(argv: command.words)]
            for case let reason? in found where !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons
    }

    private static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
