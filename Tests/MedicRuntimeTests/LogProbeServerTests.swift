import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// The log probe's `server`: the lines of other nginx server blocks are left out and counted.
@Suite("The log probe keeps one server block's lines")
struct LogProbeServerTests {
    @Test("lines naming another server are left out; lines naming none, or the server, are kept; a path cannot pose as the field")
    func otherServersLeftOut() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = directory + "/error.log"
        let now = Int(time(nil))
        let refused = "connect() failed (111: Connection refused) while connecting to upstream"
        var text = ""
        for _ in 0..<3 {
            text +=
                LogProbeTests.nginx(now - 60) + " [error] 7#7: *1 \(refused), client: 127.0.0.1, server: shop.example, request: \"GET / HTTP/1.1\"\n"
        }
        text += LogProbeTests.nginx(now - 50) + " [error] 7#7: *2 \(refused), client: 127.0.0.1, server: www.example, request: \"GET / HTTP/1.1\"\n"
        text += LogProbeTests.nginx(now - 40) + " [error] 7#7: *3 \(refused)\n"
        // A client's path holding ", server: www.example," before the real field.
        text +=
            LogProbeTests.nginx(now - 30)
            + " [error] 7#7: *4 open() \"/srv/a, server: www.example, b\" failed (2: No such file or directory), client: 127.0.0.1, server: shop.example, request: \"GET /x HTTP/1.1\"\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ran = run(.log(LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes, server: "www.example")))
        #expect(ran.text.contains(": 2 lines\n"), "\(ran.text)")
        #expect(
            ran.text.contains("left out: 4 lines of other server blocks (server: shop.example); kept: lines naming server: www.example or none\n"),
            "\(ran.text)")
        #expect(ran.text.contains("refused: 2 "), "\(ran.text)")
        let all = run(.log(LogQuery(path: path, since: .seconds(900), classes: LogProbeTests.classes)))
        #expect(all.text.contains(": 6 lines\n") && !all.text.contains("left out"), "\(all.text)")
    }
}
