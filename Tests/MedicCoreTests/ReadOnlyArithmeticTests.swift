import MedicCore
import Testing

/// Issue 11: bash evaluates a variable's value in `$((…))` as an expression and runs the command
/// substitution in an array subscript there, so a check's arithmetic may use only integers the
/// script itself set.
@Suite("Arithmetic in a check never evaluates a value from outside the script")
struct ReadOnlyArithmeticTests {
    @Test(
        "an operand from outside the script is refused",
        arguments: [
            // A command's output, through a variable or directly.
            "x=$(cat /etc/hostname); echo $((x))", "x=$(cat /etc/hostname); echo $(($x))", "x=$(cat /etc/hostname); echo \"$(( x + 1 ))\"",
            "echo $(( $(cat /etc/hostname) ))", "echo $(( `cat /etc/hostname` * 2 ))",
            // A positional parameter, in a function or not.
            "f() { echo $(( $1 - 5 )); }; f \"$(cat /etc/hostname)\"", "f() { echo $(( $1 )); }; f 3", "echo $(($# + $1))",
            "echo $((${1:-0}))", "echo $(($@))",
            // Inputs and captures: variables the script never sets.
            "echo $(( ${capture} ))", "echo $(( APP_PORT ))", "echo $(( $APP_PORT + 1 ))",
            // Set somewhere to a value that is not an integer.
            "n=0; n=$(wc -l < /etc/hostname); echo $((n))", "read -r n < /etc/hostname; echo $((n))", "n=0; for n in a b; do :; done; echo $((n))",
            "n=0; : ${n:=x}; echo $((n))", "n=\"$APP_PORT\"; echo $((n + 1))", "f() { local n=\"$1\"; echo $((n)); }; f 1",
            "n=0; while read -r n; do :; done < /etc/hostname; echo $((n))", "m=1; n=$m; echo $((n))", "n=0x10; echo $((n))",
            // Not set on every path before the use: the environment may give the value.
            "echo $((n)); n=0", "if [ -r /etc/hostname ]; then n=1; fi; echo $((n))", "[ -r /etc/x ] && n=1; echo $((n))",
            "while false; do n=1; done; echo $((n))", "for f in /etc/hostname; do n=1; done; echo $((n))", "( n=1 ); echo $((n))",
            "echo x | n=1; echo $((n))", "x=$(n=1; echo); echo $((n))", "n=1 true; echo $((n))", "f() { local n=1; }; f; echo $((n))",
            "f() { [ -r /etc/x ] && return; n=1; }; f; echo $((n))", "n=0; unset n; echo $((n))",
            "case x in a) n=1 ;; esac; echo $((n))", "n=1 & echo $((n))", "i=0; while [ \"$i\" -lt 3 ]; do echo $((i + j)); j=1; i=$((i + 1)); done",
            // Subscripts, joined names and other characters.
            "n=1; echo $((n[1]))", "n=1; i=1; echo $((n$i))", "echo $((1.5 + 1))", "echo $(( \\$x ))",
            // bash's other arithmetic: $[…], ((…)), test -v, and names with a subscript.
            "x=$(cat /etc/hostname); echo $[x]", "x=$(cat /etc/hostname); echo \"$[x]\"", "cat=$(cat /etc/hostname); ((cat))",
            "x=$(cat /etc/hostname); [ -v \"$x\" ]", "test -v 'a[$(reboot)]'", "read 'a[$(reboot)]' < /etc/hostname",
            "read -a a < /etc/hostname; x=$(cat /etc/hostname); unset \"$x\"", "unset 'a[$(reboot)]'",
            // A here-document expands its arithmetic too.
            "x=$(cat /etc/hostname)\ncat <<EOF\n$((x))\nEOF",
        ])
    func refused(_ script: String) {
        #expect(ReadOnlyScript.problem(script) != nil, "\(script)")
    }

    @Test(
        "integers the script set itself, and the shell's own, pass",
        arguments: [
            "n=$((1 + 2)); echo $n", "i=0; while [ \"$i\" -lt 3 ]; do i=$((i + 1)); done; echo $((i * 2))",
            "i=1\nwhile [ \"$i\" -le 30 ]; do\n  echo \"attempt $i\"\n  i=$((i + 1))\ndone",
            "mine=0 others=0; others=$((others + 1)); echo $((mine + others))",
            "x=$(cat /etc/hostname); echo ${#x} $((${#x} + 1))", "echo $(($# + 1)) $(($? + $$))", "n=-5; m=\"$((n * 2))\"; echo $((m - n))",
            "for i in 1 2 3; do echo $((i * 2)); done", "n=; echo $((n + 1))", "n=0; if [ -r /etc/x ]; then n=1; else n=2; fi; echo $((n))",
            "n=0; case x in a) n=1 ;; *) n=2 ;; esac; echo $((n))", "f() { n=$((n + 1)); }; n=0; f; f; echo $((n))",
            "f() { local n=4; echo $((n)); }; f", "n=5; f() { local n=4; }; f; echo $((n))", "echo $(( $((2 + 3)) * 4 ))",
            "n=0x10; echo $((0x10 + 8#17 + 16#ff))", "n=1; echo $(( n > 0 ? n : -n )), $(( (n << 2) | 1 ))",
            "cat <<'EOF'\n$((x)) $[x]\nEOF", "echo '$((x)) $[x]'", "echo \\$[x]", "( (uptime) )", "x=a; [ \"$x\" = -v ]",
            "test -v HOME", "read -r line < /etc/hostname; unset line", "while read -r a b; do echo \"$a\"; done < /etc/hosts",
            "awk -v n=\"$APP_PORT\" 'BEGIN { print n + 1 }'",
        ])
    func passes(_ script: String) {
        #expect(ReadOnlyScript.problem(script) == nil, "\(script): \(ReadOnlyScript.problem(script)?.reason ?? "")")
    }

    @Test("the refusal names the expression, the operand, why, and awk as the fix; it points at the $((")
    func reason() throws {
        let script = "uptime\nn=$(wc -l < /etc/hostname)\necho \"more: $(( n - 5 ))\""
        let problem = try #require(ReadOnlyScript.problem(script))
        #expect(problem.reason.hasPrefix("in '$(( n - 5 ))', 'n' is a variable the script sets to something other than an integer literal"))
        #expect(problem.reason.contains("bash, /bin/sh on many systems, evaluates such a value as an expression"))
        #expect(problem.reason.hasSuffix("do the arithmetic in awk, which takes values as data: awk -v n=\"$x\" 'BEGIN { print n + 1 }'"))
        // The word `"more: $(( n - 5 ))"` starts at 39; its `$((` at 46.
        #expect(problem.offset == 46)
        #expect(ReadOnlyScript.problem("echo $(( APP_PORT ))")?.reason.contains("'APP_PORT' is a variable the script does not set") == true)
        #expect(ReadOnlyScript.problem("f() { echo $(( $1 )); }; f 1")?.reason.contains("'$1' is a positional parameter") == true)
        #expect(ReadOnlyScript.problem("echo $(( $(date +%s) ))")?.reason.contains("'$(…)' is a command's output") == true)
        #expect(ReadOnlyScript.problem("echo $[x]")?.reason.hasPrefix("'$[' starts an arithmetic expansion in bash") == true)
        #expect(
            ReadOnlyScript.problem("((cat))")?.reason
                == "Medic cannot read the script: '((' is an arithmetic command in bash but two subshells in sh; write '( (' for subshells")
    }
}
