import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("the screen recording")
struct ScreenRecordingTests {
    static let shown = [
        "\u{1B}[1mCHECK\u{1B}[0m  Is the site up?\r\n", "curl -sS http://localhost/health\r\n", "HTTP 502 \"Bad Gateway\" \\ é 🚑\r\n",
        "token: hunter2\r\n", "\u{1B}[32mOK\u{1B}[0m\r\n",
    ]

    func record() throws -> SessionDirectory {
        let session = try SampleEvents.session(secrets: ["hunter2"], runbookID: "nginx-502")
        for text in Self.shown {
            session.screen(text)
            usleep(2000)
        }
        try session.finish()
        return session
    }

    @Test("the cast is asciicast v2: a header, then [seconds, \"o\", text] lines in order, masked")
    func format() throws {
        let session = try record()
        let lines = try Files.text(session.path + "/session.cast").split(separator: "\n").map(String.init)
        #expect(lines.count == Self.shown.count + 1)
        guard case .object(let header)? = JSONValue.parse(lines[0]) else { throw TestFailure("the header is not an object: \(lines[0])") }
        #expect(header["version"] == .number(2, text: "2"))
        #expect(header["width"] == .number(100, text: "100"))
        #expect(header["height"] == .number(30, text: "30"))
        #expect(header["title"] == .string("medic run nginx-502"))
        if case .number(let timestamp, _)? = header["timestamp"] {
            #expect(abs(timestamp - Date().timeIntervalSince1970) < 60)
        } else {
            Issue.record("no timestamp")
        }
        guard case .object(let env)? = header["env"] else { throw TestFailure("no env") }
        #expect(env.keys.sorted() == ["SHELL", "TERM"])
        var previous = -1.0
        for (line, shown) in zip(lines.dropFirst(), Self.shown) {
            guard case .array(let event)? = JSONValue.parse(line), event.count == 3, case .number(let seconds, _) = event[0] else {
                throw TestFailure("not an event: \(line)")
            }
            #expect(seconds > previous)
            previous = seconds
            #expect(event[1] == .string("o"))
            #expect(event[2] == .string(shown.replacing("hunter2", with: Masking.mask)))
        }
    }

    @Test(
        "the real asciinema accepts the cast and prints what the operator saw",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/asciinema"), "asciinema is not installed (apt-get install asciinema)"),
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) is needed: asciinema cat reads /dev/tty")
    )
    func asciinemaCat() throws {
        let session = try record()
        // `asciinema cat` opens /dev/tty, so give it a terminal with script(1).
        let cat = try Files.run(["script", "-qec", "asciinema cat '\(session.path)/session.cast'", "/dev/null"])
        #expect(cat.status == 0, "\(cat.error)")
        #expect(cat.output == Self.shown.joined().replacing("hunter2", with: Masking.mask))
    }
}
