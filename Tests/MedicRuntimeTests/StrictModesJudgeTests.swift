import Foundation
import Glibc
import MedicCore
import MedicRuntime
import MedicTestSupport
import Testing

/// A configuration file a check names by an input's or a capture's value is judged before the
/// check runs unconfirmed, as OpenSSH's StrictModes judges `authorized_keys`: by `StrictModesJudge`
/// here, and by the remote wrapper's `medic_walk` (`RemoteScript`) on a host, run here by the
/// system's /bin/sh against the same files. Both must agree.
@Suite("Judging a configuration file the way StrictModes does")
struct StrictModesJudgeTests {
    /// A folder of its own under /tmp (sticky, root's), 0755, owned by root: the tests run as root.
    static func folder() throws -> String {
        var template = Array("/tmp/medic-judge-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        let path = String(cString: made)
        chmod(path, 0o755)
        return path
    }

    static func file(_ path: String, mode: mode_t = 0o644) throws {
        try "events {}\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
    }

    static func directory(_ path: String, mode: mode_t = 0o755) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        chmod(path, mode)
    }

    /// What the judge here says about `path`.
    static func here(_ path: String, folder: Bool = false, uid: uid_t = 0) -> String? {
        StrictModesJudge(uid: uid).problem(ConfigurationPath(option: folder ? "nginx -p" : "nginx -c", path: path, isFolder: folder))
    }

    /// What the remote wrapper says about `path`: nil when it went on to run the step.
    static func there(_ path: String, folder: Bool = false) throws -> String? {
        let files: [Result<ConfigurationPath, ConfigurationPath.Unknown>] = [
            .success(ConfigurationPath(option: folder ? "nginx -p" : "nginx -c", path: path, isFolder: folder))
        ]
        let text = try RemoteScript.text(for: .command(argv: ["/bin/true"]), environment: [:], marker: "MARK", configurationFiles: files)
            .get()
        let script = try Self.folder() + "/wrapper.sh"
        try text.write(toFile: script, atomically: false, encoding: .utf8)
        // As over ssh, the wrapper's input stays open while the step runs (its end tells the
        // wrapper Medic gave up); the judgement comes before the marker either way.
        // The test process blocks signals the shell's `wait` needs (SIGCHLD): python3 unblocks
        // them before it becomes the shell, as ssh's session on a host has them.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv('/bin/sh', ['sh', '-c', sys.argv[1], sys.argv[2]])",
            "{ cat \"$0\"; sleep 0.5; } | /bin/sh -s", script,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if said.hasPrefix("MARK\n") { return nil }
        guard said.hasPrefix(RemoteScript.refusedPrefix) else {
            throw TestFailure("the wrapper ended \(process.terminationStatus) saying \(said)")
        }
        return String(said.dropFirst(RemoteScript.refusedPrefix.count))
    }

    /// Judges `path` both ways: both accept (`expected` nil), or both refuse with a reason holding `expected`.
    static func expect(_ path: String, folder: Bool = false, _ expected: String?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let local = here(path, folder: folder)
        let remote = try there(path, folder: folder)
        if let expected {
            #expect(local?.contains(expected) == true, "here: \(local ?? "accepted")", sourceLocation: sourceLocation)
            #expect(remote?.contains(expected) == true, "there: \(remote ?? "accepted")", sourceLocation: sourceLocation)
        } else {
            #expect(local == nil, "here: \(local ?? "")", sourceLocation: sourceLocation)
            #expect(remote == nil, "there: \(remote ?? "")", sourceLocation: sourceLocation)
        }
    }

    @Test("root's file in root's 0755 folders under sticky /tmp passes; so does a link to it in such a folder")
    func good() throws {
        let root = try Self.folder()
        try Self.directory(root + "/nginx")
        try Self.file(root + "/nginx/nginx.conf")
        try Self.expect(root + "/nginx/nginx.conf", nil)
        try Self.expect(root + "/nginx/./../nginx//nginx.conf", nil)
        symlink("nginx/nginx.conf", root + "/link.conf")
        try Self.expect(root + "/link.conf", nil)
        try Self.expect(root + "/nginx", folder: true, nil)
        #expect(Self.here("/etc/passwd") == nil)
    }

    @Test("a file others can write is refused, and the reason names it and its mode")
    func worldWritableFile() throws {
        let root = try Self.folder()
        try Self.file(root + "/nginx.conf", mode: 0o646)
        try Self.expect(root + "/nginx.conf", "\(root)/nginx.conf is writable by others")
        #expect(
            Self.here(root + "/nginx.conf")
                == "nginx -c \(root)/nginx.conf: \(root)/nginx.conf is writable by others (mode 0646), so another user could have written it")
    }

    @Test("a folder on the path its group can write is refused: the file could be replaced")
    func groupWritableParent() throws {
        let root = try Self.folder()
        try Self.directory(root + "/conf", mode: 0o775)
        try Self.file(root + "/conf/nginx.conf")
        try Self.expect(root + "/conf/nginx.conf", "\(root)/conf is writable by its group")
        #expect(Self.here(root + "/conf/nginx.conf")?.contains("(mode 0775, and not sticky)") == true)
    }

    @Test("in a sticky world-writable folder (/tmp-like) only a file of root's or Medic's user passes")
    func stickyParent() throws {
        let root = try Self.folder()
        try Self.directory(root + "/tmp", mode: 0o1777)
        try Self.file(root + "/tmp/mine.conf")
        try Self.expect(root + "/tmp/mine.conf", nil)
        try Self.file(root + "/tmp/evil.conf")
        chown(root + "/tmp/evil.conf", 65534, 65534)
        try Self.expect(root + "/tmp/evil.conf", "\(root)/tmp/evil.conf is owned by")
        // The same file is Medic's own when Medic runs as that user.
        #expect(Self.here(root + "/tmp/evil.conf", uid: 65534) == nil)
        // A world-writable folder that is not sticky is refused, even with root's file in it.
        try Self.directory(root + "/open", mode: 0o777)
        try Self.file(root + "/open/nginx.conf")
        try Self.expect(root + "/open/nginx.conf", "\(root)/open is writable by its group and others")
        // The folder nginx -p names may not be writable by others, sticky or not.
        try Self.expect(root + "/tmp", folder: true, "\(root)/tmp is writable by its group and others")
    }

    @Test("a symbolic link is followed as the program will: into a writable folder is refused, and so is another user's link")
    func symlinks() throws {
        let root = try Self.folder()
        try Self.directory(root + "/open", mode: 0o777)
        try Self.file(root + "/open/nginx.conf")
        try Self.directory(root + "/etc")
        symlink(root + "/open/nginx.conf", root + "/etc/nginx.conf")
        try Self.expect(root + "/etc/nginx.conf", "\(root)/open is writable by")
        // A link in a sticky folder to a good file, but the link is another user's: they chose its target.
        try Self.directory(root + "/tmp", mode: 0o1777)
        try Self.file(root + "/etc/good.conf")
        symlink(root + "/etc/good.conf", root + "/tmp/link.conf")
        lchown(root + "/tmp/link.conf", 65534, 65534)
        try Self.expect(root + "/tmp/link.conf", "\(root)/tmp/link.conf is owned by")
        // A loop of links cannot be followed.
        symlink(root + "/etc/b", root + "/etc/a")
        symlink(root + "/etc/a", root + "/etc/b")
        try Self.expect(root + "/etc/a", "is a symbolic link Medic cannot follow")
    }

    @Test("a relative path, a missing file, a FIFO and a folder where a file goes are refused")
    func unusable() throws {
        let root = try Self.folder()
        try Self.expect("nginx.conf", "'nginx.conf' is not an absolute path")
        try Self.expect(root + "/missing.conf", "\(root)/missing.conf cannot be checked")
        mkfifo(root + "/fifo", 0o644)
        try Self.expect(root + "/fifo", "\(root)/fifo is a FIFO, not a regular file")
        try Self.expect(root, "\(root) is a folder, not a regular file")
        try Self.file(root + "/file.conf")
        try Self.expect(root + "/file.conf", folder: true, "\(root)/file.conf is a regular file, not a folder")
        try Self.expect(root + "/file.conf/x", "\(root)/file.conf is a regular file, not a folder")
    }

    @Test("a path with a quote or a newline stays data in the remote wrapper")
    func hostileNames() throws {
        let root = try Self.folder()
        // Were any of it run or split, the wrapper would judge another, missing, file.
        let name = root + "/it's $(echo x) `echo y` $HOME\nx.conf"
        try Self.file(name)
        try Self.expect(name, nil)
        try Self.file(root + "/w'x.conf", mode: 0o666)
        try Self.expect(root + "/w'x.conf", "\(root)/w'x.conf is writable by")
    }
}
