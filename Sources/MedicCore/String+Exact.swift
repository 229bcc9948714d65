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
