/// The shell variables and which of them are exported (a name may be exported before it has a
/// value).
///
/// Programs get the exported variables with values as their environment. It is made again only
/// after one of them changed, not for every program: a script's commands mostly run with the
/// environment the last one had, while the variables they assign are the shell's own. Until a
/// program has asked for it there is nothing to keep up to date, so assigning costs no more than
/// the table's assignment.
struct VariableTable: Sendable {
    private var values: NameTable<String> = [:]
    private var exported: NameSet = []
    /// The environment of the exported variables, until one of them changes.
    private var environmentCache: [String: String]?

    init() {}

    /// An empty table with room for `count` variables, exported or not (a process's environment,
    /// read at start: the table is not grown and rehashed several times on the way).
    init(minimumCapacity count: Int) {
        values = NameTable(minimumCapacity: count)
        exported = NameSet(minimumCapacity: count)
    }

    /// `values`, every one of them exported (a process's environment).
    init(exporting values: [String: String]) {
        self.values = NameTable(values)
        exported = NameSet(values.keys)
    }

    /// The value of `name`; nil when it has none. Setting nil unsets it and leaves it exported.
    subscript(name: String) -> String? {
        // Inlined where it is read, as the generic table's lookup is: it is read several times a command.
        @inline(__always) get { values[name] }
        set {
            values[name] = newValue
            if environmentCache != nil, exported.contains(name) { environmentCache = nil }
        }
    }

    func isExported(_ name: String) -> Bool { exported.contains(name) }

    /// The value of `name` when it is exported: what a program finds in its environment.
    func exportedValue(_ name: String) -> String? { exported.contains(name) ? values[name] : nil }

    /// Sets `name` to `value` and exports it (a process's environment, read at start).
    mutating func export(_ name: String, value: String) {
        values[name] = value
        export(name)
    }

    mutating func export(_ name: String) {
        if exported.insert(name) { environmentCache = nil }
    }

    /// Takes the export attribute away; the value stays.
    mutating func unexport(_ name: String) {
        if exported.remove(name) { environmentCache = nil }
    }

    /// The exported names, with values or not, in no particular order (`export -p`).
    var exportedNames: [String] { Array(exported) }

    /// The names that have values, in no particular order.
    var names: [String] { values.names }

    /// Every variable with a value, as a dictionary (see `NameTable.dictionary`).
    var dictionary: [String: String] { values.dictionary }

    /// The exported variables with values: a program's environment.
    mutating func environment() -> [String: String] {
        if let environmentCache { return environmentCache }
        var made = [String: String](minimumCapacity: exported.count)
        for name in exported {
            if let value = values[name], made[name] == nil { made[name] = value }
        }
        environmentCache = made
        return made
    }
}
