import MedicCore
import Testing

/// The adversarial corpus of issue 11: every state-changing command written as a check is refused,
/// every read-only one the shipped runbooks use passes.
@Suite("Default-deny: checks must be provably read-only")
struct ReadOnlyTests {
    @Test(
        "smuggled state-changing scripts are refused",
        arguments: [
            "sh -c \"docker stop app\"", "bash -c 'docker stop app'", "su -c 'systemctl restart app'", "echo docker stop app | sh",
            "if true; then docker stop app; fi", "eval docker stop app", "$(echo docker) stop app", "${prog} stop app", "$prog stop app",
            "doc\\\nker stop app", "sudo -u root systemctl restart app", "env -u X systemctl restart app", "timeout 0.5 systemctl restart app",
            "echo app | xargs -I X docker stop X", "docker --context c container stop app", "docker compose -f f restart",
            "kubectl --context c -n ns delete pod x", "supervisorctl -c f restart app", "sed -i s/a/b/ f", "journalctl --vacuum-size=1M",
            "nginx -s reload", "cat log > /dev/fd/../../../etc/passwd", "curl -X DELETE http://127.0.0.1/x", "curl -o /tmp/x http://127.0.0.1/",
            "python -c 'import os'", "perl -e 'unlink q(x)'", "awk 'BEGIN{system(\"reboot\")}'", "psql -c 'DROP TABLE x'", "sysctl k=v",
            "ip link set eth0 down", "date -s 2020-01-01", "fuser -k 80/tcp", "init 6", "kill 1", "systemd-run reboot", "nsenter -t 1 reboot",
            "unshare -r reboot", "flock /tmp/l reboot", "echo reboot | at now", "systemctl status app || systemctl restart app",
            "x=$(docker stop app)", "echo \"$(pkill -f build)\"", "tail -n 5 log > /tmp/copy", "echo `rm -rf /tmp/x`",
            "echo ${x:-$(rm -rf /tmp/x)}", "cat <<EOF\n$(rm -rf /tmp/x)\nEOF", "PATH=/tmp/evil cat log", "LD_PRELOAD=/tmp/x.so cat log",
            "( docker stop app )", "{ docker stop app; }", "while true; do docker stop app; done", "for x in a; do rm $x; done",
            "case x in x) reboot ;; esac", "f() { reboot; }; f", "docker exec app rm -rf /", "kubectl rollout restart deploy/x",
            "journalctl --rotate", "dmesg -C", "dmesg --clear", "ps aux > /etc/x", "cat log >> /tmp/x", "cat log 1<>/tmp/x",
            "awk '{ print > \"/tmp/x\" }' log", "awk '{ print | \"sh\" }' log", "awk '{ \"date\" | getline d }' log", "sed 's/a/b/w /tmp/x' log",
            "sed '1e reboot' log", "find / -delete", "find / -exec rm {} +", "sort -o /tmp/x log", "uniq in out", "x=-i; sed \"$x\" s f",
            "find . \"$(echo -delete)\"", "k() { kubectl get \"$1\"; }; k -- -A", "k() { kubectl -n ns \"$@\"; }; k delete pod x", "exec reboot",
            "trap reboot EXIT", ". /tmp/x.sh", "alias ls=reboot",
            "docker stop app &",
            "command reboot", "nice -n 5 reboot", "nohup reboot", "sudo -s", "env PATH=/tmp cat log", "timeout 5 sh -c reboot",
            "xargs rm < list", "curl gopher://127.0.0.1:6379/_FLUSHALL", "curl -d x=1 http://127.0.0.1/", "curl -K /tmp/cfg http://127.0.0.1/",
            "curl -w '%output{/tmp/x}' http://127.0.0.1/", "/tmp/ps", "./ps", "supervisorctl stop all", "docker compose up -d",
            "systemctl --user restart app", "hostname evil", "exec > /tmp/x", "echo x >| /tmp/x", "printf -v x y", "set -- a; \"$@\"",
            "docker --config /tmp/c compose -f f down",
            // The names a runbook variable may not take (EnvironmentName): one list for both.
            "OPENSSL_CONF=/tmp/o.cnf curl http://127.0.0.1/",
            "PYTHONUSERBASE=/tmp/u supervisorctl version", "export PYTHONHOME=/tmp/p", "f() { local SSLKEYLOGFILE=/tmp/k; }; f",
            "env HTTPS_PROXY=http://127.0.0.1:9 curl https://127.0.0.1/", "readonly TMPDIR=/tmp/t", "TERMINFO=/tmp/t ps",
            // The display-only names let through do not make the allowed programs allowed.
            "TZ=UTC /tmp/date", "LC_ALL=C sort -o /tmp/x log",
            // A locale named by a path, or computed, loads its data from where it names; the names
            // that make the C library load files from a folder are no display-only names.
            "LC_ALL=/tmp/l sort log", "env LANG=/tmp/l sort log", "export LC_COLLATE=\"$x\"; sort log", "LOCPATH=/tmp/l sort log",
            "GCONV_PATH=/tmp/g sort log", "NLSPATH=/tmp/n sort log", "export TZDIR=/tmp/z; date", "LANGUAGE=de sort log", "LC_EVIL=x sort log",
            "read LC_ALL; sort log",
            // In Big5 or Shift_JIS a character's second byte may be '\\': bash and awk would read
            // quotes the proof did not.
            "export LC_ALL=zh_TW.BIG5; sort log", "LC_ALL=ja_JP.SJIS awk '{ print }' log", "LANG=zh_TW sort log",
            // Exact on scalars: U+212A is not the function K; a combining mark after '-' leaves an option.
            "K() { :; }; \u{212A}", "head -\u{301}n 1 log", "find . -\u{301}delete",
            // A path is split at each '/', a combining mark after it or not: no program of these names is known.
            "/usr/bin/\u{301}reboot", "/tmp/\u{301}/cat log",
            // U+0600 joins the '/' after it into one Character: the path is still a path.
            "\u{600}/cat log",
            // awk: a backslash outside a string is a line continuation or nothing awks agree on.
            "awk 'BEGIN { x = 1 \\ y }'", "echo $((x=\u{301}1))",
            // A command's finding is kept by its words, byte for byte: `ẃ` (one scalar) is no flag
            // of sed's, `w` and U+0301 writes a file, though Swift's `==` holds the two equal.
            "sed 's/a/b/\u{1E83}' log; sed 's/a/b/w\u{301}' log",
        ])
    func refused(_ script: String) {
        #expect(ReadOnlyScript.problem(script) != nil, "\(script)")
    }

    @Test("a command proven once is not taken for another spelled with other scalars, whichever comes first in the process")
    func findingsKeptByBytes() {
        #expect(ReadOnlyScript.problem("sed 's/a/b/\u{1E83}' log") == nil)
        #expect(ReadOnlyScript.problem("sed 's/a/b/w\u{301}' log") != nil)
        #expect(ReadOnlyScript.problem("grep -e\u{301} x log") == nil)
        #expect(ReadOnlyScript.problem("grep -\u{E9} x log") != nil)
    }

    @Test(
        "read-only scripts pass",
        arguments: [
            "grep -c x log 2>/dev/null || echo 0", "dmesg -T 2>&1 | grep -i 'killed process' >&2", "# rm -rf / is only a comment\nuptime",
            "awk '{print $1}' /proc/loadavg", "docker ps -a", "docker inspect --format '{{.State.OOMKilled}}' -- \"$APP\"",
            "docker logs --tail=200 \"$APP\" 2>&1 | tail -n 50", "docker compose -f \"$F\" ps -a", "systemctl status --no-pager app",
            "journalctl -u app --since -15m --no-pager", "supervisorctl -c /etc/s.conf status", "kubectl --context=c -n ns get pods -o wide",
            "kubectl rollout status deploy/x", "nginx -T 2>&1", "ss -tlnp", "free -m", "ps -eo pid,rss,comm --sort=-rss | head -n 5",
            "curl -sS -o /dev/null -w '%{http_code}' --max-time 3 http://127.0.0.1/", "sudo -n systemctl status app",
            "timeout 5 docker ps", "if [ -r /var/log/x ]; then tail -n 5 /var/log/x; else echo missing; fi",
            "for f in /var/log/a /var/log/b; do cat -- \"$f\"; done", "x=$(cat /proc/loadavg); echo \"$x\"",
            "case \"$MODE\" in a|b) echo ab ;; *) echo other ;; esac", "cat <<'EOF'\n$(rm -rf /)\nEOF", "echo \"${X:-none}\"",
            "awk '/a|b/ { n++ } END { print n }' log", "awk '$3 > 5 { print $1 }' log", "sed -n 's/^x=//p' log",
            "n=$((1 + 2)); echo $n", "ls -l -- \"$D\"", "find /run -maxdepth 1 -type s -printf '%p\\n'", "! grep -q x log",
            "while read -r a b; do echo \"$a\"; done < /etc/hosts", "docker container ls",
            // The shell compares bytes: U+037E is no ';', U+1FEF no backquote.
            "echo a\u{37E}reboot", "echo \u{1FEF}reboot\u{1FEF}", "awk 'BEGIN { n = 1 \\\n / 2 } # \" /'",
            "echo a | xargs -I X echo X", "set -eu\nuptime", "k() { kubectl get pods; }; k", "date +%s", "k() { kubectl -n ns \"$@\"; }; k get pods",
            // A time written in the zone of the program whose log is read.
            "TZ=\"$tz\" date -d \"@$from\" '+%Y-%m-%d %H:%M:%S'",
            // The display-only names, in front of any command or exported.
            "LC_ALL=C sort log", "env LC_ALL=C sort -u log", "export LC_ALL=C; sort log", "TZ=UTC ps", "export TZ=UTC; date",
            "env TZ=UTC date", "TZ=UTC date; TZ=UTC sort log", "date() { sort log; }; TZ=UTC date", "LANG=C.UTF-8 LC_COLLATE=C sort log",
            "f() { local LC_ALL=C; sort log; }; f", "LC_ALL=C; export LC_ALL; sort log", "LC_ALL=en_US.UTF-8 sort log",
            "LANG=de_DE.utf8@euro LC_TIME=POSIX sort log",
            // A line continuation inside a parameter's name, joined as dash joins it.
            "echo \"${X\\\n:-none}\"",
        ])
    func passes(_ script: String) {
        #expect(ReadOnlyScript.problem(script) == nil, "\(script): \(ReadOnlyScript.problem(script)?.reason ?? "")")
    }

    @Test func reasonsNameTheCommand() {
        #expect(ReadOnlyScript.problem("uptime\nsystemctl restart app")?.reason == "'systemctl restart' is not a read-only use Medic knows")
        #expect(ReadOnlyScript.problem("uptime\nsystemctl restart app")?.offset == 7)
        #expect(ReadOnlyScript.problem("$(echo docker) stop")?.reason.contains("computed at run time") == true)
        #expect(ReadOnlyScript.problem("nginx -s reload")?.reason == "nginx -s is not a read-only use Medic knows")
    }

    @Test("the parser joins a line continuation inside an expansion, as dash does")
    func parserJoinsContinuationsInExpansions() throws {
        let script = try ShellParser.parse(
            "echo \"$TO\\\nK\" $\\\nTOK ${TO\\\nK} ${TOK:\\\n-x} ${#\\\nTOK} ${1\\\n0} $\\\n(\\\n(1+2)\\\n)")
        guard case .simple(let command)? = script.list.items.first?.pipelines.first?.commands.first else {
            Issue.record("not a simple command")
            return
        }
        let expansions = command.words.dropFirst().map { word in
            word.expansions.map { part -> String in
                switch part {
                case .parameter(let name, let op, _): "\(name)\(op ?? "")"
                case .arithmetic: "arithmetic"
                default: "other"
                }
            }
        }
        #expect(expansions == [["TOK"], ["TOK"], ["TOK"], ["TOK:-"], ["TOK#length"], ["10"], ["arithmetic"]])
        // The read-only proof reads the same name: `${PA\<newline>TH:=…}` assigns PATH.
        #expect(ReadOnlyScript.problem(": \"${PA\\\nTH:=/tmp}\"")?.reason.contains("PATH") == true)
    }

    @Test func parserReadsTheGrammar() throws {
        let script = try ShellParser.parse("a | b && ! c || (d; e) & { f; }\nif g; then h; elif i; then j; else k; fi > /dev/null")
        #expect(script.list.items.count == 3)
        #expect(script.list.items[0].pipelines[0].commands.count == 2)
        #expect(script.list.items[0].operators == ["&&", "||"])
        #expect(script.list.items[0].pipelines[1].negated)
        #expect(script.list.items[0].background)
        for bad in ["echo 'open", "if true; then x", "echo $(x", "( x", "echo ${x/a/b}", "a && ", "case x in a) b"] {
            #expect(throws: ShellSyntaxError.self, "\(bad)") { try ShellParser.parse(bad) }
        }
    }

    @Test(
        "commands (no shell) are held to the same allow-list",
        arguments: [
            (["docker", "restart", "app"], false), (["docker", "--context", "c", "container", "stop", "app"], false),
            (["sudo", "-u", "root", "systemctl", "restart", "x"], false), (["env", "-u", "X", "rm", "x"], false), (["sh", "-c", "uptime"], false),
            (["docker", "ps", "-a"], true), (["systemctl", "status", "--no-pager", "--lines=0", "app"], true), (["ss", "-tlnp"], true),
            (["kubectl", "--context=c", "-n", "ns", "describe", "pod", "x"], true), (["supervisorctl", "-c", "/etc/s.conf", "status", "app"], true),
        ])
    func commands(_ argv: [String], _ allowed: Bool) {
        #expect((ReadOnlyCommands.problem(argv: argv.map { ReadOnlyCommands.Argument(literal: $0) }) == nil) == allowed, "\(argv)")
    }

    /// The holes the audit of the read-only proof found: each validated clean and ran unconfirmed.
    static let auditHoles: [String] = [
        // (a) awk output inside if/for/while without braces, or after another statement.
        "awk '{ if (1) print > \"/tmp/x\" }' log", "awk 'BEGIN { if (1) print \"x\" > \"/tmp/x\" }'",
        "awk '{ for (i = 0; i < 1; i++) printf \"%s\", $0 > \"/tmp/q\" }' log", "awk '{ while (1) print > \"/tmp/q\" }' log",
        "awk '{ x = 1; print >> \"/tmp/q\" }' log", "awk '{ if (1) print | \"sh\" }' log", "awk 'BEGIN { if (1) system(\"reboot\") }'",
        "awk '{ if (1) \"date\" | getline d }' log", "awk '{ print (1) > \"/tmp/x\" }' log", "awk '{ print /x/ > \"/tmp/x\" }' log",
        "awk '{ n = 1 / 2; print n > \"/tmp/x\" }' log", "awk '{ x = /\"/; print > \"/tmp/x\" }' log", "awk '$0 ~ /[/]/ { print }' log",
        "awk '{ i++ / 2 }' log",
        // (b) PATH, LD_* and the like set by local, read, getopts, export, printf -v, arithmetic, ${:=}.
        "f() { local PATH=/tmp/evil; cat log; }; f", "f() { local LD_PRELOAD=/tmp/x.so; cat log; }; f",
        "for f in x; do local PATH=/tmp; done; ps", "read -r PATH < /etc/hostname; ps", "echo /tmp/evil | { read PATH; cat log; }",
        "read LD_PRELOAD < /etc/hostname; cat log", "read -a PATH < log; ps", "read -raPATH < log; ps", "read -r \"$X\" < log",
        "getopts ab PATH; ps", "export PATH=/tmp/evil; ps", "readonly LD_PRELOAD=/tmp/x.so; ps", "export X=$Y; ps",
        "f() { local x=$Y; ps; }; f", "f() { local -n r=PATH; r=/tmp; ps; }; f", "printf -v PATH %s /tmp; ps",
        "printf -vPATH %s /tmp; ps", ": $((PATH=0)); ps", "echo $((LD_PRELOAD=1))", "echo $((x += 1))", "echo $((PATH++))",
        "echo $((x <<= 1))", ": ${PATH:=/tmp/evil}; ps", ": ${LD_PRELOAD=/tmp/x.so}; ps", "HOME=/tmp/evil curl http://127.0.0.1/",
        "KUBECONFIG=/tmp/k kubectl get pods", "DOCKER_CONFIG=/tmp/d docker ps", "env CURL_HOME=/tmp curl http://127.0.0.1/",
        "cd /tmp/evil && supervisorctl status",
        // (c) hash rebinds a name.
        "hash -p /tmp/evil/x cat; cat log", "hash -r cat",
        // (e) options that name a configuration, a module or a helper.
        "nginx -t -c /tmp/evil.conf", "nginx -T -c /etc/../tmp/evil.conf", "nginx -T -p /tmp/evil", "nginx -T -e /tmp/newfile",
        "nginx -t -g 'load_module /tmp/x.so;'", "c=/tmp/evil.conf; nginx -t -c \"$c\"", "docker --config /tmp/evil ps",
        "kubectl --kubeconfig /tmp/k get pods", "kubectl --kubeconfig=/tmp/k get pods", "kubectl --kubeconfig \"$K\" get pods",
        "curl --config /tmp/cfg http://127.0.0.1/", "supervisorctl -c /tmp/s.conf status",
        "curl -H 'X-HTTP-Method-Override: DELETE' http://127.0.0.1/", "git -c core.pager=reboot log", "ssh -F /tmp/c host uptime",
        "ssh -o ProxyCommand=reboot host", "systemctl --root=/tmp status app", "curl -H \"$H\" http://127.0.0.1/",
    ]

    @Test("the holes the audit found are refused", arguments: auditHoles)
    func auditHolesRefused(_ script: String) {
        #expect(ReadOnlyScript.problem(script) != nil, "\(script)")
    }

    @Test(
        "what the audit's rules still allow",
        arguments: [
            "awk '$3 > 5 { print $1 }' log", "awk '{ if ($3 > 5) print $1 }' log", "awk '{ print ($1 > 5 ? \"big\" : \"small\") }' log",
            "awk '/\"GET [^\"]*\"/ { n++ } END { print n + 0 }' log", "awk '{ print $1 / 2 }' log", "awk '{ sub(/^\\//, \"\", $1); print }' log",
            "awk -F: '$2 == \"memory\" { m = $3 } END { print m }' log",
            "awk '{ c = \"/etc/x\"; for (i = 1; i < NF; i++) if ($i == \"-c\") c = $(i + 1); print c }' log",
            "f() { local x=\"$1\" y; echo \"$x\"; }; f a", "read -r a b < /proc/loadavg; echo \"$a\"",
            "while read -r pid rel; do echo \"$pid\"; done < log",
            "getopts ab opt; echo \"$opt\"", "a=1 b=2; n=$((a == b)); m=$((a != b)); k=$((a <= b || a >= b)); echo $n $m $k",
            "i=0; i=$((i + 1)); echo $i",
            "hash", "printf -- '-%s\\n' x", "printf '%s\\n' \"$X\"", ": ${X:=default}; echo \"$X\"",
            "nginx -T -c /etc/nginx/nginx.conf", "nginx -T -c \"$NGINX_CONF\"", "supervisorctl -c /etc/supervisor/supervisord.conf status",
            "supervisorctl -c \"$SUPERVISOR_CONF\" status", "supervisorctl status", "kubectl --kubeconfig /etc/kubernetes/admin.conf get pods",
            "curl -H 'Accept: application/json' http://127.0.0.1/", "curl -H \"Host: $SITE\" http://127.0.0.1/",
        ])
    func auditRulesAllow(_ script: String) {
        #expect(ReadOnlyScript.problem(script) == nil, "\(script): \(ReadOnlyScript.problem(script)?.reason ?? "")")
    }

    @Test func auditReasonsNameTheCommand() {
        #expect(ReadOnlyScript.problem("hash -p /tmp/x cat")?.reason.contains("'hash -p'") == true)
        #expect(ReadOnlyScript.problem("f() { local PATH=/tmp; ps; }; f")?.reason == "setting PATH changes which program runs or what it loads")
        #expect(ReadOnlyScript.problem("nginx -t -c /tmp/n.conf")?.reason.hasPrefix("nginx -c '/tmp/n.conf' names a configuration") == true)
        #expect(ReadOnlyScript.problem("awk '{ if (1) print > \"/tmp/x\" }'")?.reason.hasPrefix("the awk program may redirect output") == true)
        #expect(ReadOnlyScript.problem("echo $((PATH=0))")?.reason.contains("arithmetic") == true)
        #expect(
            ReadOnlyCommands.problem(argv: [.init(literal: "docker"), .init(literal: "--config"), .init(literal: "/tmp/d"), .init(literal: "ps")])
                == "docker --config is not a read-only use Medic knows")
    }
}
