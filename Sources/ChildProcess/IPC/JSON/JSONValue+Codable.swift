/// `JSONValue` is itself `Codable`, so a message struct can carry an untyped
/// payload (`var payload: JSONValue`). With `JSONValueEncoder`/`JSONValueDecoder`
/// the value passes through untouched (lone surrogates and key order kept);
/// with other coders it maps to the natural containers.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let impl = decoder as? _JSONValueDecoderImpl {
            self = impl.value
            return
        }
        if let keyed = try? decoder.container(keyedBy: _JSONCodingKey.self) {
            var object = JSONObject()
            for key in keyed.allKeys {
                object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !unkeyed.isAtEnd { array.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(array)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? single.decode(Double.self) {
            self = .number(d)
        } else if let s = try? single.decode(String.self) {
            self = .string(JSONString(s))
        } else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "Value is not representable as JSON."))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let impl = encoder as? _JSONValueEncoderImpl {
            impl.node = .value(self)
            return
        }
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s.string)
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for element in a { try c.encode(element) }
        case .object(let o):
            var c = encoder.container(keyedBy: _JSONCodingKey.self)
            for (key, element) in o { try c.encode(element, forKey: _JSONCodingKey(stringValue: key.string)) }
        }
    }
}
