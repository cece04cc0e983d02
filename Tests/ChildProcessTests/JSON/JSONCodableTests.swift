import Testing
@testable import ChildProcess

private enum Color: String, Codable, Equatable { case red, green }

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(Double, Double)
    case empty
}

private struct Inner: Codable, Equatable {
    var label: String
    var weight: Float
    var tags: [String]
}

private struct Message: Codable, Equatable {
    var id: Int
    var small: Int8
    var unsigned: UInt64
    var ratio: Double
    var flag: Bool
    var note: String?
    var missing: Int?
    var color: Color
    var shapes: [Shape]
    var inner: Inner
    var nested: [[Int]]
    var table: [String: Inner]
    var byNumber: [Int: String]
    var payload: JSONValue
    var optionalArray: [Int?]
}

private let sample = Message(
    id: 7, small: -8, unsigned: 1 << 53, ratio: 0.1, flag: true, note: nil, missing: nil, color: .green,
    shapes: [.circle(radius: 1.5), .rect(2, 3), .empty],
    inner: Inner(label: "in\n\"side\"", weight: 0.25, tags: ["a", "b"]),
    nested: [[1, 2], [], [3]],
    table: ["x": Inner(label: "x", weight: 1, tags: [])],
    byNumber: [1: "one"],
    payload: ["lone": .string(JSONString(utf16CodeUnits: [0xD800])), "list": [1, nil, "é"]],
    optionalArray: [1, nil, 3])

/// Base/derived classes using super encoders.
private class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

private final class Dog: Animal {
    var goodBoy: Bool
    init(name: String, goodBoy: Bool) {
        self.goodBoy = goodBoy
        super.init(name: name)
    }

    enum CodingKeys: String, CodingKey { case goodBoy, base }

    required init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        goodBoy = try c.decode(Bool.self, forKey: .goodBoy)
        try super.init(from: c.superDecoder(forKey: .base))
    }

    override func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(goodBoy, forKey: .goodBoy)
        try super.encode(to: c.superEncoder(forKey: .base))
    }
}

/// Hand-written coding with nested/unkeyed containers and super encoders.
private struct Manual: Codable, Equatable {
    var a: Int
    var pair: (String, Bool)
    var point: [String: Double]

    static func == (l: Manual, r: Manual) -> Bool {
        l.a == r.a && l.pair == r.pair && l.point == r.point
    }

    enum Keys: String, CodingKey { case a, list, point, x, y }

    init(a: Int, pair: (String, Bool), point: [String: Double]) {
        self.a = a
        self.pair = pair
        self.point = point
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        a = try c.decode(Int.self, forKey: .a)
        var list = try c.nestedUnkeyedContainer(forKey: .list)
        let s = try list.decode(String.self)
        var inner = try list.nestedUnkeyedContainer()
        let b = try inner.decode(Bool.self)
        pair = (s, b)
        let sup = try list.superDecoder()
        #expect(try sup.singleValueContainer().decode(String.self) == "via super")
        #expect(list.isAtEnd)
        let p = try c.nestedContainer(keyedBy: Keys.self, forKey: .point)
        point = ["x": try p.decode(Double.self, forKey: .x), "y": try p.decode(Double.self, forKey: .y)]
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(a, forKey: .a)
        var list = c.nestedUnkeyedContainer(forKey: .list)
        try list.encode(pair.0)
        var inner = list.nestedUnkeyedContainer()
        try inner.encode(pair.1)
        var sup = list.superEncoder().singleValueContainer()
        try sup.encode("via super")
        var p = c.nestedContainer(keyedBy: Keys.self, forKey: .point)
        try p.encode(point["x"]!, forKey: .x)
        try p.encode(point["y"]!, forKey: .y)
    }
}

@Suite("JSON Codable")
struct JSONCodableTests {
    @Test("round-trips a nested struct through JSONValue and through text")
    func roundTrip() throws {
        let value = try JSONValue(encoding: sample)
        #expect(try value.decode(Message.self) == sample)
        let text = value.serialized()
        let back = try JSONValue(parsing: text).decode(Message.self)
        #expect(back == sample)
        // Lone surrogates survive in JSONValue payloads.
        #expect(back.payload["lone"]?.jsonStringValue?.utf16CodeUnits == [0xD800])
    }

    @Test("exact encoded shape: declaration order, optionals omitted, enums as Swift synthesizes them")
    func encodedShape() throws {
        var m = sample
        m.table = [:]
        m.byNumber = [:]
        m.note = "n"
        let text = try JSONValueEncoder().encode(m).serializedString()
        #expect(text == #"{"id":7,"small":-8,"unsigned":9007199254740992,"ratio":0.1,"flag":true,"note":"n","color":"green","#
            + #""shapes":[{"circle":{"radius":1.5}},{"rect":{"_0":2,"_1":3}},{"empty":{}}],"#
            + #""inner":{"label":"in\n\"side\"","weight":0.25,"tags":["a","b"]},"nested":[[1,2],[],[3]],"table":{},"byNumber":{},"#
            + #""payload":{"lone":"\ud800","list":[1,null,"é"]},"optionalArray":[1,null,3]}"#)
    }

    @Test("top-level primitives, optionals and collections")
    func primitives() throws {
        #expect(try JSONValue(encoding: 5) == 5)
        #expect(try JSONValue(encoding: "s") == "s")
        #expect(try JSONValue(encoding: Optional<Int>.none) == nil)
        #expect(try JSONValue(encoding: [1.5, 2]) == [1.5, 2])
        #expect(try JSONValue(encoding: ["k": [true]]) == ["k": [true]])
        #expect(try JSONValue(encoding: UInt8(255)) == 255)
        #expect(try JSONValue(encoding: Float(0.1)) == .number(Double(Float(0.1))))
        #expect(try JSONValue(encoding: Double.nan).serializedString() == "null")
        #expect(try JSONValue.number(255).decode(UInt8.self) == 255)
        #expect(try JSONValue.number(-0.0).decode(Int.self) == 0)
        #expect(try JSONValue.null.decode(Int?.self) == nil)
        #expect(try JSONValue.number(0.1).decode(Float.self) == Float(0.1))
        #expect(try ([1, nil] as JSONValue).decode([Int?].self) == [1, nil])
        #expect(try (["a": 1] as JSONValue).decode([String: Int].self) == ["a": 1])
        #expect(try JSONValueDecoder().decode(JSONValue.self, from: [1, "x"]) == [1, "x"])
        #expect(try JSONValueDecoder().decode(JSONString.self, from: "abc") == "abc")
        #expect(try JSONValueEncoder().encode(JSONString(utf16CodeUnits: [0xDFFF])).serializedString() == #""\udfff""#)
    }

    @Test("integers must be exactly representable as Double")
    func integerExactness() throws {
        #expect(try JSONValue(encoding: Int64(1) << 62) == .number(0x1p62))
        #expect(throws: EncodingError.self) { try JSONValue(encoding: Int64.max) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: ["k": UInt64.max]) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: [(1 << 53) + 1]) }
        do {
            _ = try JSONValue(encoding: ["k": [1, (1 << 53) + 1]])
            Issue.record("expected an error")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["k", "Index 1"])
            #expect(context.debugDescription == "Int 9007199254740993 is not exactly representable as a JavaScript number (Double).")
        }
    }

    @Test("decoding errors are precise")
    func decodingErrors() throws {
        func error<T: Decodable>(_ type: T.Type, _ value: JSONValue) -> DecodingError? {
            do {
                _ = try value.decode(type)
                return nil
            } catch let e as DecodingError {
                return e
            } catch {
                return nil
            }
        }
        guard case .dataCorrupted(let c1)? = error(Int.self, 1.5) else { Issue.record("1.5 as Int"); return }
        #expect(c1.debugDescription == "Number 1.5 is not representable as Int.")
        guard case .dataCorrupted? = error(UInt8.self, 300) else { Issue.record("300 as UInt8"); return }
        guard case .dataCorrupted? = error(UInt.self, -1) else { Issue.record("-1 as UInt"); return }
        guard case .dataCorrupted? = error(Float.self, 1e300) else { Issue.record("1e300 as Float"); return }
        guard case .typeMismatch(_, let c2)? = error(String.self, 1) else { Issue.record("1 as String"); return }
        #expect(c2.debugDescription == "Expected a string (String) but found a number instead.")
        guard case .typeMismatch? = error(Bool.self, 1) else { Issue.record("1 as Bool"); return }
        guard case .valueNotFound? = error(Int.self, nil) else { Issue.record("null as Int"); return }
        guard case .typeMismatch? = error(Inner.self, []) else { Issue.record("[] as Inner"); return }
        guard case .keyNotFound(let key, _)? = error(Inner.self, ["label": "x", "tags": []]) else { Issue.record("missing key"); return }
        #expect(key.stringValue == "weight")
        guard case .typeMismatch(_, let c4)? = error([Inner].self, [["label": "a", "weight": 1, "tags": ["ok", 2]]]) else {
            Issue.record("nested mismatch")
            return
        }
        #expect(c4.codingPath.map(\.stringValue) == ["Index 0", "tags", "Index 1"])
        guard case .valueNotFound(_, let c5)? = error([Int].self, [1, nil]) else { Issue.record("null element"); return }
        #expect(c5.codingPath.map(\.stringValue) == ["Index 1"])
    }

    @Test("decodeIfPresent: missing key and null give nil; wrong type still throws")
    func optionals() throws {
        struct O: Codable { var a: Int?; var b: String? }
        let o1 = try ([:] as JSONValue).decode(O.self)
        #expect(o1.a == nil && o1.b == nil)
        let o2 = try (["a": nil, "b": "x"] as JSONValue).decode(O.self)
        #expect(o2.a == nil && o2.b == "x")
        #expect(throws: DecodingError.self) { try (["a": "1"] as JSONValue).decode(O.self) }
        #expect(try JSONValue(encoding: O(a: nil, b: nil)) == [:])
    }

    @Test("super encoders and decoders (class inheritance)")
    func superCoders() throws {
        let dog = Dog(name: "Rex", goodBoy: true)
        let value = try JSONValue(encoding: dog)
        #expect(value.serializedString() == #"{"goodBoy":true,"base":{"name":"Rex"}}"#)
        let back = try value.decode(Dog.self)
        #expect(back.name == "Rex" && back.goodBoy)
    }

    @Test("nested keyed/unkeyed containers and unkeyed superEncoder")
    func manualContainers() throws {
        let m = Manual(a: 1, pair: ("p", true), point: ["x": 0.5, "y": -2])
        let value = try JSONValue(encoding: m)
        #expect(value.serializedString() == #"{"a":1,"list":["p",[true],"via super"],"point":{"x":0.5,"y":-2}}"#)
        #expect(try value.decode(Manual.self) == m)
    }

    @Test("userInfo reaches nested encoders and decoders")
    func userInfo() throws {
        let key = CodingUserInfoKey(rawValue: "prefix")!
        struct P: Codable {
            var s: String
            init(s: String) { self.s = s }
            init(from decoder: any Decoder) throws {
                s = (decoder.userInfo[CodingUserInfoKey(rawValue: "prefix")!] as? String ?? "") + (try decoder.singleValueContainer().decode(String.self))
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                try c.encode((encoder.userInfo[CodingUserInfoKey(rawValue: "prefix")!] as? String ?? "") + s)
            }
        }
        let encoded = try JSONValueEncoder(userInfo: [key: "E:"]).encode([P(s: "a")])
        #expect(encoded == ["E:a"])
        let decoded = try JSONValueDecoder(userInfo: [key: "D:"]).decode([P].self, from: encoded)
        #expect(decoded.map(\.s) == ["D:E:a"])
    }
}
