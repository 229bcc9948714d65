import MedicCore

/// The fields of one journal record, read for its typed event: a field that is missing or of
/// the wrong type throws its name, so a damaged record is reported rather than half-read.
///
/// A nullable field (written as `null` when it has no value) reads as nil when it is null or
/// absent; any other field must be there with its documented type.
struct JournalFields {
    let fields: [String: JSONValue]

    /// A field that is missing or has the wrong type.
    struct Missing: Error {
        let field: String
    }

    func string(_ name: String) throws(Missing) -> String {
        guard case .string(let value)? = fields[name] else { throw Missing(field: name) }
        return value
    }

    func nullableString(_ name: String) throws(Missing) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw Missing(field: name)
        }
    }

    func int(_ name: String) throws(Missing) -> Int {
        guard case .number(let value, _)? = fields[name], let integer = Int(exactly: value) else { throw Missing(field: name) }
        return integer
    }

    func nullableInt(_ name: String) throws(Missing) -> Int? {
        if fields[name] == nil || fields[name] == .null { return nil }
        return try int(name)
    }

    func bool(_ name: String) throws(Missing) -> Bool {
        guard case .bool(let value)? = fields[name] else { throw Missing(field: name) }
        return value
    }

    func kind(_ name: String) throws(Missing) -> Step.Kind {
        guard let kind = Step.Kind(rawValue: try string(name)) else { throw Missing(field: name) }
        return kind
    }

    func strings(_ name: String) throws(Missing) -> [String] {
        guard case .array(let items)? = fields[name] else { throw Missing(field: name) }
        return try items.map { item throws(Missing) in
            guard case .string(let value) = item else { throw Missing(field: name) }
            return value
        }
    }

    /// The objects of the array field `name`, each read by `read`; an absent field is empty when
    /// `optional` (a field written only when it has items).
    func objects<T>(_ name: String, optional: Bool = false, _ read: (JournalFields) throws(Missing) -> T) throws(Missing) -> [T] {
        if optional, fields[name] == nil { return [] }
        guard case .array(let items)? = fields[name] else { throw Missing(field: name) }
        return try items.map { item throws(Missing) in
            guard case .object(let members) = item else { throw Missing(field: name) }
            do throws(Missing) {
                return try read(JournalFields(fields: members))
            } catch {
                throw Missing(field: name + "." + error.field)
            }
        }
    }
}
