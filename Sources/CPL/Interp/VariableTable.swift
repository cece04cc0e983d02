/// The shell variables and which of them are exported (a name may be exported before it has a
/// value), looked up as `NameTable` looks names up.
///
/// Programs get the exported variables with values as their environment. It is made again only
/// after one of them changed, not for every program: a script's commands mostly run with the
/// environment the last one had, while the variables they assign are the shell's own. Until a
/// program has asked for it there is nothing to keep up to date, so assigning costs no more than
/// a dictionary's assignment.
struct VariableTable: Sendable {
    private var values: [BytewiseKey: String]
    private var exported: Set<BytewiseKey>
    /// The environment of the exported variables, until one of them changes.
    private var environmentCache: [String: String]?

    init() {
        values = [:]
        exported = []
    }

    /// `values`, every one of them exported (a process's environment).
    init(exporting values: [String: String]) {
        self.values = Dictionary(minimumCapacity: values.count)
        exported = Set(minimumCapacity: values.count)
        for (name, value) in values { export(name, value: value) }
    }

    /// The value of `name`; nil when it has none. Setting nil unsets it and leaves it exported.
    subscript(name: String) -> String? {
        // Inlined where it is read, as the generic tables' lookups are: it is read several times a command.
        @inline(__always) get { values[BytewiseKey(name)] }
        set {
            let key = BytewiseKey(name)
            values[key] = newValue
            if environmentCache != nil, exported.contains(key) { environmentCache = nil }
        }
    }

    func isExported(_ name: String) -> Bool { exported.contains(BytewiseKey(name)) }

    /// The value of `name` when it is exported: what a program finds in its environment.
    func exportedValue(_ name: String) -> String? {
        let key = BytewiseKey(name)
        return exported.contains(key) ? values[key] : nil
    }

    /// Sets `name` to `value` and exports it (a process's environment, read at start).
    mutating func export(_ name: String, value: String) {
        let key = BytewiseKey(name)
        values[key] = value
        exported.insert(key)
        environmentCache = nil
    }

    mutating func export(_ name: String) {
        if exported.insert(BytewiseKey(name)).inserted { environmentCache = nil }
    }

    /// Takes the export attribute away; the value stays.
    mutating func unexport(_ name: String) {
        if exported.remove(BytewiseKey(name)) != nil { environmentCache = nil }
    }

    /// The exported names, with values or not, in no particular order (`export -p`).
    var exportedNames: [String] { exported.map(\.text) }

    /// The names that have values, in no particular order.
    var names: [String] { values.keys.map(\.text) }

    /// Every variable with a value, as a dictionary (for the interpreter's API and the dry-run
    /// planner). Of two names that differ in bytes but not as Strings (`K` and the Kelvin sign),
    /// the first met is kept.
    var dictionary: [String: String] {
        Dictionary(values.map { ($0.key.text, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The exported variables with values: a program's environment.
    mutating func environment() -> [String: String] {
        if let environmentCache { return environmentCache }
        var made = [String: String](minimumCapacity: exported.count)
        for key in exported {
            if let value = values[key], made[key.text] == nil { made[key.text] = value }
        }
        environmentCache = made
        return made
    }
}
