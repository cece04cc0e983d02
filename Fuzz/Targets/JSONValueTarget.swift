import ChildProcess

extension FuzzTarget {
    /// A value that parses serialises to JSON that parses and serialises to the same text (not
    /// always the same value: `1e400` is Infinity, which `JSON.stringify` writes as `null`).
    static func jsonValue(_ input: [UInt8]) {
        guard let value = try? JSONValue(parsing: input) else { return }
        let text = value.serialized()
        guard let again = try? JSONValue(parsing: text) else { preconditionFailure("serialised JSON does not parse") }
        precondition(again.serialized() == text, "serialising is not stable")
    }
}
