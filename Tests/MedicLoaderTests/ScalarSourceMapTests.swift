import MedicCore
import MedicTestSupport
import Testing

@testable import MedicLoader

/// Every character of a quoted, folded or plain multi-line scalar's text is mapped back to a place
/// in the file that produced it: the same character where it is copied, the backslash of the
/// escape that made it, or the line break that folding turned into it. Random scalars of each
/// style, from a seed, so that a failure can be made again.
@Suite("Where the characters of a quoted or folded scalar are written")
struct ScalarSourceMapTests {
    static let words = ["ab", "é", "x1", "#c", "d:e", "-f", "\u{1F600}", "g.h"]

    /// The text of a scalar in `style`, from `generator`: words, blanks, line breaks (continuation
    /// lines indented by four spaces), empty lines and, as the style allows, escapes or `''`.
    static func scalar(_ style: YAMLScalar.Style, _ generator: inout SeededGenerator) -> String {
        var out = ""
        let count = Int.random(in: 1...12, using: &generator)
        for index in 0..<count {
            var pieces = ["word", "word", "blank", "break"]
            if style == .doubleQuoted { pieces += ["escape", "escape", "escapedBreak"] }
            if style == .singleQuoted { pieces += ["quote"] }
            if style == .folded { pieces = ["word", "word", "blank", "break", "deeper"] }
            // A plain or folded scalar starts with a word, a plain one ends with one too.
            let edge = index == 0 || (style == .plain && index == count - 1)
            let piece = edge && (style == .plain || style == .folded) ? "word" : pieces.randomElement(using: &generator) ?? "word"
            switch piece {
            // ` #` would start a comment after a plain scalar.
            case "word": out += (style == .plain ? words.filter { !$0.hasPrefix("#") } : words).randomElement(using: &generator) ?? "a"
            case "blank": out += [" ", "  ", "\t", " \t"].randomElement(using: &generator) ?? " "
            case "break": out += ["\n    ", "\n\n    ", " \n    ", "\n  \n    "].randomElement(using: &generator) ?? "\n    "
            case "deeper": out += "\n      "
            case "escape":
                out +=
                    [#"\""#, #"\\"#, #"\n"#, #"\t"#, #"\x41"#, #"\u00e9"#, #"\U0001F600"#, #"\ "#, #"\/"#].randomElement(using: &generator) ?? #"\\"#
            case "escapedBreak": out += ["\\\n    ", "\\\n\n    ", "\\\n   \t "].randomElement(using: &generator) ?? "\\\n    "
            default: out += "''"
            }
        }
        switch style {
        case .doubleQuoted: return "\"\(out)\""
        case .singleQuoted: return "'\(out)'"
        case .folded:
            let header = [">", ">-", ">+", ">2"].randomElement(using: &generator) ?? ">"
            // Its lines are indented by four spaces, `deeper` ones by six.
            return header + "\n    " + out
        default: return out
        }
    }

    @Test("each character maps to the character that produced it", arguments: [YAMLScalar.Style.doubleQuoted, .singleQuoted, .plain, .folded])
    func mapped(style: YAMLScalar.Style) throws {
        var generator = SeededGenerator(state: 0x5CA1_AB1E + UInt64(style.rawValue))
        var checked = 0
        for _ in 0..<300 {
            let written = Self.scalar(style, &generator)
            let yaml = "k:\n  v: \(written)\n  w: 1\n"
            guard let document = try? YAMLParser.parse(yaml), case .mapping(let top) = document.root, case .mapping(let inner)? = top["k"],
                case .scalar(let scalar)? = inner["v"]
            else {
                Issue.record("the generated YAML does not parse: \(yaml.debugDescription)")
                continue
            }
            #expect(scalar.style == style, "\(yaml.debugDescription)")
            // A plain scalar on one line is its text as written, pointed at without a map.
            guard let map = scalar.written else {
                #expect(style == .plain && !written.contains("\n"), "\(yaml.debugDescription)")
                continue
            }
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            let value = Array(scalar.string.unicodeScalars)
            var previous: (line: Int, column: Int)?
            var lastCopied: (line: Int, column: Int)?
            for offset in 0...value.count {
                guard let place = map.map.position(ofScalar: offset, inValueOf: map.scalar) else {
                    Issue.record("no place for character \(offset) of \(scalar.string.debugDescription) in \(yaml.debugDescription)")
                    break
                }
                if let previous { #expect((previous.line, previous.column) <= (place.line, place.column), "\(offset) in \(yaml.debugDescription)") }
                previous = place
                guard offset < value.count else { continue }
                let line = lines[place.line - 1]
                let atEnd = place.column == line.count + 1
                let source = atEnd ? nil : line[place.column - 1]
                let character = value[offset]
                if style == .singleQuoted, character == "'" {
                    // `''` makes one quote, pointed at the first of the two.
                    #expect(source == "'" && line.count > place.column && line[place.column] == "'", "\(offset) in \(yaml.debugDescription)")
                } else if source == character, character != "\\", character != " ", character != "\t" {
                    // A character copied: no other character of the text is copied from the same place.
                    if let lastCopied {
                        #expect((lastCopied.line, lastCopied.column) < (place.line, place.column), "\(offset) in \(yaml.debugDescription)")
                    }
                    lastCopied = place
                } else if source == "\\" {
                    #expect(style == .doubleQuoted, "\(offset) in \(yaml.debugDescription)")
                } else if source != character {
                    // Folding: a space or a line feed made by a line break.
                    #expect(atEnd && (character == " " || character == "\n"), "\(offset) \(character) at \(place) in \(yaml.debugDescription)")
                }
                checked += 1
            }
        }
        #expect(checked > 1000)
    }
}
