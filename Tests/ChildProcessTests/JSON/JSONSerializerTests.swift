import Testing
import TestSupport
@testable import ChildProcess

/// Expected outputs were produced by Node v20.20.2 (`JSON.stringify`) and pasted
/// here (generator: a `node -e` script over the same values).
let nodeStringifyTable: [(JSONValue, String)] = [
        (.number(0), #"0"#),
        (.number(-0.0), #"0"#),
        (.number(1), #"1"#),
        (.number(-1), #"-1"#),
        (.number(0.1), #"0.1"#),
        (.number(1e21), #"1e+21"#),
        (.number(1e-7), #"1e-7"#),
        (.number(123456789012345680000.0), #"123456789012345680000"#),
        (.number(.leastNonzeroMagnitude), #"5e-324"#),
        (.number(-.leastNonzeroMagnitude), #"-5e-324"#),
        (.number(1.7976931348623157e308), #"1.7976931348623157e+308"#),
        (.number(9007199254740992), #"9007199254740992"#),
        (.number(9007199254740994), #"9007199254740994"#),
        (.number(-9007199254740991), #"-9007199254740991"#),
        (.number(0.000001), #"0.000001"#),
        (.number(1.5e-7), #"1.5e-7"#),
        (.number(-1.5e-7), #"-1.5e-7"#),
        (.number(100), #"100"#),
        (.number(1e20), #"100000000000000000000"#),
        (.number(-1e21), #"-1e+21"#),
        (.number(123.456), #"123.456"#),
        (.number(0.1 + 0.2), #"0.30000000000000004"#),
        (.number(1.0 / 3.0), #"0.3333333333333333"#),
        (.number(9.999999999999999e20), #"999999999999999900000"#),
        (.number(18446744073709551616.0), #"18446744073709552000"#),
        (.number(1e16), #"10000000000000000"#),
        (.number(1e15 + 0.5), #"1000000000000000.5"#),
        (.number(4.35), #"4.35"#),
        (.number(1e-6 * 1.5), #"0.0000015"#),
        (.number(0.0000015), #"0.0000015"#),
        (.number(2.2250738585072014e-308), #"2.2250738585072014e-308"#),
        (.number(1e300 * 10), #"1e+301"#),
        (.number(12345678.9), #"12345678.9"#),
        (.number(-0.5), #"-0.5"#),
        (.number(1e-5), #"0.00001"#),
        (.number(123e-20), #"1.23e-18"#),
        (.number(.nan), #"null"#),
        (.number(.infinity), #"null"#),
        (.number(-.infinity), #"null"#),
        (.null, #"null"#),
        (.bool(true), #"true"#),
        (.bool(false), #"false"#),
        (.string(JSONString(String(decoding: (0..<32).map { UInt8($0) }, as: UTF8.self))), #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#),
        ("\"quoted\" back\\slash /solidus", #""\"quoted\" back\\slash /solidus""#),
        ("\u{2028}\u{2029}", #""\#u{2028}\#u{2029}""#),
        ("\u{7F}", #""\#u{7F}""#),
        ("\u{0}", #""\u0000""#),
        ("\u{80}\u{FF}é", #""\#u{80}\#u{FF}\#u{E9}""#),
        ("😀 emoji 👨‍👩‍👧", #""\#u{1F600} emoji \#u{1F468}\#u{200D}\#u{1F469}\#u{200D}\#u{1F467}""#),
        ("\u{FEFF}\u{FFFF}\u{10FFFF}", #""\#u{FEFF}\#u{FFFF}\#u{10FFFF}""#),
        (.string(JSONString(utf16CodeUnits: [0xD800])), #""\ud800""#),
        (.string(JSONString(utf16CodeUnits: [0xDFFF])), #""\udfff""#),
        (.string(JSONString(utf16CodeUnits: [0x61, 0xDBFF, 0x62, 0xDC00, 0x63])), #""a\udbffb\udc00c""#),
        (.string(JSONString(utf16CodeUnits: [0xDC00, 0xD800])), #""\udc00\ud800""#),
        (.string(JSONString(utf16CodeUnits: [0xD83D, 0xDE00, 0xD83D])), #""\#u{1F600}\ud83d""#),
        (.string(JSONString(utf16CodeUnits: [0x0A, 0xDABC, 0x22, 0xE9])), #""\n\udabc\"\#u{E9}""#),
        ("", #""""#),
        ([], #"[]"#),
        ([:], #"{}"#),
        ([[], [:], [[]]], #"[[],{},[[]]]"#),
        (["b": 1, "a": [1, [:], []], "c": ["z": nil, "y": true, "x": false], "": ""], #"{"b":1,"a":[1,{},[]],"c":{"z":null,"y":true,"x":false},"":""}"#),
        (["key\n\"q\"": "v", "é": ["😀": [1.5, -0.0, nil]]], #"{"key\n\"q\"":"v","\#u{E9}":{"\#u{1F600}":[1.5,0,null]}}"#),
        (.object(JSONObject([(JSONString(utf16CodeUnits: [0xD800]), JSONValue.string("lone"))])), #"{"\ud800":"lone"}"#),
        ([.number(.nan), .number(.infinity), ["n": .number(-.infinity)]], #"[null,null,{"n":null}]"#),
]

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test("matches Node's JSON.stringify byte for byte", arguments: nodeStringifyTable)
    func matchesNode(value: JSONValue, expected: String) {
        #expect(value.serialized() == Array(expected.utf8))
        #expect(value.serializedString() == expected)
        #expect(value.description == expected)
    }

    @Test("serializedLine appends a single newline")
    func serializedLine() {
        let value: JSONValue = ["cmd": "NODE_HANDLE_ACK", "n": [1, 2.5]]
        #expect(value.serializedLine() == Array(#"{"cmd":"NODE_HANDLE_ACK","n":[1,2.5]}"#.utf8) + [0x0A])
    }

    @Test("serialize(into:) appends to existing bytes")
    func appends() {
        var out: [UInt8] = Array("x".utf8)
        JSONValue.bool(true).serialize(into: &out)
        JSONSerializer.serialize([1, "a"], into: &out)
        #expect(out == Array(#"xtrue[1,"a"]"#.utf8))
    }

    @Test("long strings: escapes at every position around the 8-byte word scanner")
    func escapesAtEveryPosition() {
        for length in 0..<40 {
            for position in 0..<max(length, 1) {
                var units = Array(repeating: UInt8(ascii: "a"), count: length)
                var expected = units
                if length > 0 {
                    units[position] = 0x0A
                    expected = Array(units[..<position]) + [0x5C, 0x6E] + Array(units[(position + 1)...])
                }
                let value = JSONValue.string(JSONString(String(decoding: units, as: UTF8.self)))
                #expect(value.serialized() == [0x22] + expected + [0x22])
            }
        }
    }

    @Test("Number::toString formatting (non-JSON forms)")
    func numberToString() {
        #expect(JSNumberFormatting.string(.nan) == "NaN")
        #expect(JSNumberFormatting.string(.infinity) == "Infinity")
        #expect(JSNumberFormatting.string(-.infinity) == "-Infinity")
        #expect(JSNumberFormatting.string(-0.0) == "0")
        #expect(JSNumberFormatting.string(1e21) == "1e+21")
        #expect(JSNumberFormatting.string(0.000001) == "0.000001")
        #expect(JSNumberFormatting.string(0.0000001) == "1e-7")
        #expect(JSNumberFormatting.string(-123.25) == "-123.25")
        #expect(JSNumberFormatting.jsonString(.nan) == "null")
        #expect(JSNumberFormatting.jsonString(2.5) == "2.5")
    }

    @Test("lone surrogates are escaped; pairs and other text are raw UTF-8")
    func surrogates() {
        let s = JSONString(utf16CodeUnits: Array("a😀".utf16) + [0xD800])
        #expect(!s.isWellFormed)
        #expect(JSONValue.string(s).serializedString() == "\"a😀\\ud800\"")
        // A pair supplied as code units is ordinary text.
        let pair = JSONString(utf16CodeUnits: [0xD83D, 0xDE00])
        #expect(pair.isWellFormed)
        #expect(pair == "😀")
    }

    /// As deep as the parser accepts (arrays and objects by turns), and its text. Kept for the whole
    /// run: the last release of so deep a value recurses in the runtime, which must not happen on
    /// the small thread below.
    private static let deep: (value: JSONValue, text: String) = {
        let pairs = JSONParser.defaultMaxDepth / 2
        var value = JSONValue.null
        for _ in 0..<pairs { value = .array([.number(0), .object(JSONObject([("k", value), ("z", .number(1))])), .number(2)]) }
        return (value, String(repeating: #"[0,{"k":"#, count: pairs) + "null" + String(repeating: #","z":1},2]"#, count: pairs))
    }()

    @Test("a value nested as deep as the parser accepts serializes on a 512 KiB thread")
    func deepNesting() async {
        let serialized = await onThread(stackSize: 512 * 1024) { Self.deep.value.serializedString() }
        #expect(serialized == Self.deep.text)
    }
}
