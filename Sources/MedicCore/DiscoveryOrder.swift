/// The order in which inputs are discovered: an input whose discovery reads another input runs
/// after that input is known.
public enum DiscoveryOrder {
    /// The other inputs the discovery of `input` reads: the host it runs on (`where: {host:
    /// "${nginx_host}"}`) first, then `${name}` in a command, `$NAME` in a script.
    public static func dependencies(of input: InputDefinition, among inputs: [InputDefinition]) -> [String] {
        guard let discovery = input.discovery else { return [] }
        let names = Set(inputs.map(\.name))
        var read: [String] = []
        for name in discovery.hostVariables where names.contains(name) && name != input.name && !read.contains(name) { read.append(name) }
        switch discovery.execution {
        case .command(let argv):
            for name in argv.flatMap(\.variables) where names.contains(name) && name != input.name && !read.contains(name) { read.append(name) }
        case .script(let text, _):
            let mentions = Walk.environmentMentions(in: text)
            for other in inputs
            where other.name != input.name && !read.contains(other.name) && Walk.script(text, mentioning: mentions, other.environmentName) {
                read.append(other.name)
            }
        default:
            break
        }
        return read
    }

    /// The discovered inputs in an order where each comes after the inputs it reads, keeping
    /// declaration order otherwise; or the names of a cycle, each reading the next, when there is one.
    public static func order(_ inputs: [InputDefinition]) -> Result<[String], Cycle> {
        let discovered = inputs.filter { $0.discovery != nil }
        let byName = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var done: [String] = []
        var state: [String: Bool] = [:]  // false: being visited, true: done
        var stack: [String] = []
        func visit(_ name: String) -> Cycle? {
            if state[name] == true { return nil }
            if state[name] == false {
                let start = stack.firstIndex(of: name) ?? 0
                return Cycle(names: Array(stack[start...]) + [name])
            }
            guard let input = byName[name] else { return nil }
            state[name] = false
            stack.append(name)
            for dependency in dependencies(of: input, among: inputs) where byName[dependency]?.discovery != nil {
                if let cycle = visit(dependency) { return cycle }
            }
            stack.removeLast()
            state[name] = true
            done.append(name)
            return nil
        }
        for input in discovered {
            if let cycle = visit(input.name) { return .failure(cycle) }
        }
        return .success(done)
    }

    /// Discoveries that read each other round in a circle.
    public struct Cycle: Error, Sendable, Hashable {
        /// The inputs in the circle, the first repeated at the end.
        public var names: [String]
    }
}
