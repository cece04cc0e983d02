/// The shell variables (the environment's among them), by name.
///
/// Not a `[String: String]`: a script reads or writes a variable several times per command, and a
/// `String` key costs SipHash over the name at every access and, at every other name met on the
/// probe path, a Unicode-aware comparison.
struct VariableTable: Sendable {
    private var values: [Name: String]

    init(_ variables: [String: String]) {
        values = Dictionary(uniqueKeysWithValues: variables.map { (Name($0.key), $0.value) })
    }

    /// A variable's value; nil when unset. Setting nil unsets it.
    subscript(name: String) -> String? {
        get { values[Name(name)] }
        set { values[Name(name)] = newValue }
    }

    /// Every variable's name.
    var names: [String] { values.keys.map(\.text) }

    /// Every variable, as a dictionary (for the interpreter's API and the dry-run planner). Of two
    /// names that differ in bytes but not as Strings (`K` and the Kelvin sign), the first met is kept.
    var dictionary: [String: String] {
        Dictionary(values.map { ($0.key.text, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A name with its hash (FNV-1a over the UTF-8 bytes), computed once per access: equal hashes
    /// are compared, different ones are not. Names are equal when their bytes are, as in sh; for
    /// ASCII names (every name a script can assign) that is `String`'s own, quick `==`.
    private struct Name: Hashable, Sendable {
        let text: String
        let hash: UInt64
        let isASCII: Bool

        init(_ text: String) {
            self.text = text
            // In place: a `String.UTF8View` walked by index costs several times as much per byte.
            (hash, isASCII) = text.utf8.withContiguousStorageIfAvailable(Self.hash) ?? Self.hash(text.utf8)
        }

        /// FNV-1a of `bytes`, and whether they are all ASCII.
        private static func hash(_ bytes: some Sequence<UInt8>) -> (UInt64, Bool) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var seen: UInt8 = 0
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                seen |= byte
            }
            return (hash, seen < 0x80)
        }

        static func == (lhs: Name, rhs: Name) -> Bool {
            guard lhs.hash == rhs.hash else { return false }
            return lhs.isASCII && rhs.isASCII ? lhs.text == rhs.text : lhs.text.utf8.elementsEqual(rhs.text.utf8)
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        /// The dictionary's bucket from the stored hash, mixed with the table's seed, without
        /// running `Hasher` (SipHash) at each access.
        func _rawHashValue(seed: Int) -> Int {
            var mixed = hash ^ UInt64(UInt(bitPattern: seed))
            mixed = (mixed ^ (mixed >> 32)) &* 0x9e37_79b9_7f4a_7c15
            return Int(truncatingIfNeeded: mixed ^ (mixed >> 29))
        }
    }
}
