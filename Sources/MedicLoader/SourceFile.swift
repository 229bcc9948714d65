import MedicCore

/// Reads a runbook or scenario file as text, refusing what cannot be one.
enum SourceFile {
    /// The largest file Medic reads; generated 10,000-step runbooks stay well below it.
    static let maximumSize = 16 * 1024 * 1024

    /// The file's text, or a diagnostic saying plainly why it cannot be read.
    static func read(_ path: String) -> Result<String, Diagnostic> {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, checked to be UTF-8 text without NUL, or a diagnostic saying plainly why
    /// they cannot be used. The loader parses these bytes as they are, without a copy as a String.
    static func bytes(_ path: String) -> Result<[UInt8], Diagnostic> {
        let location = SourceLocation.start(of: path)
        switch FileSystem.kind(of: path) {
        case nil: return .failure(.error("no such file", at: location))
        case .directory:
            return .failure(
                .error("is a directory, not a runbook file", at: location, hint: "to check every runbook in a folder, run 'medic list \(path)'"))
        case .other: return .failure(notRegular(at: location))
        case .file: break
        }
        let bytes: [UInt8]
        // Read one byte past the limit so an oversized file is refused without reading it whole.
        switch FileSystem.contents(of: path, upTo: maximumSize + 1, regularOnly: true) {
        case .success(let contents): bytes = contents
        case .failure(.notRegular): return .failure(notRegular(at: location))
        case .failure(.cannotOpen): return .failure(.error("cannot open the file for reading (permission denied?)", at: location))
        case .failure(.cannotRead(let reason)): return .failure(.error("cannot read the file: \(reason)", at: location))
        }
        if bytes.count > maximumSize {
            return .failure(.error("the file is larger than \(maximumSize / 1024 / 1024) MiB; a runbook is never that big", at: location))
        }
        if bytes.isEmpty {
            return .failure(.error("the file is empty", at: location))
        }
        if let zero = bytes.firstIndex(of: 0) {
            let (line, column) = position(ofByte: zero, in: bytes)
            return .failure(.error("the file is binary (it holds a NUL byte), not YAML", at: SourceLocation(file: path, line: line, column: column)))
        }
        // Well-formed UTF-8: no stray continuation bytes, no overlong forms, no surrogates,
        // nothing past U+10FFFF. Checked where the bytes are, without a copy, and the first
        // byte that is not UTF-8 is pointed at.
        do {
            _ = try UTF8Span(validating: bytes.span)
        } catch {
            let offset = error.byteOffsets.lowerBound
            let (line, column) = position(ofByte: offset, in: bytes)
            let hex = bytes[error.byteOffsets].map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return .failure(
                .error(
                    "the file is not valid UTF-8 text", at: SourceLocation(file: path, line: line, column: column),
                    hint: "\(error.byteOffsets.count == 1 ? "the byte \(hex) here is" : "the bytes \(hex) here are") not UTF-8 "
                        + "(\(Self.reason(error, in: bytes))); save the file as UTF-8 (iconv -f ENCODING -t UTF-8)"))
        }
        return .success(bytes)
    }

    /// What is wrong with the bytes of `bytes` that a UTF-8 check stopped at (`error`), in a
    /// reader's words.
    static func reason(_ error: UTF8.ValidationError, in bytes: [UInt8]) -> String {
        let they = error.byteOffsets.count == 1 ? "it begins" : "they begin"
        // Swift judges a lead byte of E0, ED, F0 or F4 (also C0 and C1) by itself, as overlong, a
        // surrogate or past U+10FFFF, whatever follows; with no continuation byte (10xxxxxx) after
        // it (Latin-1's à, í, ð, ô before a space), it only begins a character cut short.
        let lead = bytes[error.byteOffsets.lowerBound]
        let after = error.byteOffsets.lowerBound + 1
        let continued = after < bytes.count && bytes[after] & 0xC0 == 0x80
        if error.kind == .truncatedScalar || ((0xC0...0xF4).contains(lead) && !continued) { return "\(they) a character that is cut short" }
        return switch error.kind {
        case .unexpectedContinuationByte: "a continuation byte that continues no character"
        case .overlongEncodingByte: "\(they) a character written with more bytes than it needs"
        case .surrogateCodePointByte: "\(they) a UTF-16 surrogate, U+D800 to U+DFFF, which UTF-8 never holds"
        case .invalidNonSurrogateCodePointByte: "\(they) no character: UTF-8 stops at U+10FFFF"
        default: "\(they) no character"
        }
    }

    /// A FIFO, socket or device: never opened for reading, since reading one may block forever.
    private static func notRegular(at location: SourceLocation) -> Diagnostic {
        .error("is not a regular file (a FIFO, socket or device), not a runbook file; it was not read", at: location)
    }

    /// The line and column of the byte at `offset`, counted as the YAML reader counts them (a
    /// byte order mark is no column; a line ends at `\n`, `\r\n` or a lone `\r`; a column is a
    /// Unicode scalar), so that every diagnostic of a file points alike.
    private static func position(ofByte offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        let mark = YAMLScanner(bytes: bytes).mark(ofOffset: offset)
        return (mark.line, mark.column)
    }
}
