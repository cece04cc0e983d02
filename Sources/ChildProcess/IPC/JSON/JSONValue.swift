/// A JSON value as JavaScript sees it: what `JSON.parse` returns and
/// `JSON.stringify` accepts (without functions/undefined/BigInt).
///
/// - `number` is a `Double` (all JS numbers are doubles). NaN and ±Infinity can
///   be stored but serialize as `null`, like `JSON.stringify`.
/// - `string` is a `JSONString`, which can hold lone surrogates.
/// - `object` is a `JSONObject`, which keeps key insertion order.
///
/// Equality: numbers by `==` (so `-0 == 0`) except that NaN equals NaN;
/// strings by exact code units; objects order-insensitively.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(JSONString)
    case array([JSONValue])
    case object(JSONObject)

    /// Convenience: `.string(JSONString(s))`.
    public static func string(_ s: String) -> JSONValue { .string(JSONString(s)) }

    // MARK: Accessors

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The number as an `Int` if it is integral and in range (`-0` gives 0).
    public var intValue: Int? {
        if case .number(let d) = self { return Int(exactly: d) }
        return nil
    }

    /// The string as a Swift `String` (lone surrogates → U+FFFD).
    public var stringValue: String? {
        if case .string(let s) = self { return s.string }
        return nil
    }

    /// The exact JS string.
    public var jsonStringValue: JSONString? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    // MARK: Subscripts

    /// Member of an object; `nil` if missing or if this is not an object.
    /// Setting on a non-object is a programming error (traps); setting `nil` removes.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let o) = self { return o[key] }
            return nil
        }
        set {
            guard case .object(var o) = self else {
                preconditionFailure("JSONValue: cannot set key \"\(key)\" on a non-object value")
            }
            self = .null // keep `o` uniquely referenced
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Element of an array; `nil` if out of bounds or if this is not an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    // MARK: Equatable / Hashable

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .number(let d):
            hasher.combine(2 as UInt8)
            if d.isNaN { hasher.combine(Double.nan.bitPattern) } else { hasher.combine(d) }
        case .string(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s)
        case .array(let a):
            hasher.combine(4 as UInt8)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(5 as UInt8)
            hasher.combine(o)
        }
    }
}

// MARK: Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(JSONString(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Duplicate keys: last value wins, first position kept.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

// MARK: Text

extension JSONValue: CustomStringConvertible {
    /// The JSON text, exactly as `JSON.stringify` would write it.
    public var description: String { serializedString() }
}

extension JSONValue {
    /// Parses one JSON text (see `JSONParser`).
    public init<C: Collection<UInt8>>(parsing bytes: C, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONError) {
        self = try JSONParser.parse(bytes, maxDepth: maxDepth)
    }

    /// Parses one JSON text from a string.
    public init(parsing text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONError) {
        self = try JSONParser.parse(text, maxDepth: maxDepth)
    }

    /// UTF-8 bytes of `JSON.stringify(value)`.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        JSONSerializer.serialize(self, into: &out)
        return out
    }

    /// `JSON.stringify(value)` as a Swift string.
    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }

    /// `JSON.stringify(value) + "\n"`: one Node IPC message (`serialization: 'json'`).
    public func serializedLine() -> [UInt8] {
        var out: [UInt8] = []
        JSONSerializer.serialize(self, into: &out)
        out.append(0x0A)
        return out
    }

    /// Appends the serialization to `out`.
    public func serialize(into out: inout [UInt8]) {
        JSONSerializer.serialize(self, into: &out)
    }
}
