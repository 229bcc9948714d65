import Foundation
import MedicCore
import MedicSession
import Testing

@Suite("Pieces of a run: capture, masking, the screen, commands, inputs")
struct SessionPieceTests {
    @Test("the capture keeps the head and the tail and counts everything")
    func boundedCapture() {
        var capture = BoundedCapture(headLimit: 8, tailLimit: 8)
        for chunk in ["line1\n", "line2\n", "line3\n", "line4\n", "end"] { capture.append(Array(chunk.utf8)[...]) }
        #expect(capture.totalBytes == 27)
        #expect(capture.lineCount == 5)
        #expect(capture.isTruncated)
        #expect(capture.text.hasPrefix("line1\nli"))
        #expect(capture.text.hasSuffix("\nline4\nend".suffix(8)))
        #expect(capture.text.contains("11 bytes not kept"))

        var small = BoundedCapture(headLimit: 100, tailLimit: 100)
        small.append(Array("a\nb\n".utf8)[...])
        #expect(small.text == "a\nb\n" && !small.isTruncated && small.lineCount == 2)

        var big = BoundedCapture(headLimit: 4, tailLimit: 4)
        big.append([UInt8](repeating: 65, count: 1000)[...])
        big.append(Array("WXYZ".utf8)[...])
        #expect(big.text.hasSuffix("WXYZ"))

        // Counted eight bytes at a time: every alignment and a tail shorter than eight.
        for lead in 0..<9 {
            var many = BoundedCapture(headLimit: 4, tailLimit: 4)
            many.append(Array((String(repeating: "x", count: lead) + String(repeating: "ab\n\n\u{8A}", count: 1001) + "end").utf8)[...])
            #expect(many.lineCount == 2003, "after \(lead) leading bytes")
        }
    }

    @Test("taking what was kept gives the text and parts the capture shows, and empties its buffers", arguments: [0, 3, 7, 8, 9, 15, 16, 17, 40])
    func takeKept(length: Int) {
        // "é" is two bytes: at some lengths one falls across the head's end, or the ring's seam.
        let bytes = Array(String(repeating: "aé\n", count: 20).utf8.prefix(length))
        for chunk in [1, 3, 64] {
            var capture = BoundedCapture(headLimit: 8, tailLimit: 8)
            var rest = bytes[...]
            while !rest.isEmpty {
                capture.append(rest.prefix(chunk))
                rest = rest.dropFirst(chunk)
            }
            let (text, parts) = (capture.text, capture.keptParts)
            let (lines, total) = (capture.lineCount, capture.totalBytes)
            let taken = capture.takeKept()
            #expect(taken.text == text && taken.parts == parts, "\(length) bytes, \(chunk) at a time")
            #expect(capture.lineCount == lines && capture.totalBytes == total, "the counts stay")
            #expect(capture.keptTail.isEmpty, "the buffers are emptied")
        }
    }

    @Test("masking a stream finds secrets however the chunks fall")
    func streamMasking() {
        let secret = "s3cr\"et%$"
        let masking = Masking(secrets: [secret])
        let basic = Data(("bob:" + secret).utf8).base64EncodedString()
        let text = "a \(secret) b \(Masking.jsonEscaped(secret)) c s3cr d \(secret) e s3cr%22et%25%24 f s3cr&quot;et%&#36; g \(basic) h"
        let expected = masking.apply(text)
        #expect(expected == "a •••• b •••• c s3cr d •••• e •••• f •••• g Ym9iOn••••== h")
        let bytes = Array(text.utf8)
        for size in [1, 2, 3, 5, 7, 64] {
            var masker = StreamMasker(masking)
            var out: [UInt8] = []
            var index = 0
            while index < bytes.count {
                out += masker.process(bytes[index..<min(bytes.count, index + size)])
                index += size
            }
            out += masker.finish()
            #expect(String(decoding: out, as: UTF8.self) == expected, "chunk size \(size)")
        }
        var none = StreamMasker(Masking(secrets: []))
        #expect(none.process(Array("plain".utf8)[...]) == Array("plain".utf8))
    }

    @Test("the fast path never skips a secret form split across two chunks")
    func streamMaskingAcrossChunks() {
        // Each form begins where the masker's fast path would copy plain bytes in bulk; every
        // split of the text between two chunks must still mask it.
        let secret = "pa ss&w0rd\"x"
        let masking = Masking(secrets: [secret])
        var forms = [
            secret, "pa+ss%26w0rd%22x", "pa%20ss%26w0rd%22x", "pa\\u0020ss\\u0026w0rd\\u0022x",
            "pa ss&amp;w0rd&quot;x", "pa&#32;ss&#x26;w0rd&#34;x", Masking.jsonEscaped(secret),
        ]
        for prefix in ["", "u:", "us:"] {
            let base64 = Data((prefix + secret).utf8).base64EncodedString()
            forms.append(base64)
            forms.append(base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        for form in forms {
            let text = String(repeating: "plain text, no secret here. ", count: 3) + form + " and after."
            let whole = masking.apply(text)
            #expect(whole.contains(Masking.mask), "\(form) is masked in one piece")
            #expect(!whole.contains("w0rd") && !whole.contains("W0RD"), "\(form): \(whole)")
            let bytes = Array(text.utf8)
            for split in 1..<bytes.count {
                var masker = StreamMasker(masking)
                let out = masker.process(bytes[..<split]) + masker.process(bytes[split...]) + masker.finish()
                #expect(String(decoding: out, as: UTF8.self) == whole, "\(form) split at \(split)")
            }
        }
    }

    @Test("untrusted bytes are shown, never interpreted")
    func terminalText() {
        #expect(TerminalText.sanitize(Array("ok\u{1B}[2Jtitle\u{7}".utf8)) == "ok^[[2Jtitle^G")
        #expect(TerminalText.sanitize([0x61, 0xFF, 0x62, 0xE2, 0x80]) == "a\\xffb\\xe2\\x80")
        #expect(TerminalText.sanitize(Array("tab\there • ü".utf8)) == "tab\there • ü")
        #expect(TerminalText.sanitize("a\u{9B}b") == "a\\u{9b}b")
        // Bidi controls, which make a name read as another, are shown too.
        let bidi = "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}"
        let escaped = ["202a", "202b", "202c", "202d", "202e", "2066", "2067", "2068", "2069", "200e", "200f", "61c"].map { "\\u{\($0)}" }
        #expect(TerminalText.sanitize("web\(bidi)1") == "web" + escaped.joined() + "1")
        #expect(TerminalText.sanitize(Array("a\u{202E}b".utf8)) == "a\\u{202e}b")
    }

    @Test("the screen shows the first lines live, then a count, then the last lines")
    func outputScreen() {
        var screen = OutputScreen(headLines: 2, tailLines: 2, maxLineBytes: 10)
        var shown = screen.feed(Array("1\n2\n3\n4\n5\n6\n".utf8))
        shown += screen.feed(Array("a very long line indeed\n7".utf8))
        #expect(shown == ["1", "2"])
        let (hidden, last) = screen.finish()
        #expect(hidden == 4)
        #expect(last == ["a very lon … (13 more bytes on this line)", "7"])
    }

    @Test("past the head, a chunk of many lines leaves the same screen as one line at a time")
    func outputScreenChunks() {
        let text = (1...500).map { "line \($0)" }.joined(separator: "\n") + "\nlast, without newline"
        let bytes = Array(text.utf8)
        func screen(chunk: Int) -> (shown: [String], hidden: Int, last: [String]) {
            var screen = OutputScreen(headLines: 3, tailLines: 4)
            var shown: [String] = []
            var start = 0
            while start < bytes.count {
                shown += screen.feed(bytes[start..<min(bytes.count, start + chunk)])
                start += chunk
            }
            let (hidden, last) = screen.finish()
            return (shown, hidden, last)
        }
        let byByte = screen(chunk: 1)
        #expect(byByte.shown == ["line 1", "line 2", "line 3"])
        #expect(byByte.hidden == 494)
        #expect(byByte.last == ["line 498", "line 499", "line 500", "last, without newline"])
        for chunk in [7, 64, 1000, bytes.count] {
            let other = screen(chunk: chunk)
            #expect(other.shown == byByte.shown && other.hidden == byByte.hidden && other.last == byByte.last, "chunk \(chunk)")
        }
        var none = OutputScreen(headLines: 1, tailLines: 0)
        _ = none.feed(Array("a\nb\nc\nd".utf8))
        let (hidden, last) = none.finish()
        #expect(hidden == 3 && last.isEmpty)
    }

    @Test("operator commands parse; anything else is a word for the prompt")
    func commands() {
        #expect(OperatorCommand(parsing: " show  fix ") == .show(stepID: "fix"))
        #expect(OperatorCommand(parsing: "set window=15m") == .set(name: "window", value: "15m"))
        #expect(OperatorCommand(parsing: "set password") == .set(name: "password", value: nil))
        #expect(OperatorCommand(parsing: "goto") == .word("goto"))
        #expect(OperatorCommand(parsing: "yes") == .word("yes"))
        #expect(OperatorCommand(parsing: "   ") == .empty)
        #expect(OperatorCommand.hint(for: "shwo") == "unknown command 'shwo'; did you mean 'show'? (`help` lists the commands)")
    }

    @Test("var files and MEDIC_VAR_ values")
    func assignments() {
        let (values, problems) = InputAssignments.parseFile("# comment\n\nexport a=1\nb = 'two words'\nc=\"x=y\"\nbroken\n")
        #expect(values.map(\.name) == ["a", "b", "c"])
        #expect(values.map(\.value) == ["1", "two words", "x=y"])
        #expect(problems == ["line 6: expected NAME=VALUE"])
        #expect(InputAssignments.fromEnvironment(["MEDIC_VAR_login_password": "p", "MEDIC_VAR_": "x", "PATH": "/bin"]) == ["login_password": "p"])
        #expect(InputAssignments.parse("=x") == nil)
    }

    @Test("what runs is shown so it pastes back into a shell as the same words")
    func quoting() {
        #expect(ShellQuoting.quote("a b") == "'a b'")
        #expect(ShellQuoting.quote("x; touch /tmp/pwned") == "'x; touch /tmp/pwned'")
        #expect(ShellQuoting.quote("%s\nnext") == "$'%s\\nnext'")
        #expect(ShellQuoting.quote("esc\u{1B}[31m") == "$'esc\\x1b[31m'")
    }
}
