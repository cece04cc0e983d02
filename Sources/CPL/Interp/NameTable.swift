/// The shell's tables by name: variables, functions, builtins.
///
/// Not `[String: Value]`: a script looks names up several times per command, and a `String` key
/// costs SipHash over the name at every access and, at every other name met on the probe path, a
/// Unicode-aware comparison.
struct NameTable<Value: Sendable>: Sendable, ExpressibleByDictionaryLiteral {
    private var values: [BytewiseKey: Value]

    init(_ dictionary: [String: Value]) { self.init(dictionary.lazy.map { ($0.key, $0.value) }, count: dictionary.count) }

    init(dictionaryLiteral entries: (String, Value)...) { self.init(entries, count: entries.count) }

    /// An empty table with room for `count` names.
    init(minimumCapacity count: Int) { values = Dictionary(minimumCapacity: count) }

    /// Inserted one by one into a table made at its size: every cpl start makes two (the
    /// environment, the builtins), and an intermediate array of pairs would grow by copying.
    private init(_ entries: some Sequence<(String, Value)>, count: Int) {
        values = Dictionary(minimumCapacity: count)
        for (name, value) in entries { values[BytewiseKey(name)] = value }
    }

    /// The value for `name`; nil when there is none. Setting nil removes it.
    subscript(name: String) -> Value? {
        // Most scripts define no function: then `f` is looked up without being hashed.
        get { values.isEmpty ? nil : values[BytewiseKey(name)] }
        set { values[BytewiseKey(name)] = newValue }
    }

    func contains(_ name: String) -> Bool { self[name] != nil }

    var isEmpty: Bool { values.isEmpty }

    /// Every name, in no particular order.
    var names: [String] { values.keys.map(\.text) }

    /// The names whose values satisfy `isIncluded`.
    func names(where isIncluded: (Value) -> Bool) -> NameSet {
        NameSet(values.filter { isIncluded($0.value) }.keys.map(\.text))
    }

    /// Every entry, as a dictionary (for the interpreter's API and the dry-run planner). Of two
    /// names that differ in bytes but not as Strings (`K` and the Kelvin sign), the first met is kept.
    var dictionary: [String: Value] {
        Dictionary(values.map { ($0.key.text, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A set of names (exported, read-only, special builtins), looked up as `NameTable` looks them up.
/// Iterated in no particular order.
struct NameSet: Sendable, Sequence, ExpressibleByArrayLiteral {
    private var members: Set<BytewiseKey>

    init(_ names: some Sequence<String>) { members = Set(names.map(BytewiseKey.init)) }
    init(arrayLiteral names: String...) { self.init(names) }
    /// An empty set with room for `count` names.
    init(minimumCapacity count: Int) { members = Set(minimumCapacity: count) }

    /// Without hashing `name` when the set is empty: the read-only names are asked about at every
    /// assignment, and most scripts have none.
    func contains(_ name: String) -> Bool { !members.isEmpty && members.contains(BytewiseKey(name)) }
    /// Whether `name` was not a member before.
    @discardableResult mutating func insert(_ name: String) -> Bool { members.insert(BytewiseKey(name)).inserted }
    /// Whether `name` was a member.
    @discardableResult mutating func remove(_ name: String) -> Bool { members.remove(BytewiseKey(name)) != nil }

    var count: Int { members.count }
    func makeIterator() -> LazyMapSequence<Set<BytewiseKey>, String>.Iterator { members.lazy.map(\.text).makeIterator() }
}
