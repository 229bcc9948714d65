/// The groups of an Ansible inventory as `ansible-inventory --list` prints them (JSON), turned
/// into the hosts ssh is given.
public enum AnsibleInventory {
    /// The hosts of every group (its own and its children's, each once, in order), or why the
    /// text is not such an inventory. An inventory host with `ansible_host` is reached there
    /// (with `ansible_user@` before it when set, and as `ssh://…:PORT` with `ansible_port`).
    public static func groups(fromJSON text: String) -> Result<[String: [String]], WalkProblem> {
        guard case .success(let value) = JSONValue.read(text), case .object(let top) = value else {
            return .failure(WalkProblem("ansible-inventory did not print a JSON object"))
        }
        var hostVariables: [String: [String: JSONValue]] = [:]
        if case .object(let meta)? = top["_meta"], case .object(let vars)? = meta["hostvars"] {
            for (host, value) in vars { if case .object(let members) = value { hostVariables[host] = members } }
        }
        func destination(_ host: String) -> String {
            let vars = hostVariables[host] ?? [:]
            func text(_ key: String) -> String? {
                switch vars[key] {
                case .string(let s)?: s
                case .number(_, let t)?: t
                default: nil
                }
            }
            let address = text("ansible_host") ?? host
            let user = text("ansible_user").map { $0 + "@" } ?? ""
            if let port = text("ansible_port") { return "ssh://\(user)\(address):\(port)" }
            return user + address
        }
        func members(_ group: String, _ visiting: inout Set<String>) -> [String] {
            guard visiting.insert(group).inserted, case .object(let fields)? = top[group] else { return [] }
            var hosts: [String] = []
            if case .array(let list)? = fields["hosts"] { for case .string(let host) in list { hosts.append(destination(host)) } }
            if case .array(let children)? = fields["children"] {
                for case .string(let child) in children { hosts += members(child, &visiting) }
            }
            return hosts
        }
        var groups: [String: [String]] = [:]
        for name in top.keys where name != "_meta" {
            var visiting: Set<String> = []
            var seen: Set<String> = []
            groups[name] = members(name, &visiting).filter { seen.insert($0).inserted }
        }
        return .success(groups)
    }
}
