/// Proves that a script's arithmetic never evaluates a value from outside the script.
///
/// bash, which is `/bin/sh` on many systems and may be on any host Medic reaches over ssh,
/// evaluates the value of a variable named in `$((…))` as an expression in turn, and runs the
/// command substitution in an array subscript there: after `x=$(cat f)`, `echo $((x))` runs
/// whatever `f` holds as `a[$(…)]`. So inside `$((…))` an operand must be an integer literal, one
/// of the shell's own integers (`$#`, `$?`, `$$`, `$!`, `${#x}`), or a variable the script itself
/// has set to an integer on every path to that point, and only ever sets to an integer literal or
/// an arithmetic expansion (`i=0; … i=$((i + 1))`). Anything else (an input, a capture, `$1`,
/// `$(…)`) is refused, with awk as the fix: awk's `-v` takes a value as data.
///
/// "On every path" matters: a variable the script has not set yet holds what the environment
/// gave it, and inputs and captures reach the script through the environment. So the walk
/// follows the script's control flow: what a branch, a loop body (which may run no time), a
/// subshell, a pipeline's commands or a function's `local` names set does not count after them.
/// A positional parameter is refused even where every call passes a number: which calls reach a
/// function is more than the rule should need to say.
enum ReadOnlyArithmetic {
    /// Why an arithmetic context in `script` may evaluate a value from outside it, with a character
    /// offset into the script; nil when none can.
    static func problem(_ script: ShellScript) -> (reason: String, offset: Int)? {
        var learner = Walker(learning: true, hereDocuments: script.hereDocuments)
        learner.list(script.list)
        var walker = Walker(learning: false, hereDocuments: script.hereDocuments)
        walker.unsafe = learner.unsafe
        walker.bodies = learner.bodies
        walker.list(script.list)
        return walker.problem
    }

    /// The fix every refusal names.
    static let fix = "do the arithmetic in awk, which takes values as data: awk -v n=\"$x\" 'BEGIN { print n + 1 }'"

    /// Why bash may run code the words of a `$((…))` hold, given the names that hold an integer the
    /// script set (`safe`); nil when it cannot.
    static func operandProblem(_ parts: [ShellWordPart], safe: (String) -> String?) -> String? {
        var text = ""
        for part in flattened(parts) {
            switch part {
            case .literal(let chunk), .quoted(let chunk): text += chunk
            case .parameter(let name, nil, nil) where ["#", "?", "$", "!"].contains(name): text += "0"
            case .parameter(_, "#length", nil): text += "0"
            case .parameter(let name, nil, nil) where ShellParser.isName(name):
                if let reason = safe(name) { return "'$\(name)' is \(reason)" }
                text += "0"
            case .parameter(let name, let op, _) where name.first?.isNumber == true || name == "@" || name == "*":
                return
                    "'\(render([part]))' is \(op == nil ? "a positional parameter, whose value comes from the caller" : "computed from a positional parameter")"
            case .parameter: return "'\(render([part]))' is not a plain variable or a number"
            case .command: return "'\(render([part]))' is a command's output"
            case .arithmetic(let inner, _):
                if let reason = operandProblem(inner, safe: safe) { return reason }
                text += "0"
            case .doubleQuoted: break
            }
        }
        // Each expansion stands as `0` above, so a name joined to one (`x$i`) reads as a name
        // of its own, which no assignment sets.
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c.isASCII, c.isNumber {
                while index < chars.count, chars[index].isASCII, chars[index].isLetter || chars[index].isNumber || "_#@".contains(chars[index]) {
                    index += 1
                }
            } else if c == "_" || (c.isASCII && c.isLetter) {
                var name = ""
                while index < chars.count, chars[index] == "_" || (chars[index].isASCII && (chars[index].isLetter || chars[index].isNumber)) {
                    name.append(chars[index])
                    index += 1
                }
                if let reason = safe(name) { return "'\(name)' is \(reason)" }
            } else if " \t\n+-*/%<>=!&|^~?:(),".contains(c) {
                index += 1
            } else if c == "[" || c == "]" {
                return "'\(c)' is an array subscript in bash, which runs the commands in it"
            } else {
                return "'\(c)' is not a number, a variable or an operator"
            }
        }
        return nil
    }

    /// `parts` with double quotes taken off (they change nothing inside `$((…))`).
    private static func flattened(_ parts: [ShellWordPart]) -> [ShellWordPart] {
        parts.flatMap { part -> [ShellWordPart] in
            if case .doubleQuoted(let inner) = part { return flattened(inner) }
            return [part]
        }
    }

    /// Whether `word`, assigned to a variable, always gives it an integer: an integer literal, no
    /// text at all (which `$((…))` reads as 0), or a lone `$((…))`, `${#x}`, `$#`, `$?`, `$$` or `$!`.
    static func isInteger(_ word: ShellWord) -> Bool {
        let parts = flattened(word.parts)
        if parts.count == 1 {
            switch parts[0] {
            case .arithmetic, .parameter(_, "#length", nil): return true
            case .parameter(let name, nil, nil): return ["#", "?", "$", "!"].contains(name)
            default: break
            }
        }
        var text = ""
        for part in parts {
            switch part {
            case .literal(let chunk), .quoted(let chunk): text += chunk
            default: return false
            }
        }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return text.isEmpty || (!digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber })
    }

    /// The word parts as a script would write them, for a message.
    static func render(_ parts: [ShellWordPart]) -> String {
        parts.map { part -> String in
            switch part {
            case .literal(let text): text
            case .quoted(let text): text.count == 1 ? "\\" + text : "'\(text)'"
            case .doubleQuoted(let inner): "\"\(render(inner))\""
            case .parameter(let name, "#length", _): "${#\(name)}"
            case .parameter(let name, nil, _): name.count == 1 || ShellParser.isName(name) ? "$\(name)" : "${\(name)}"
            case .parameter(let name, let op?, let word): "${\(name)\(op)\(word?.source ?? "")}"
            case .command: "$(…)"
            case .arithmetic(let inner, _): "$((\(render(inner))))"
            }
        }.joined()
    }

    /// One walk through the script: the first (`learning`) notes every variable the script ever
    /// sets to something other than an integer (`unsafe`) and every function's bodies; the second
    /// follows the control flow with the names set to an integer on every path so far (`set`),
    /// and checks each arithmetic expansion against them.
    private struct Walker {
        let learning: Bool
        let hereDocuments: [ShellWord]
        var unsafe: Set<String> = []
        var bodies: [String: [ShellCommand]] = [:]
        var set: Set<String> = []
        /// The names the function being walked declares `local`: their values end with the call.
        var locals: Set<String> = []
        /// Whether the function being walked may `return` before its end.
        var returns = false
        var calls = 0
        var problem: (reason: String, offset: Int)?

        init(learning: Bool, hereDocuments: [ShellWord]) {
            self.learning = learning
            self.hereDocuments = hereDocuments
        }

        mutating func fail(_ reason: String, _ offset: Int) {
            if problem == nil { problem = (reason, offset) }
        }

        mutating func assign(_ name: String, integer: Bool) {
            if integer {
                set.insert(name)
            } else {
                set.remove(name)
                if learning { unsafe.insert(name) }
            }
        }

        /// Why the variable `name` may hold a value from outside the script; nil when it holds an integer the script set.
        func outside(_ name: String) -> String? {
            if unsafe.contains(name) {
                return "a variable the script sets to something other than an integer literal or a $((…))"
            }
            if !set.contains(name) {
                return "a variable the script does not set to an integer on every path before this point (so an input, a capture or "
                    + "the environment may give it its value)"
            }
            return nil
        }

        /// Walks `body` the way the shell runs it, then keeps what every run leaves set.
        mutating func eitherOf(_ runs: [(inout Walker) -> Void]) {
            let before = set
            var after: Set<String>?
            for run in runs {
                set = before
                run(&self)
                after = after.map { $0.intersection(set) } ?? set
            }
            set = after ?? before
        }

        /// Walks a loop: `head` runs each time, `body` after it any number of times, until what is
        /// set at the start of a turn no longer changes; the loop ends after a `head`.
        mutating func loop(head: (inout Walker) -> Void, body: (inout Walker) -> Void) {
            var entry = set
            while true {
                set = entry
                head(&self)
                let exit = set
                body(&self)
                let next = entry.intersection(set)
                if next == entry {
                    set = exit
                    return
                }
                entry = next
            }
        }

        /// Walks `run` in a subshell: nothing it sets is left set.
        mutating func subshell(_ run: (inout Walker) -> Void) {
            let before = set
            run(&self)
            set = before
        }

        mutating func list(_ list: ShellList) {
            for andOr in list.items {
                if andOr.background {
                    subshell { $0.andOr(andOr) }
                } else {
                    self.andOr(andOr)
                }
            }
        }

        mutating func andOr(_ andOr: ShellAndOr) {
            for (index, pipeline) in andOr.pipelines.enumerated() {
                if index == 0 {
                    self.pipeline(pipeline)
                } else {
                    eitherOf([{ $0.pipeline(pipeline) }, { _ in }])
                }
            }
        }

        mutating func pipeline(_ pipeline: ShellPipeline) {
            // Each command of a longer pipeline runs in a subshell (in bash; ksh runs the last
            // in the shell, and nothing it sets counts either).
            if pipeline.commands.count == 1 {
                command(pipeline.commands[0])
            } else {
                for command in pipeline.commands { subshell { $0.command(command) } }
            }
        }

        mutating func command(_ command: ShellCommand) {
            switch command {
            case .simple(let simple): self.simple(simple)
            case .subshell(let body, let redirections):
                redirects(redirections)
                subshell { $0.list(body) }
            case .group(let body, let redirections):
                redirects(redirections)
                list(body)
            case .ifClause(let arms, let otherwise, let redirections):
                redirects(redirections)
                ifClause(arms[...], otherwise: otherwise)
            case .loop(_, let condition, let body, let redirections):
                redirects(redirections)
                loop(head: { $0.list(condition) }, body: { $0.list(body) })
            case .forLoop(let name, let words, let body, let redirections):
                redirects(redirections)
                for word in words ?? [] { self.word(word) }
                let integers = words?.allSatisfy { $0.literal != nil && Self.isIntegerLiteral($0) } ?? false
                eitherOf([
                    { _ in },
                    { walker in
                        walker.loop(
                            head: { _ in },
                            body: { w in
                                w.assign(name, integer: integers)
                                w.list(body)
                            })
                    },
                ])
            case .caseClause(let subject, let items, let redirections):
                redirects(redirections)
                word(subject)
                var runs: [(inout Walker) -> Void] = [{ _ in }]
                for item in items {
                    runs.append { walker in
                        for pattern in item.patterns { walker.word(pattern) }
                        walker.list(item.body)
                    }
                }
                eitherOf(runs)
            case .function(let name, let body, _):
                // Learned once with all its definitions, walked at each call.
                if learning {
                    bodies[name, default: []].append(body)
                    subshell { $0.command(body) }
                }
            }
        }

        static func isIntegerLiteral(_ word: ShellWord) -> Bool { isInteger(word) && word.literal?.isEmpty == false }

        mutating func ifClause(_ arms: ArraySlice<(condition: ShellList, body: ShellList)>, otherwise: ShellList?) {
            guard let arm = arms.first else {
                if let otherwise { list(otherwise) }
                return
            }
            list(arm.condition)
            eitherOf([{ $0.list(arm.body) }, { $0.ifClause(arms.dropFirst(), otherwise: otherwise) }])
        }

        mutating func simple(_ command: ShellSimpleCommand) {
            for assignment in command.assignments {
                word(assignment.value)
                // Before a command, an assignment holds for that command only.
                if command.words.isEmpty {
                    assign(assignment.name, integer: ReadOnlyArithmetic.isInteger(assignment.value))
                } else if learning, !ReadOnlyArithmetic.isInteger(assignment.value) {
                    unsafe.insert(assignment.name)
                }
            }
            for word in command.words { self.word(word) }
            redirects(command.redirections)
            guard let name = command.words.first?.literal else { return }
            let args = command.words.dropFirst()
            switch name {
            case "unset":
                for arg in args { if let literal = arg.literal { set.remove(literal) } }
            case "read", "getopts":
                for arg in args { if let literal = arg.literal, ShellParser.isName(literal) { assign(literal, integer: false) } }
            case "local", "export", "readonly":
                for arg in args {
                    guard case .literal(let text)? = arg.parts.first, let equals = text.firstIndex(of: "=") else {
                        if name == "local", let literal = arg.literal { locals.insert(literal) }
                        continue
                    }
                    let variable = String(text[..<equals])
                    var rest = arg.parts
                    rest[0] = .literal(String(text[text.index(after: equals)...]))
                    if name == "local" { locals.insert(variable) }
                    assign(variable, integer: ReadOnlyArithmetic.isInteger(ShellWord(parts: rest, offset: arg.offset, source: "")))
                }
            case "return":
                returns = true
            default:
                if !learning, let definitions = bodies[name] { call(definitions) }
            }
        }

        /// Walks a function's bodies as a call runs them: what one sets stays set after it,
        /// except its `local` names, and what follows a `return` that may come first.
        mutating func call(_ definitions: [ShellCommand]) {
            // Deeper calls are refused by `ReadOnlyScript` ("calls itself too deeply").
            guard calls < 16 else { return }
            calls += 1
            defer { calls -= 1 }
            let (savedLocals, savedReturns) = (locals, returns)
            let before = set
            eitherOf(
                definitions.map { body in
                    { walker in
                        walker.locals = []
                        walker.returns = false
                        walker.command(body)
                        walker.set = walker.set.subtracting(walker.locals).union(before.intersection(walker.locals))
                        if walker.returns { walker.set.formIntersection(before) }
                    }
                })
            (locals, returns) = (savedLocals, savedReturns)
        }

        mutating func redirects(_ redirections: [ShellRedirection]) {
            for redirection in redirections {
                word(redirection.target)
                if let index = redirection.hereDocument, index < hereDocuments.count { word(hereDocuments[index]) }
            }
        }

        mutating func word(_ word: ShellWord) {
            parts(word.parts, in: word)
        }

        mutating func parts(_ parts: [ShellWordPart], in word: ShellWord) {
            for part in parts {
                switch part {
                case .literal(let text):
                    // A look for the byte of '$' first spares the substring search in nearly every word.
                    if !learning, text.utf8.contains(UInt8(ascii: "$")), text.contains("$[") {
                        fail(
                            "'$[' starts an arithmetic expansion in bash (a variable's value in it is evaluated as code); "
                                + "write '\\$[' or quote it with single quotes for the characters", word.offset)
                    }
                case .quoted: break
                case .doubleQuoted(let inner): self.parts(inner, in: word)
                case .parameter(let name, let op, let inner):
                    // What `${x:-…}` expands may not run: nothing set in it counts after it.
                    if let inner { subshell { $0.word(inner) } }
                    if op == "=" || op == ":=" { assign(name, integer: false) }
                case .command(let list): subshell { $0.list(list) }
                case .arithmetic(let inner, let offset):
                    guard !learning else { continue }
                    let walker = self
                    if let reason = ReadOnlyArithmetic.operandProblem(inner, safe: { walker.outside($0) }) {
                        fail(
                            "in '\(ReadOnlyArithmetic.render([part]))', \(reason); bash, /bin/sh on many systems, evaluates such a value "
                                + "as an expression and runs the commands in an array subscript in it: \(ReadOnlyArithmetic.fix)", offset)
                    }
                }
            }
        }
    }
}
