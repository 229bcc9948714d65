import Foundation
import MedicCore

/// Reads a runbook or scenario file as text, refusing what cannot be one.
enum SourceFile {
    /// The largest file Medic reads; generated 10,000-step runbooks stay well below it.
    static let maximumSize = 16 * 1024 * 1024

    /// The file's text, or a diagnostic saying plainly why it cannot be read.
    static func read(_ path: String) -> Result<String, Diagnostic> {
        let location = SourceLocation.start(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(.error("no such file", at: location))
        }
        if isDirectory.boolValue {
            return .failure(
                .error("is a directory, not a runbook file", at: location, hint: "to check every runbook in a folder, run 'medic list \(path)'"))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(.error("cannot open the file for reading (permission denied?)", at: location))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            // Read one byte past the limit so an oversized file is refused without reading it whole.
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            return .failure(.error("cannot read the file: \(error.localizedDescription)", at: location))
        }
        if data.count > maximumSize {
            return .failure(.error("the file is larger than \(maximumSize / 1024 / 1024) MiB; a runbook is never that big", at: location))
        }
        if data.isEmpty {
            return .failure(.error("the file is empty", at: location))
        }
        if let zero = data.firstIndex(of: 0) {
            let (line, column) = position(ofByte: zero - data.startIndex, in: data)
            return .failure(.error("the file is binary (it holds a NUL byte), not YAML", at: SourceLocation(file: path, line: line, column: column)))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(.error("the file is not valid UTF-8 text", at: location))
        }
        return .success(text)
    }

    private static func position(ofByte offset: Int, in data: Data) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
