extension String {
    /// Whether the string's UTF-8 starts with `prefix`'s, as a shell or a program compares its
    /// arguments. `hasPrefix` compares characters by canonical equivalence: `"-\u{301}x"` (a
    /// dash and a combining mark, one character) does not start with "-" for it, but does for
    /// every program that reads options.
    func startsExactly(with prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

    /// Whether every scalar is ASCII: only then does Swift's `==` (canonical equivalence, which
    /// holds U+037E equal to ';' and U+212A to 'K') compare the bytes a shell compares.
    var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}

extension [UInt8] {
    /// Where `needle` first occurs, compared byte by byte (`0..<0` for an empty needle). A plain
    /// loop: the standard library's generic `firstRange(of:)` instantiates its searcher's
    /// metadata at each call, which cost a walk over every scenario four times its time.
    public func firstRange(ofBytes needle: [UInt8]) -> Range<Int>? {
        guard let first = needle.first else { return 0..<0 }
        guard needle.count <= count else { return nil }
        for start in 0...(count - needle.count) where self[start] == first {
            var matched = 1
            while matched < needle.count, self[start + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return start..<start + needle.count }
        }
        return nil
    }
}
