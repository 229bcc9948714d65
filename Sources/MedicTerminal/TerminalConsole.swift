import CEditLine
import MedicCore

#if canImport(Glibc)
    import Glibc
#endif

/// The operator's terminal: libedit line editing with completion and history when standard
/// input is a terminal, a plain line reader otherwise; secrets read with echo off; colour when
/// standard output is a terminal and `NO_COLOR` is unset.
public final class TerminalConsole: Console {
    public let isInteractive: Bool
    private let outputIsTerminal: Bool
    private let style: TerminalStyle
    private let history: HistoryFile?
    /// Receives every piece of text put on screen, for the session recording.
    private let screenTap: ((String) -> Void)?
    private var editorOpen = false

    /// Creates the console. `historyPath`: where typed commands are kept (nil: nowhere).
    public init(historyPath: String?, screenTap: ((String) -> Void)? = nil) {
        isInteractive = isatty(STDIN_FILENO) == 1
        outputIsTerminal = isatty(STDOUT_FILENO) == 1
        style = .forStandardOutput()
        history = historyPath.map(HistoryFile.init)
        self.screenTap = screenTap
    }

    deinit {
        if editorOpen { medic_editor_close() }
    }

    public func show(_ text: String, _ meaning: ScreenStyle) {
        // Callers show untrusted text sanitized already; this is the last line of defence, so
        // that no control or bidi character reaches the terminal whatever a caller forgot.
        let fitted = fit(TerminalText.sanitize(text))
        write(paint(fitted, meaning) + "\n", plain: fitted + "\n")
    }

    /// Standard output's width in columns, asked at every call so a resize takes effect at
    /// the next line; nil when it is not a terminal.
    public var width: Int? {
        guard outputIsTerminal else { return nil }
        return size?.width
    }

    /// `text` wrapped to the terminal's width, line by line (see `ScreenWrap`).
    private func fit(_ text: String) -> String {
        guard let width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { ScreenWrap.lines(String($0), width: width) }
            .joined(separator: "\n")
    }

    /// Writes `text` to the screen and the recording.
    public func write(_ text: String, plain: String? = nil) {
        StandardStreams.output.write(text)
        screenTap?((plain ?? text).replacingLineEnds())
    }

    public var stopPending: Bool { Signals.stopPending }

    public func readLine(prompt: String, completions: [String], fresh: Bool) -> ConsoleReply {
        // Told to stop while a step or discovery ran: no prompt waits for an answer then.
        if Signals.takeStop() { return .hangUp }
        guard isInteractive else { return readPlainLine(prompt: prompt, secret: false) }
        openEditor()
        if fresh { medic_terminal_discard_input(STDIN_FILENO) }
        setCompletions(completions)
        let painted = style.enabled ? "\u{1}\u{1B}[1m\u{1}" + prompt + "\u{1}\u{1B}[0m\u{1}" : prompt
        var status: Int32 = 0
        // A decision (`fresh`) is read without the user's key bindings and macros: what
        // approves is exactly what was typed.
        guard let line = medic_editor_read(painted, fresh ? 1 : 0, &status) else {
            switch Int(status) {
            case Int(MEDIC_READ_INTERRUPTED):
                write("^C\n")
                return .interrupted
            case Int(MEDIC_READ_HANGUP): return .hangUp
            default:
                write("\n")
                return .endOfInput
            }
        }
        // Not recorded here: the session records the line as it may be kept (`recordTyped`).
        return .line(String(cString: line))
    }

    public func recordTyped(_ kept: String, after prompt: String) {
        guard isInteractive else {
            // Without a terminal the prompt was written (and recorded) before the line was read,
            // and nothing echoed the line: it is put on screen here, as the session keeps it (a
            // secret's value withheld), never as it was read.
            write(TerminalText.sanitize(kept) + "\n")
            return
        }
        screenTap?(prompt + TerminalText.sanitize(kept) + "\r\n")
    }

    public func discardTypeahead() -> Bool {
        guard isInteractive else { return false }
        return medic_terminal_discard_input(STDIN_FILENO) > 0
    }

    public func readSecret(prompt: String) -> String? {
        if Signals.takeStop() { return nil }
        guard isInteractive else {
            guard case .line(let line) = readPlainLine(prompt: prompt, secret: true) else { return nil }
            return line
        }
        // Echo goes off, and what was typed before is discarded, before the prompt is shown: a
        // secret typed as soon as the prompt appears is never lost, nor echoed.
        var mode = medic_secret_mode()
        medic_terminal_secret_begin(STDIN_FILENO, &mode)
        write(prompt)
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = medic_terminal_read_secret(STDIN_FILENO, &buffer, UInt(buffer.count))
        medic_terminal_secret_end(STDIN_FILENO, &mode)
        defer { for index in buffer.indices { buffer[index] = 0 } }
        screenTap?("\r\n")
        guard length >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func remember(_ line: String) {
        guard isInteractive, !line.isEmpty else { return }
        openEditor()
        medic_editor_history_add(line)
        history?.append(line)
    }

    /// The terminal's size, for the recording's header.
    public var size: (width: Int, height: Int)? {
        var rows: Int32 = 0
        var columns: Int32 = 0
        medic_terminal_size(STDOUT_FILENO, &rows, &columns)
        return rows > 0 && columns > 0 ? (Int(columns), Int(rows)) : nil
    }

    private func openEditor() {
        guard !editorOpen else { return }
        editorOpen = medic_editor_open("medic") == 0
        for line in history?.load() ?? [] { medic_editor_history_add(line) }
    }

    private func setCompletions(_ words: [String]) {
        var pointers = words.map { strdup($0) }
        defer { for pointer in pointers { free(pointer) } }
        pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { base in
                medic_editor_set_completions(base, Int32(buffer.count))
            }
        }
    }

    /// Reads a line from a non-terminal standard input, one byte at a time so that nothing
    /// after the line is consumed (a child never reads our stdin, but a later prompt does).
    /// The line is not echoed: a `secret` ends with a bare newline; any other line is put on
    /// screen by `recordTyped`, in the form the session decided may be kept, since only the
    /// session knows what in it is secret (`set TOK=••••`).
    private func readPlainLine(prompt: String, secret: Bool) -> ConsoleReply {
        write(prompt)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let got = read(STDIN_FILENO, &byte, 1)
            if got < 0, errno == EINTR {
                let seen = medic_signals_take()
                if seen & (1 << UInt(SIGHUP) | 1 << UInt(SIGTERM)) != 0 { return .hangUp }
                if seen & (1 << UInt(SIGINT)) != 0 { return .interrupted }
                continue
            }
            if got <= 0 {
                guard !bytes.isEmpty else {
                    write("\n")
                    return .endOfInput
                }
                // A line: the screen and the recording get it from `recordTyped`, as kept.
                if secret { write("\n") }
                return .line(String(decoding: bytes, as: UTF8.self))
            }
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        // The screen and the recording get the line from `recordTyped`, as the session keeps it.
        if secret { write("\n") }
        return .line(String(decoding: bytes, as: UTF8.self))
    }

    private func paint(_ text: String, _ meaning: ScreenStyle) -> String {
        guard style.enabled else { return text }
        switch meaning {
        case .plain, .output: return text
        case .heading(let kind):
            switch kind {
            case .check: return style.bold(style.cyan(text))
            case .action: return style.bold(style.yellow(text))
            case .question: return style.bold(style.magenta(text))
            case .conclusion, .runbook: return style.bold(text)
            }
        case .why, .dim: return style.dim(text)
        case .command: return style.bold(text)
        case .success: return style.green(text)
        case .failure, .error: return style.red(text)
        case .branch: return style.blue(text)
        case .warning: return style.yellow(text)
        case .conclusion(let outcome):
            switch outcome {
            case .resolved?, .noFault?: return style.bold(style.green(text))
            case .escalate?: return style.bold(style.yellow(text))
            case nil: return style.red(text)
            }
        }
    }
}

extension String {
    /// The text with `\n` as `\r\n`, as a terminal shows it (for the recording).
    fileprivate func replacingLineEnds() -> String {
        var out = ""
        for character in self {
            if character == "\n" { out += "\r\n" } else { out.append(character) }
        }
        return out
    }
}
