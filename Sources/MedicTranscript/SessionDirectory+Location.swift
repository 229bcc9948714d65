import MedicCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SessionDirectory {
    /// Where a session goes when no path is given:
    /// `$XDG_STATE_HOME/medic/sessions/<UTC yyyymmddThhmmssZ>-<runbook id>`, with
    /// `XDG_STATE_HOME` defaulting to `$HOME/.local/state` (a relative value is ignored, as the
    /// XDG specification asks).
    static func defaultPath(runbookID: String, milliseconds: Int64, environment: (String) -> String?) throws -> String {
        guard let state = StateFolder.path(environment: environment) else {
            throw TranscriptError("could not choose where to keep the transcript: neither XDG_STATE_HOME nor HOME is set; give a directory")
        }
        return state + "/sessions/" + Clock.compact(milliseconds: milliseconds) + "-" + safeName(runbookID)
    }

    /// `text` reduced to letters, digits, `-`, `_` and `.` (not leading), so that an id can name a
    /// file and never climb out of its folder; at most 100 bytes.
    static func safeName(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
            out.unicodeScalars.append(ok || (scalar == "." && !out.isEmpty) ? scalar : "_")
            if out.utf8.count >= 100 { break }
        }
        return out.isEmpty ? "_" : out
    }

    /// Creates every missing folder above `path` with mode 0700; folders that exist are left as
    /// they are.
    static func createParents(of path: String) throws {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return }
        components.removeLast()
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in components {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw TranscriptError.system("create the folder", prefix, errno)
            }
        }
    }

    /// The folder holding `path`, for syncing the new entry in it.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
