/// A JSON object that keeps its keys in insertion order, as JS objects do for
/// JSON text produced by `JSON.stringify` and read by `JSON.parse`.
///
/// - Setting an existing key replaces its value in place (position kept);
///   a new key is appended; removing a key and adding it again moves it to the end.
/// - Lookup is a linear scan for small objects and a hash index above
///   `indexThreshold` entries.
/// - Keys compare by exact UTF-16 code units (see `JSONString`).
/// - Equality is *order-insensitive* (same key set, equal values), as JSON
///   object semantics say; the order is still kept for serialization. Compare
///   `keys` as well if the order matters to you.
///
/// Note: real JS objects list integer-like keys ("0", "1", …) first in ascending
/// order; Node's output therefore already has them first. This type keeps the
/// order it was given.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Element = (key: JSONString, value: JSONValue)
    public typealias Index = Int

    private(set) var entries: [Element]
    /// Key → position, present only when `entries.count > indexThreshold`.
    private var index: [JSONString: Int]?

    static var indexThreshold: Int { 12 }

    public init() {
        entries = []
        index = nil
    }

    /// Builds an object from pairs; for duplicate keys the last value wins and
    /// the first position is kept (like `JSON.parse`).
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        self.init()
        for (k, v) in pairs { self[JSONString(k)] = v }
    }

    /// Same, with exact `JSONString` keys.
    public init<S: Sequence>(_ pairs: S) where S.Element == (JSONString, JSONValue) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        entries.reserveCapacity(elements.count)
        for (k, v) in elements { self[JSONString(k)] = v }
    }

    /// Used by the parser: builds from parallel key/value slices, last duplicate wins.
    init(keys: ArraySlice<JSONString>, values: ArraySlice<JSONValue>) {
        self.init()
        entries.reserveCapacity(keys.count)
        var vi = values.startIndex
        for k in keys {
            updateValue(values[vi], forKey: k)
            vi += 1
        }
    }

    /// Keys known to be unique (no duplicate check).
    init(uniqueKeys keys: [JSONString], values: [JSONValue]) {
        entries = Array(zip(keys, values).lazy.map { (key: $0.0, value: $0.1) })
        index = nil
        if entries.count > JSONObject.indexThreshold { rebuildIndex() }
    }

    // MARK: Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> Element { entries[position] }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The keys in order.
    public var keys: [JSONString] { entries.map(\.key) }
    /// The values in key order.
    public var values: [JSONValue] { entries.map(\.value) }

    // MARK: Lookup and mutation

    public func index(forKey key: JSONString) -> Int? {
        if let index { return index[key] }
        for i in entries.indices where entries[i].key == key { return i }
        return nil
    }

    public subscript(key: JSONString) -> JSONValue? {
        get {
            guard let i = index(forKey: key) else { return nil }
            return entries[i].value
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public subscript(key: String) -> JSONValue? {
        get { self[JSONString(key)] }
        set { self[JSONString(key)] = newValue }
    }

    /// Sets `value` for `key` (kept in place if present, appended otherwise);
    /// returns the old value.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: JSONString) -> JSONValue? {
        if let i = index(forKey: key) {
            let old = entries[i].value
            entries[i].value = value
            return old
        }
        entries.append((key: key, value: value))
        if index != nil {
            index![key] = entries.count - 1
        } else if entries.count > JSONObject.indexThreshold {
            rebuildIndex()
        }
        return nil
    }

    /// Removes `key` (O(n)); returns the old value.
    @discardableResult
    public mutating func removeValue(forKey key: JSONString) -> JSONValue? {
        guard let i = index(forKey: key) else { return nil }
        let old = entries.remove(at: i).value
        if entries.count > JSONObject.indexThreshold { rebuildIndex() } else { index = nil }
        return old
    }

    private mutating func rebuildIndex() {
        var dict = [JSONString: Int](minimumCapacity: entries.count)
        for (i, e) in entries.enumerated() { dict[e.key] = i }
        index = dict
    }

    // MARK: Equatable / Hashable (order-insensitive)

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let n = lhs.entries.count
        guard n == rhs.entries.count else { return false }
        var i = 0
        while i < n, lhs.entries[i].key == rhs.entries[i].key, lhs.entries[i].value == rhs.entries[i].value {
            i += 1
        }
        while i < n {
            let e = lhs.entries[i]
            guard let other = rhs[e.key], other == e.value else { return false }
            i += 1
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        var acc = 0
        for e in entries {
            var h = Hasher()
            h.combine(e.key)
            h.combine(e.value)
            acc = acc &+ h.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(acc)
    }

    public var description: String { JSONValue.object(self).description }
}
