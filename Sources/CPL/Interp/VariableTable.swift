/// The shell variables (the environment's among them), by name.
///
/// Not a `[String: String]`: a script reads or writes a variable several times per command, and a
/// `String` key costs SipHash over the name at every access and, at every other name met on the
/// probe path, a Unicode-aware comparison (`BytewiseKey` has neither).
struct VariableTable: Sendable {
    private var values: [BytewiseKey: String]

    init(_ variables: [String: String]) {
        values = Dictionary(uniqueKeysWithValues: variables.map { (BytewiseKey($0.key), $0.value) })
    }

    /// A variable's value; nil when unset. Setting nil unsets it.
    subscript(name: String) -> String? {
        get { values[BytewiseKey(name)] }
        set { values[BytewiseKey(name)] = newValue }
    }

    /// Every variable's name.
    var names: [String] { values.keys.map(\.text) }

    /// Every variable, as a dictionary (for the interpreter's API and the dry-run planner). Of two
    /// names that differ in bytes but not as Strings (`K` and the Kelvin sign), the first met is kept.
    var dictionary: [String: String] {
        Dictionary(values.map { ($0.key.text, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
