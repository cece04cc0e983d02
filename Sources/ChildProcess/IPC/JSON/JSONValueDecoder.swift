/// Decodes a `Decodable` value from a `JSONValue` tree.
///
/// - Strict types: a string never decodes as a number, nor a number as a Bool.
/// - Integers must be integral and in range (`1.5` or `300` for `UInt8` throw
///   `DecodingError.dataCorrupted`); `Float` accepts any number that is not out
///   of `Float`'s finite range.
/// - `String` from a JS string with lone surrogates is lossy (U+FFFD); decode
///   `JSONString` or `JSONValue` to keep them.
/// - Missing key → `keyNotFound` (`decodeIfPresent` returns nil for missing
///   keys and for `null`); `null` for a non-optional → `valueNotFound`.
public struct JSONValueDecoder: Sendable {
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    public func decode<T: Decodable>(_ type: T.Type = T.self, from value: JSONValue) throws -> T {
        try _JSONValueDecoderImpl(value: value, codingPath: [], userInfo: userInfo).unbox(value, as: T.self, at: [])
    }
}

extension JSONValue {
    /// `JSONValueDecoder().decode(type, from: self)`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONValueDecoder().decode(type, from: self)
    }
}

// MARK: - Decoder

final class _JSONValueDecoderImpl: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    init(value: JSONValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw _JSONValueDecoderImpl.mismatch([String: JSONValue].self, "an object", value, codingPath)
        }
        return KeyedDecodingContainer(_JSONKeyedDecodingContainer<Key>(decoder: self, object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else {
            throw _JSONValueDecoderImpl.mismatch([JSONValue].self, "an array", value, codingPath)
        }
        return _JSONUnkeyedDecodingContainer(decoder: self, array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Unboxing

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func mismatch(_ type: Any.Type, _ expected: String, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if value.isNull {
            return DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: path, debugDescription: "Expected \(expected) (\(type)) but found null instead."))
        }
        return DecodingError.typeMismatch(type, DecodingError.Context(
            codingPath: path, debugDescription: "Expected \(expected) (\(type)) but found \(kind(value)) instead."))
    }

    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, at path: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try unboxString(value, path) as! T }
        if T.self == Double.self { return try unboxDouble(value, path) as! T }
        if T.self == Int.self { return try unboxInteger(value, Int.self, path) as! T }
        if T.self == Bool.self { return try unboxBool(value, path) as! T }
        return try T(from: _JSONValueDecoderImpl(value: value, codingPath: path, userInfo: sendableUserInfo))
    }

    func unboxBool(_ value: JSONValue, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = value else { throw _JSONValueDecoderImpl.mismatch(Bool.self, "a boolean", value, path) }
        return b
    }

    func unboxString(_ value: JSONValue, _ path: [any CodingKey]) throws -> String {
        guard case .string(let s) = value else { throw _JSONValueDecoderImpl.mismatch(String.self, "a string", value, path) }
        return s.string
    }

    func unboxDouble(_ value: JSONValue, _ path: [any CodingKey]) throws -> Double {
        guard case .number(let d) = value else { throw _JSONValueDecoderImpl.mismatch(Double.self, "a number", value, path) }
        return d
    }

    func unboxFloat(_ value: JSONValue, _ path: [any CodingKey]) throws -> Float {
        let d = try unboxDouble(value, path)
        let f = Float(d)
        if d.isFinite && !f.isFinite {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: path, debugDescription: "Number \(JSNumberFormatting.string(d)) does not fit in Float."))
        }
        return f
    }

    func unboxInteger<I: FixedWidthInteger>(_ value: JSONValue, _ type: I.Type, _ path: [any CodingKey]) throws -> I {
        guard case .number(let d) = value else { throw _JSONValueDecoderImpl.mismatch(I.self, "a number", value, path) }
        guard let i = I(exactly: d) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: path, debugDescription: "Number \(JSNumberFormatting.string(d)) is not representable as \(I.self)."))
        }
        return i
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try unboxBool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try unboxString(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try unboxDouble(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try unboxFloat(value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try unboxInteger(value, type, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try unboxInteger(value, type, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unboxInteger(value, type, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unboxInteger(value, type, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(value, as: type, at: codingPath) }
}

// MARK: - Keyed

struct _JSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: _JSONValueDecoderImpl
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.entries.compactMap { Key(stringValue: $0.key.string) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func path(_ key: any CodingKey) -> [any CodingKey] { codingPath + [key] }

    private func value(_ key: Key) throws -> JSONValue {
        guard let v = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "No value associated with key \"\(key.stringValue)\"."))
        }
        return v
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.unboxBool(value(key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.unboxString(value(key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.unboxDouble(value(key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.unboxFloat(value(key), path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.unboxInteger(value(key), type, path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.unboxInteger(value(key), type, path(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(value(key), as: type, at: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let v = try value(key)
        guard case .object(let nested) = v else {
            throw _JSONValueDecoderImpl.mismatch([String: JSONValue].self, "an object", v, path(key))
        }
        return KeyedDecodingContainer(_JSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: nested, codingPath: path(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let v = try value(key)
        guard case .array(let nested) = v else {
            throw _JSONValueDecoderImpl.mismatch([JSONValue].self, "an array", v, path(key))
        }
        return _JSONUnkeyedDecodingContainer(decoder: decoder, array: nested, codingPath: path(key))
    }

    func superDecoder() throws -> any Decoder {
        let key = _JSONCodingKey.superKey
        return _JSONValueDecoderImpl(value: object[key.stringValue] ?? .null, codingPath: path(key), userInfo: decoder.sendableUserInfo)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        _JSONValueDecoderImpl(value: object[key.stringValue] ?? .null, codingPath: path(key), userInfo: decoder.sendableUserInfo)
    }
}

// MARK: - Unkeyed

struct _JSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: _JSONValueDecoderImpl
    let array: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(decoder: _JSONValueDecoderImpl, array: [JSONValue], codingPath: [any CodingKey]) {
        self.decoder = decoder
        self.array = array
        self.codingPath = codingPath
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private var currentPath: [any CodingKey] { codingPath + [_JSONCodingKey(index: currentIndex)] }

    /// Decodes the current element and advances only on success.
    private mutating func next<T>(_ type: T.Type, _ body: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: currentPath, debugDescription: "Unkeyed container is at end (count \(array.count))."))
        }
        let result = try body(array[currentIndex], currentPath)
        currentIndex += 1
        return result
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any?.self, DecodingError.Context(
                codingPath: currentPath, debugDescription: "Unkeyed container is at end (count \(array.count))."))
        }
        if array[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let d = decoder; return try next(type) { try d.unboxBool($0, $1) } }
    mutating func decode(_ type: String.Type) throws -> String { let d = decoder; return try next(type) { try d.unboxString($0, $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { let d = decoder; return try next(type) { try d.unboxDouble($0, $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { let d = decoder; return try next(type) { try d.unboxFloat($0, $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let d = decoder; return try next(type) { try d.unboxInteger($0, type, $1) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let d = decoder
        return try next(type) { try d.unbox($0, as: type, at: $1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let decoder = decoder
        return try next(KeyedDecodingContainer<NestedKey>.self) { v, path in
            guard case .object(let nested) = v else {
                throw _JSONValueDecoderImpl.mismatch([String: JSONValue].self, "an object", v, path)
            }
            return KeyedDecodingContainer(_JSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: nested, codingPath: path))
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let decoder = decoder
        return try next((any UnkeyedDecodingContainer).self) { v, path in
            guard case .array(let nested) = v else {
                throw _JSONValueDecoderImpl.mismatch([JSONValue].self, "an array", v, path)
            }
            return _JSONUnkeyedDecodingContainer(decoder: decoder, array: nested, codingPath: path)
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = decoder
        return try next((any Decoder).self) { v, path in
            _JSONValueDecoderImpl(value: v, codingPath: path, userInfo: decoder.sendableUserInfo)
        }
    }
}
