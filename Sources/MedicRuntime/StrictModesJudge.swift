import Glibc
import MedicCore

/// The real `ConfigurationJudge`: OpenSSH's StrictModes for a configuration file a check names.
///
/// It resolves the path the way the kernel will when the program opens it, one component at a
/// time from `/`: every folder it passes through, every symbolic link it follows (and the
/// folder holding the link), and the file itself must be owned by root or by the user Medic
/// runs as. No folder may be writable by its group or others unless it is sticky (`/tmp`: only
/// an entry's owner may then replace it, and every entry on the path is held to the owners
/// above); the file itself, or the folder `nginx -p` names, may not be writable by its group or
/// others at all. A path it cannot check (relative, missing, unreadable, a FIFO or a device) is
/// refused. It judges the named file and the folders above it, not the files that file
/// includes.
public struct StrictModesJudge: ConfigurationJudge {
    /// The user Medic runs as, whose files count as its own.
    public var uid: uid_t

    /// A judge for the user Medic runs as.
    public init(uid: uid_t = geteuid()) {
        self.uid = uid
    }

    public func problem(_ target: ConfigurationPath) -> String? {
        guard let reason = reason(target) else { return nil }
        return "\(target.option) \(target.path): \(reason)"
    }

    private func reason(_ target: ConfigurationPath) -> String? {
        guard target.path.hasPrefix("/") else { return "'\(target.path)' is not an absolute path, so Medic cannot tell which file it names" }
        if let reason = judge("/", info: nil, final: false, folder: true) { return reason }
        var pending = target.path.split(separator: "/").map(String.init)
        var current = ""
        var links = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                // The folder above one on the path walked so far, already judged.
                current = current.split(separator: "/").dropLast().map { "/" + $0 }.joined()
                continue
            }
            let candidate = current + "/" + component
            var info = stat()
            guard lstat(candidate, &info) == 0 else { return "\(candidate) cannot be checked (\(String(cString: strerror(errno))))" }
            if info.st_mode & S_IFMT == S_IFLNK {
                // The folder holding the link is judged; the link must be its owner's too.
                if let reason = owner(candidate, info) { return reason }
                links += 1
                guard links <= 40, let text = linkText(candidate) else { return "\(candidate) is a symbolic link Medic cannot follow" }
                pending = text.split(separator: "/").map(String.init) + pending
                if text.hasPrefix("/") { current = "" }
                continue
            }
            let final = pending.allSatisfy { $0 == "." || $0.isEmpty }
            if let reason = judge(candidate, info: info, final: final, folder: !final || target.isFolder) { return reason }
            current = candidate
        }
        if current.isEmpty { return "/ is not a regular file" }
        return nil
    }

    /// Why the entry at `path` (its `lstat` in `info`, or read here) fails: the wrong type, owner
    /// or permissions.
    private func judge(_ path: String, info given: stat?, final: Bool, folder: Bool) -> String? {
        var info = given ?? stat()
        if given == nil, lstat(path, &info) != 0 { return "\(path) cannot be checked (\(String(cString: strerror(errno))))" }
        let type = info.st_mode & S_IFMT
        if folder, type != S_IFDIR { return "\(path) is \(Self.describe(type)), not a folder" }
        if !folder, type != S_IFREG { return "\(path) is \(Self.describe(type)), not a regular file" }
        if let reason = owner(path, info) { return reason }
        let mode = info.st_mode & 0o7777
        let writable = mode & 0o022
        guard writable != 0 else { return nil }
        if !final, type == S_IFDIR, mode & S_ISVTX != 0 { return nil }
        let by = writable == 0o022 ? "its group and others" : writable == 0o020 ? "its group" : "others"
        let sticky = final || type != S_IFDIR ? "" : ", and not sticky"
        return "\(path) is writable by \(by) (mode \(Self.octal(mode))\(sticky)), so another user could have written it"
    }

    /// Why the owner of `path` is neither root nor the user Medic runs as, or nil.
    private func owner(_ path: String, _ info: stat) -> String? {
        if info.st_uid == 0 || info.st_uid == uid { return nil }
        let medic = uid == 0 ? "root" : "root or \(Self.userName(uid)) (Medic's user)"
        return "\(path) is owned by \(Self.userName(info.st_uid)), not by \(medic)"
    }

    private func linkText(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }

    private static func octal(_ mode: mode_t) -> String {
        let text = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    private static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a folder"
        case S_IFREG: "a regular file"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a file Medic can check"
        }
    }
}
