import MedicCore

/// Turning file text into a YAML tree, with the reader's errors as diagnostics.
enum YAMLText {
    /// The root node of the file's one document, or nil after reporting why there is none.
    static func compose(_ text: String, reader: NodeReader) -> YAMLNode? {
        compose(bytes: Array(text.utf8), reader: reader)
    }

    /// The root node of the one document in UTF-8 `bytes`, or nil after reporting why there is
    /// none.
    static func compose(bytes: [UInt8], reader: NodeReader) -> YAMLNode? {
        // Looking for control characters and for the lines that may hold a comment written like
        // text reads only the bytes, so both run on another core while the parser reads them
        // (reading is one core's work); when several files are read side by side already, the two
        // run in turn. A control character is refused before anything the parser says, as
        // `YAMLParser.parse(bytes:)` refuses it before reading.
        let (structure, (control, commentLines)) = Concurrently.both(
            { Result { () throws(YAMLSyntaxError) in try YAMLParser.parseStructure(bytes: bytes) } },
            { (Result { () throws(YAMLSyntaxError) in try YAMLParser.refuseControlCharacters(in: bytes) }, linesWithCommentsLikeText(bytes)) })
        let parsed = control.flatMap { structure }
        switch parsed {
        case .success(let document):
            guard let document else {
                reader.error("the file holds no YAML document", at: .start(of: reader.file))
                return nil
            }
            warnOfCommentsLikeText(in: document.root, lines: commentLines, bytes: bytes, reader: reader)
            return document.root
        case .failure(let error):
            reader.error(error.message, at: SourceLocation(file: reader.file, line: error.mark.line, column: error.mark.column), hint: error.hint)
            return nil
        }
    }
}
