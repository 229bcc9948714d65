import CCurl

/// libcurl, opened at the first HTTP probe and kept for the life of the process.
final class CurlLibrary: @unchecked Sendable {
    // Unchecked: `handle` points at a table of function pointers that medic_curl_load fills in
    // before this object exists and that nothing writes afterwards.
    /// The loaded library, for the CCurl functions.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    /// The outcome of opening libcurl.
    enum Loaded: Sendable {
        case available(CurlLibrary)
        /// libcurl could not be opened; why, in the loader's words.
        case missing(String)
    }

    /// The system's libcurl (the soname Debian's libcurl4 installs), opened on first use; Swift
    /// runs this once, which curl_global_init needs.
    static let shared: Loaded = load("libcurl.so.4")

    /// Opens the library `name`.
    static func load(_ name: String) -> Loaded {
        var error = [CChar](repeating: 0, count: 512)
        guard let handle = medic_curl_load(name, &error, error.count) else {
            return .missing(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return .available(CurlLibrary(handle: handle))
    }
}
