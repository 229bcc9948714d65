import Foundation
import MedicTestSupport
import Testing

/// Through the real `medic` binary: a script that hands a secret to a program as an argument is
/// refused by `medic validate` with an error at the word, before anything runs.
@Suite("medic validate refuses a secret in a script's argv end to end")
struct SecretArgvEndToEndTests {
    static let script = #"cat /proc/self/cmdline "$TOK" 2>/dev/null; echo done"#

    static let runbook = """
        medic: 1
        id: argv
        title: Argv
        inputs:
          tok: {type: secret}
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: \(script)
            branches:
              - otherwise: done
          done:
            kind: conclusion
            title: Done
            why: w
            outcome: resolved
            cause: none
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}

        """

    @Test("the secret is in the program's argv when the script runs, and validate refuses it at the word")
    func refused() throws {
        // Run by /bin/sh alone, the program's own argv holds the secret: what ps shows.
        let shown = try Spawn.run(["/bin/sh", "-c", Self.script], environment: ["TOK": "s3cr3t-argv"], timeout: 20)
        #expect(shown.output.contains("s3cr3t-argv"), "\(shown.output)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medic-argv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.runbook.write(toFile: folder + "/argv.yaml", atomically: true, encoding: .utf8)
        let validate = try Spawn.run(
            ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", folder, CommandLineTests.binary, "validate", "argv.yaml"],
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": folder + "/state"], timeout: 30)
        #expect(validate.status == 2, "\(validate.output)")
        // `script:` is at column 5 of line 11, its plain scalar at column 13; "$TOK" 23 characters on.
        let expected =
            "argv.yaml:11:36: error: the script of 'look' passes the secret 'tok' to 'cat' as an argument, where any user can read it with ps"
        #expect(validate.output.split(separator: "\n").contains { $0.hasPrefix(expected) }, "\(validate.output)")
    }
}
