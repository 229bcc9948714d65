import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

@Suite("Commands and scripts")
struct LocalRunnerTests {
    @Test("the exit status is the program's exit code")
    func exitCodes() {
        #expect(run(.command(argv: ["true"])).result.exitStatus == 0)
        #expect(run(.command(argv: ["false"])).result.exitStatus == 1)
        let three = run(.script("exit 3"))
        #expect(three.result.exitStatus == 3)
        #expect(three.result.failureReason == nil)
        #expect(!three.result.timedOut && !three.result.cancelled)
    }

    @Test("a signal that Medic did not send is 128 plus its number, and the reason says which")
    func killedBySignal() {
        let killed = run(.script("kill -KILL $$"))
        #expect(killed.result.exitStatus == 137)
        #expect(killed.result.failureReason == "killed by signal 9 (SIGKILL)")
        let terminated = run(.script("kill -TERM $$"))
        #expect(terminated.result.exitStatus == 143)
        #expect(terminated.result.failureReason == "killed by signal 15 (SIGTERM)")
    }

    @Test("stdout and stderr arrive on one stream, in the order they were written")
    func interleaving() {
        let ran = run(.script("echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf 'no newline'"))
        #expect(ran.text == "out1\nerr1\nout2\nerr2\nno newline")
    }

    @Test(
        "a hostile argv element reaches the program as one data argument and nothing runs",
        arguments: [
            "x; touch MARKER", "$(touch MARKER)", "`touch MARKER`", "| touch MARKER", "&& touch MARKER", "--help", "-n",
            "line one\nline two", "\u{1b}[31mred\u{1b}[0m\u{07}", "*", "'\"\\", "", "> MARKER",
        ]
    )
    func hostileArgument(_ template: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = directory + "/marker"
        let hostile = template.replacingOccurrences(of: "MARKER", with: marker)
        // printf prints one bracketed line per argument: two lines would mean the value was split.
        let ran = run(.command(argv: ["printf", "[%s]\\n", hostile]))
        #expect(ran.result.exitStatus == 0)
        #expect(ran.text == "[\(hostile)]\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("the invocation's environment reaches scripts, on top of the inherited one, but never sets HOME or PATH")
    func environment() {
        let ran = run(
            .script(#"printf '%s|%s|%s|%s' "$MEDIC_TEST_VALUE" "$USER" "${PATH:+inherited}" "$HOME""#),
            environment: ["MEDIC_TEST_VALUE": "a b; $(id) `id`", "USER": "overridden", "HOME": "/overridden", "PATH": "/overridden"]
        )
        #expect(ran.text == "a b; $(id) `id`|overridden|inherited|\(ProcessInfo.processInfo.environment["HOME"] ?? "")")
        let command = run(.command(argv: ["sh", "-c", #"printf '%s' "$MEDIC_TEST_VALUE""#]), environment: ["MEDIC_TEST_VALUE": "for commands too"])
        #expect(command.text == "for commands too")
    }

    @Test("a program that is not on PATH is a result with a plain reason, not an exit status")
    func programNotFound() {
        let ran = run(.command(argv: ["medic-no-such-program", "--version"]))
        #expect(ran.result.exitStatus == nil)
        #expect(ran.result.failureReason == "program 'medic-no-such-program' was not found on PATH")
        #expect(ran.text == "program 'medic-no-such-program' was not found on PATH\n")
    }

    @Test("a file that is not executable is a result with a plain reason")
    func programNotExecutable() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/not-executable"
        try "echo hi\n".write(toFile: path, atomically: true, encoding: .utf8)
        let ran = run(.command(argv: [path]))
        #expect(ran.result.exitStatus == nil)
        #expect(ran.result.failureReason == "program '\(path)' is not executable (permission denied)")
    }

    @Test("the child reads /dev/null, leads its own process group, and inherits none of our descriptors")
    func childSurroundings() throws {
        // A descriptor opened without O_CLOEXEC, as a careless library might.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        #expect(leaked > 2)
        // `ls` is a plain command with no pipe or redirection: in a pipeline, or with its output
        // redirected, the shell itself would hold more descriptors while `ls` reads them.
        let ran = run(.script(#"readlink /proc/$$/fd/0; ls /proc/$$/fd; echo $$ $(cut -d' ' -f5 /proc/$$/stat)"#))
        let lines = ran.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "/dev/null")
        #expect(lines.dropFirst().dropLast() == ["0", "1", "2"])
        let ids = lines.last?.split(separator: " ") ?? []
        #expect(ids.count == 2 && ids.first == ids.last)
    }

    @Test("the child starts with default dispositions and an empty mask for the signals Medic handles")
    func childSignals() {
        // The REPL ignores SIGPIPE; a child must not inherit that.
        signal(SIGPIPE, SIG_IGN)
        // The spawned program itself reads its status (a shell would block signals while it waits).
        let ran = run(.command(argv: ["grep", "-E", "^(SigBlk|SigIgn):", "/proc/self/status"]))
        let masks = Dictionary(
            uniqueKeysWithValues: ran.text.split(separator: "\n").compactMap { line -> (String, UInt64)? in
                let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let value = UInt64(parts[1], radix: 16) else { return nil }
                return (parts[0], value)
            }
        )
        #expect(masks["SigBlk"] == 0)
        let handled = [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT].reduce(UInt64(0)) { $0 | (1 << UInt64($1 - 1)) }
        #expect(masks["SigIgn"].map { $0 & handled } == 0)
    }

    @Test("bytes that are not UTF-8 are streamed exactly as written")
    func invalidUTF8() {
        let ran = run(.script(#"printf '\377\376abc\300\n\000end'"#))
        #expect(ran.bytes == [0xff, 0xfe, 0x61, 0x62, 0x63, 0xc0, 0x0a, 0x00, 0x65, 0x6e, 0x64])
    }

    @Test("200 MB of output (one line, no newline) streams in chunks of at most 64 KiB without growing memory")
    func largeOutput() {
        let size = 200 * 1024 * 1024
        let before = peakResidentKilobytes()
        var total = 0
        var largest = 0
        var chunks = 0
        let result = LocalRunner().run(invocation(.command(argv: ["head", "-c", String(size), "/dev/zero"]))) { chunk in
            total += chunk.count
            largest = max(largest, chunk.count)
            chunks += 1
        }
        let grown = peakResidentKilobytes() - before
        #expect(result.exitStatus == 0)
        #expect(total == size)
        #expect(largest <= 64 * 1024)
        #expect(chunks >= size / (64 * 1024))
        // Other tests run at the same time in this process, so allow for them; keeping the
        // output would have added 200 MB.
        #expect(grown < 48 * 1024, "peak memory grew by \(grown) KiB")
    }

    @Test("the duration is measured")
    func duration() {
        let ran = run(.script("sleep 0.3"))
        #expect(ran.result.durationMilliseconds >= 300)
        #expect(ran.result.durationMilliseconds < 5000)
    }
}
