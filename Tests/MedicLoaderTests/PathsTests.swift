import Foundation
import MedicTestSupport
import Testing

@testable import MedicLoader

/// The loader no longer imports Foundation; its path arithmetic must still give what
/// `NSString` gave, since resolved paths name called runbooks in diagnostics and bundles.
@Suite("Path arithmetic matches Foundation's")
struct PathsTests {
    static let names = [
        "runbooks/x.yaml", "x.yaml", "./x.yaml", "a//b.yaml", "a/b/", "/", "/x.yaml", "/a/b/c", "//a", "a/./b.yaml", "../x.yaml",
        "runbooks/nginx-502.scenarios/oom.yaml", "a.b.yaml", ".hidden", "x.", "no-extension", "..x", "a..", "x.y.", "/tmp/dir.d/file", "a b.yaml",
        "a/b c.d",
    ]

    @Test("parent folder, last component and the name without extension")
    func pieces() {
        for name in Self.names {
            #expect(Paths.parent(of: name) == (name as NSString).deletingLastPathComponent, "\(name)")
            #expect(Paths.lastComponent(of: name) == (name as NSString).lastPathComponent, "\(name)")
            let last = (name as NSString).lastPathComponent
            #expect(Paths.deletingExtension(last) == (last as NSString).deletingPathExtension, "\(name)")
        }
    }

    @Test("standardized paths, with symbolic links, '..', '.', '//' and '~'")
    func standardized() throws {
        let root = try TestSupport.temporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/real/deep", withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: root + "/absolute", withDestinationPath: root + "/real")
        try manager.createSymbolicLink(atPath: root + "/relative", withDestinationPath: "real/deep")
        try manager.createSymbolicLink(atPath: root + "/up", withDestinationPath: "../elsewhere")
        try manager.createSymbolicLink(atPath: root + "/chain", withDestinationPath: root + "/absolute")
        let tails = [
            "real/x.yaml", "absolute/x.yaml", "relative/x.yaml", "up/x.yaml", "chain/deep/x.yaml", "absolute/../x.yaml", "real/./deep//x.yaml",
            "missing/../real/x.yaml", "real/deep/../../x.yaml", "absolute/", "relative/..", "./real", "real/../../../../x",
        ]
        var paths = tails.map { root + "/" + $0 } + Self.names
        paths += ["~", "~/x.yaml", "~root/x.yaml", "~nobody-here/x.yaml", "/..", "/../x", "a/..", "a/b/../../..", "..", "."]
        paths += tails  // relative to the working folder, where they do not exist
        for path in paths {
            #expect(Paths.standardized(path) == (path as NSString).standardizingPath, "\(path)")
        }
    }
}
