import Testing
@testable import ChildProcess

@Suite("JSONValue, JSONString and JSONObject")
struct JSONValueTests {
    @Test("literals")
    func literals() {
        let v: JSONValue = ["s": "text", "i": 42, "d": 2.5, "b": true, "n": nil, "a": [1, "two"], "o": ["k": false]]
        #expect(v["s"] == .string("text"))
        #expect(v["i"] == .number(42))
        #expect(v["d"] == .number(2.5))
        #expect(v["b"] == .bool(true))
        #expect(v["n"] == .null)
        #expect(v["a"] == .array([.number(1), .string("two")]))
        #expect(v["o"] == .object(JSONObject([("k", .bool(false))])))
        #expect(v.serializedString() == #"{"s":"text","i":42,"d":2.5,"b":true,"n":null,"a":[1,"two"],"o":{"k":false}}"#)
        // Duplicate literal keys: last wins, first position.
        let dup: JSONValue = ["x": 1, "y": 2, "x": 3]
        #expect(dup.serializedString() == #"{"x":3,"y":2}"#)
    }

    @Test("accessors")
    func accessors() {
        let v: JSONValue = ["s": "é", "n": 3, "f": 3.5, "neg0": -0.0, "big": 1e300, "b": false, "a": [nil], "o": [:]]
        #expect(v["s"]?.stringValue == "é")
        #expect(v["s"]?.jsonStringValue == "é")
        #expect(v["n"]?.intValue == 3)
        #expect(v["n"]?.doubleValue == 3)
        #expect(v["f"]?.intValue == nil)
        #expect(v["f"]?.doubleValue == 3.5)
        #expect(v["neg0"]?.intValue == 0)
        #expect(v["big"]?.intValue == nil)
        #expect(v["b"]?.boolValue == false)
        #expect(v["a"]?.arrayValue == [.null])
        #expect(v["a"]?[0]?.isNull == true)
        #expect(v["a"]?[1] == nil)
        #expect(v["a"]?[-1] == nil)
        #expect(v["o"]?.objectValue?.isEmpty == true)
        #expect(v["missing"] == nil)
        #expect(v[0] == nil)
        #expect(JSONValue.number(1)["k"] == nil)
        #expect(v["s"]?.intValue == nil)
        #expect(v["n"]?.stringValue == nil)
        #expect(v.isNull == false)
    }

    @Test("subscript setter keeps order, appends new keys, removes with nil")
    func setters() {
        var v: JSONValue = ["a": 1, "b": 2, "c": 3]
        v["b"] = "two"
        v["d"] = 4
        v["a"] = nil
        #expect(v.serializedString() == #"{"b":"two","c":3,"d":4}"#)
        v["a"] = 0
        #expect(v.serializedString() == #"{"b":"two","c":3,"d":4,"a":0}"#)

        var o = JSONObject()
        for i in 0..<40 { o["k\(i)"] = .number(Double(i)) } // crosses the index threshold
        o["k3"] = nil
        o["k39"] = "x"
        #expect(o.count == 39)
        #expect(o["k3"] == nil)
        #expect(o["k4"] == 4)
        #expect(o["k39"] == "x")
        #expect(o.keys.first == "k0")
        #expect(o.index(forKey: "k4") == 3)
        #expect(o.removeValue(forKey: "k0") == 0)
        #expect(o.index(forKey: "k4") == 2)
    }

    @Test("object equality ignores order; hashing agrees")
    func objectEquality() {
        let a: JSONValue = ["x": 1, "y": [1, 2]]
        let b: JSONValue = ["y": [1, 2], "x": 1]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.serializedString() != b.serializedString())
        #expect(a != ["x": 1, "y": [2, 1]])
        #expect(a != ["x": 1])
        #expect(a != ["x": 1, "z": [1, 2]])
        let set: Set<JSONValue> = [a, b, ["x": 2]]
        #expect(set.count == 2)
    }

    @Test("number equality: -0 == 0, NaN == NaN (reflexive), distinct from null")
    func numberEquality() {
        #expect(JSONValue.number(-0.0) == .number(0))
        #expect(JSONValue.number(-0.0).hashValue == JSONValue.number(0).hashValue)
        #expect(JSONValue.number(.nan) == .number(.nan))
        #expect(JSONValue.number(.nan).hashValue == JSONValue.number(-.nan).hashValue)
        #expect(JSONValue.number(.nan) != .null)
        #expect(JSONValue.number(1) != .bool(true))
    }

    @Test("JSONString compares code units, not canonical equivalence")
    func stringEquality() {
        let nfc = JSONString("\u{E9}")
        let nfd = JSONString("e\u{301}")
        #expect("\u{E9}" == "e\u{301}") // Swift says equal...
        #expect(nfc != nfd)             // ...JS does not.
        #expect(Set([nfc, nfd]).count == 2)
        #expect(JSONString(utf16CodeUnits: [0xD800]) == JSONString(utf16CodeUnits: [0xD800]))
        #expect(JSONString(utf16CodeUnits: [0xD800]) != JSONString(utf16CodeUnits: [0xDC00]))
        #expect(JSONString(utf16CodeUnits: [0xD800]) != JSONString("\u{FFFD}"))
        #expect(JSONString(utf16CodeUnits: Array("abc".utf16)) == "abc")
    }

    @Test("JSONString views")
    func stringViews() {
        let lone = JSONString(utf16CodeUnits: [0x61, 0xDC00, 0x62])
        #expect(lone.string == "a\u{FFFD}b")
        #expect(lone.utf16CodeUnits == [0x61, 0xDC00, 0x62])
        #expect(lone.utf16Count == 3)
        #expect(!lone.isWellFormed)
        #expect(lone.description == "a\u{FFFD}b")
        #expect(lone.debugDescription == #""a\udc00b""#)
        let emoji = JSONString("😀")
        #expect(emoji.utf16Count == 2)
        #expect(emoji.utf16CodeUnits == [0xD83D, 0xDE00])
        #expect(emoji.isWellFormed)
    }

    @Test("is Sendable across tasks")
    func sendable() async {
        let v: JSONValue = ["k": [1, 2, 3]]
        let r = await Task.detached { v.serializedString() }.value
        #expect(r == #"{"k":[1,2,3]}"#)
    }
}
