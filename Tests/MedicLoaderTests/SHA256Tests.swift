import Foundation
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicLoader

@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "known vectors, across block and padding boundaries",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == digest)
    }

    @Test("a million a's")
    func million() {
        #expect(
            SHA256.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("digests are what sha256sum prints, for sizes around the block size")
    func sizes() throws {
        let folder = try TestSupport.temporaryDirectory()
        for size in [0, 55, 56, 63, 64, 65, 65_535, 65_536, 200_001] {
            let path = folder + "/file-\(size)"
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(SHA256.hex(of: bytes) == (try sha256sum(path)), "size \(size)")
        }
    }

    @Test("a loaded runbook carries the digest of the bytes it was parsed from, the root's and a called one's")
    func loadedDigest() throws {
        let root = TestSupport.repositoryRoot + "/runbooks/nginx-502.yaml"
        let (bundle, _) = RunbookLoader().loadBundle(root)
        let loaded = try #require(bundle)
        #expect(loaded.runbooks.count > 1, "nginx-502 calls other runbooks")
        #expect(Set(loaded.digests.keys) == Set(loaded.runbooks.keys))
        for (path, digest) in loaded.digests { #expect(digest == (try sha256sum(path)), "\(path)") }
        #expect(RunbookLoader().loadFile(root).sha256 == (try sha256sum(root)))
        #expect(RunbookLoader().parse("id: x\n", path: "x.yaml").sha256 == SHA256.hex(of: Array("id: x\n".utf8)))
    }

    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
