/// The names a runbook's variables may take. Every input, capture, count, output and answer
/// reaches scripts, commands and discoveries as an environment variable named in upper case
/// (`Walk.environment`), locally and on another host (`RemoteScript`), so a variable named
/// `path`, `ld_preload` or `home` would set PATH, LD_PRELOAD or HOME for every later step and
/// for Medic's own wrapper around a step on a host.
///
/// The validator refuses such a name where it is written (`Validator.environmentNames`), and
/// the runners never export one whatever the runbook, a replayed journal or a test says
/// (`exportable`).
public enum EnvironmentName {
    /// Why a variable named `name` must not reach a step as the environment variable of its
    /// upper-case form (`reaches every step as the environment variable PATH, and …`), or nil
    /// when it may.
    public static func problem(_ name: String) -> String? {
        let upper = name.uppercased()
        // The same list as a script's own assignments: they can never drift apart.
        guard let reason = ReadOnlyCommands.assignmentProblem(upper) else { return nil }
        return "reaches every step as the environment variable \(upper), and \(reason)"
    }

    /// `environment` without the variables `problem` refuses: what the runners export.
    public static func exportable(_ environment: [String: String]) -> [String: String] {
        environment.filter { problem($0.key) == nil }
    }

    /// The names that change only how a program writes, orders or reads text and times: the
    /// zone (TZ) and the locale's categories (LANG, LC_ALL, LC_COLLATE, …). Still refused as a
    /// runbook variable's name (they would reach every step), a script may set them
    /// (`ReadOnlyCommands.scriptAssignmentProblem`). Not among them: the names that make the C
    /// library load files from a folder of the caller's choosing (TZDIR, LOCPATH, GCONV_PATH,
    /// NLSPATH), nor LANGUAGE or TEXTDOMAINDIR, which pick message catalogs.
    public static let displayOnly: Set<String> = [
        "TZ", "LANG", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_NUMERIC", "LC_TIME", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME",
        "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION",
    ]

    /// The shell's own variables (bash's EXECIGNORE hides programs from the PATH search,
    /// BASH_XTRACEFD and HISTFILE name where it writes), the C library's (locales, message
    /// catalogs, the resolver, malloc's tracing), and temporary folders, which `sort` writes to.
    private static let readExact: Set<String> = [
        "CDPATH", "EXECIGNORE", "GLOBIGNORE", "FIGNORE", "FUNCNEST", "TIMEFORMAT", "TMOUT", "OPTIND", "OPTARG", "OPTERR", "PWD", "OLDPWD",
        "SHELL", "INPUTRC", "HOSTFILE", "POSIXLY_CORRECT", "LANG", "LANGUAGE", "TEXTDOMAIN", "TEXTDOMAINDIR", "TZ", "TZDIR", "HOSTALIASES",
        "LOCALDOMAIN", "RES_OPTIONS", "TMPDIR", "TMP", "TEMP", "TERM", "TERMINFO", "TERMINFO_DIRS", "TERMCAP", "MANPAGER", "BROWSER",
        "SSLKEYLOGFILE", "QLOGDIR", "NGINX", "PROMPT_COMMAND", "MAIL", "MAILCHECK", "MAILPATH", "HISTFILE", "HISTFILESIZE", "HISTSIZE",
        "HISTCONTROL", "HISTIGNORE", "HISTTIMEFORMAT", "KUBECONFIG", "KUBE_EDITOR", "KUBECACHEDIR", "KUBERC", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "DOCKER_CERT_PATH", "DOCKER_API_VERSION", "DOCKER_DEFAULT_PLATFORM", "DOCKER_BUILDKIT",
    ]
    /// Families: the shell's (BASH_*), the C library's and its loader's (LD_*, GLIBC_*,
    /// MALLOC_*, GCONV_*, LC_*, RESOLV_*), and those of the programs a check may run or that
    /// they load: curl and its TLS libraries (OPENSSL_CONF loads engines), docker (CLI
    /// plugin folders), kubectl (KUBECTL_EXTERNAL_DIFF runs a program), systemd, sudo, less,
    /// grep (GREP_OPTIONS adds options), awk, Python (supervisorctl), Perl, D-Bus, XDG folders.
    private static let readPrefixes = [
        "BASH", "LD_", "GLIBC_", "MALLOC_", "GCONV_", "LC_", "RESOLV_", "NSS_", "CURL", "OPENSSL_", "GNUTLS_", "KRB5", "DOCKER_CLI",
        "DOCKER_TLS", "DOCKER_CONTENT_TRUST", "KUBECTL", "SYSTEMD_", "SUDO_", "LESS", "GREP_", "AWK", "GAWK", "PYTHON", "PERL", "DBUS_", "XDG_",
        "GIT_",
    ]

    /// Why the environment variable `name` (upper case) is read by the shell, the C library and
    /// its dynamic loader, or a program a check may run, in a way that changes what it runs,
    /// loads or writes, or what it reads its options from; nil when it is not.
    /// `ReadOnlyCommands.assignmentProblem`, the one list, refuses these and the names that
    /// change which program runs.
    static func readProblem(_ name: String) -> String? {
        // PS0 to PS4: the shell's prompts, PS4 printed (expanded) before each command under set -x.
        let prompt = name.count == 3 && name.hasPrefix("PS") && name.last?.isNumber == true
        if readExact.contains(name) || prompt || readPrefixes.contains(where: { $0.utf8.first == name.utf8.first && name.hasPrefix($0) }) {
            return "the shell, the C library or a program a check runs reads it"
        }
        if name.hasSuffix("_PROXY") || name == "NO_PROXY" { return "it sends a program's requests elsewhere" }
        return nil
    }
}
