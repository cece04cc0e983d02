/// Encodes an `Encodable` value into a `JSONValue` tree (no text involved).
///
/// - Keyed containers become objects, in the order keys are first encoded
///   (re-encoding a key replaces its value in place).
/// - Integers must be exactly representable as a `Double`, else
///   `EncodingError.invalidValue` is thrown.
/// - `Float`/`Double` are stored as numbers as-is; NaN/±Infinity are kept in the
///   tree and serialize as `null`, like `JSON.stringify`.
/// - `nil` optionals become `null` when encoded explicitly (`encodeNil`);
///   synthesized `encodeIfPresent` omits the key, like `JSON.stringify` does with
///   `undefined`.
/// - `JSONValue` and `JSONString` values are stored verbatim.
/// - A value that encodes nothing becomes `{}`.
public struct JSONValueEncoder: Sendable {
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = _JSONValueEncoderImpl(codingPath: [], userInfo: userInfo)
        return try encoder.box(value, at: []).resolve()
    }
}

extension JSONValue {
    /// `JSONValueEncoder().encode(value)`.
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONValueEncoder().encode(value)
    }
}

// MARK: - Coding key used for indices, "super" and dynamic keys

struct _JSONCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }

    static let superKey = _JSONCodingKey(stringValue: "super")
}

// MARK: - Intermediate tree with reference semantics (nested containers mutate later)

enum _JSONEncodingNode {
    case value(JSONValue)
    case array(_JSONEncodingArray)
    case object(_JSONEncodingObject)
    /// A super-encoder: its content is read when the tree is resolved.
    case deferred(_JSONValueEncoderImpl)

    func resolve() -> JSONValue {
        switch self {
        case .value(let v):
            return v
        case .array(let a):
            return .array(a.items.map { $0.resolve() })
        case .object(let o):
            return .object(JSONObject(uniqueKeys: o.keys, values: o.values.map { $0.resolve() }))
        case .deferred(let encoder):
            return encoder.node?.resolve() ?? .object(JSONObject())
        }
    }
}

final class _JSONEncodingArray {
    var items: [_JSONEncodingNode] = []
}

final class _JSONEncodingObject {
    var keys: [JSONString] = []
    var values: [_JSONEncodingNode] = []
    /// Key → position, built once the object grows past `JSONObject.indexThreshold`.
    var index: [JSONString: Int]?

    func set(_ key: String, _ node: _JSONEncodingNode) {
        let k = JSONString(key)
        let existing = index.map { $0[k] } ?? keys.firstIndex(of: k)
        if let i = existing {
            values[i] = node
            return
        }
        keys.append(k)
        values.append(node)
        if index != nil {
            index![k] = keys.count - 1
        } else if keys.count > JSONObject.indexThreshold {
            var dict = [JSONString: Int](minimumCapacity: keys.count * 2)
            for (i, key) in keys.enumerated() { dict[key] = i }
            index = dict
        }
    }
}

// MARK: - Encoder

final class _JSONValueEncoderImpl: Encoder {
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var node: _JSONEncodingNode?

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    init(codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: _JSONEncodingObject
        if case .object(let existing)? = node {
            object = existing
        } else {
            object = _JSONEncodingObject()
            node = .object(object)
        }
        return KeyedEncodingContainer(_JSONKeyedEncodingContainer<Key>(encoder: self, object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: _JSONEncodingArray
        if case .array(let existing)? = node {
            array = existing
        } else {
            array = _JSONEncodingArray()
            node = .array(array)
        }
        return _JSONUnkeyedEncodingContainer(encoder: self, array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        _JSONSingleValueEncodingContainer(encoder: self)
    }

    /// Encodes any value into a node, with fast paths for common leaf types.
    func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> _JSONEncodingNode {
        switch value {
        case let v as JSONValue: return .value(v)
        case let v as JSONString: return .value(.string(v))
        case let v as String: return .value(.string(JSONString(v)))
        case let v as Bool: return .value(.bool(v))
        case let v as Double: return .value(.number(v))
        case let v as Int: return .value(try _JSONValueEncoderImpl.number(v, at: path))
        default: break
        }
        let sub = _JSONValueEncoderImpl(codingPath: path, userInfo: sendableUserInfo)
        try value.encode(to: sub)
        return sub.node ?? .value(.object(JSONObject()))
    }

    static func number<I: BinaryInteger>(_ value: I, at path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard let d = Double(exactly: value) else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: path(),
                debugDescription: "\(I.self) \(value) is not exactly representable as a JavaScript number (Double)."))
        }
        return .number(d)
    }
}

// MARK: - Keyed

struct _JSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _JSONValueEncoderImpl
    let object: _JSONEncodingObject
    let codingPath: [any CodingKey]

    private func set(_ v: JSONValue, _ key: Key) { object.set(key.stringValue, .value(v)) }
    private func path(_ key: any CodingKey) -> [any CodingKey] { codingPath + [key] }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(JSONString(value)), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(.number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(try _JSONValueEncoderImpl.number(value, at: path(key)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(key.stringValue, try encoder.box(value, at: path(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = _JSONEncodingObject()
        object.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(_JSONKeyedEncodingContainer<NestedKey>(encoder: encoder, object: nested, codingPath: path(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = _JSONEncodingArray()
        object.set(key.stringValue, .array(nested))
        return _JSONUnkeyedEncodingContainer(encoder: encoder, array: nested, codingPath: path(key))
    }

    mutating func superEncoder() -> any Encoder {
        let sub = _JSONValueEncoderImpl(codingPath: path(_JSONCodingKey.superKey), userInfo: encoder.sendableUserInfo)
        object.set(_JSONCodingKey.superKey.stringValue, .deferred(sub))
        return sub
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let sub = _JSONValueEncoderImpl(codingPath: path(key), userInfo: encoder.sendableUserInfo)
        object.set(key.stringValue, .deferred(sub))
        return sub
    }
}

// MARK: - Unkeyed

struct _JSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: _JSONValueEncoderImpl
    let array: _JSONEncodingArray
    let codingPath: [any CodingKey]

    var count: Int { array.items.count }

    private func append(_ v: JSONValue) { array.items.append(.value(v)) }
    private var nextPath: [any CodingKey] { codingPath + [_JSONCodingKey(index: count)] }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(JSONString(value))) }
    mutating func encode(_ value: Double) throws { append(.number(value)) }
    mutating func encode(_ value: Float) throws { append(.number(Double(value))) }
    mutating func encode(_ value: Int) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: Int8) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: Int16) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: Int32) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: Int64) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: UInt) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: UInt8) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: UInt16) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: UInt32) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }
    mutating func encode(_ value: UInt64) throws { append(try _JSONValueEncoderImpl.number(value, at: nextPath)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        array.items.append(try encoder.box(value, at: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let nested = _JSONEncodingObject()
        array.items.append(.object(nested))
        return KeyedEncodingContainer(_JSONKeyedEncodingContainer<NestedKey>(encoder: encoder, object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let nested = _JSONEncodingArray()
        array.items.append(.array(nested))
        return _JSONUnkeyedEncodingContainer(encoder: encoder, array: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let sub = _JSONValueEncoderImpl(codingPath: nextPath, userInfo: encoder.sendableUserInfo)
        array.items.append(.deferred(sub))
        return sub
    }
}

// MARK: - Single value

struct _JSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: _JSONValueEncoderImpl
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ v: JSONValue) { encoder.node = .value(v) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(JSONString(value))) }
    mutating func encode(_ value: Double) throws { set(.number(value)) }
    mutating func encode(_ value: Float) throws { set(.number(Double(value))) }
    mutating func encode(_ value: Int) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: Int8) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: Int16) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: Int32) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: Int64) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: UInt) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: UInt8) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: UInt16) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: UInt32) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }
    mutating func encode(_ value: UInt64) throws { set(try _JSONValueEncoderImpl.number(value, at: codingPath)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.node = try encoder.box(value, at: codingPath)
    }
}
