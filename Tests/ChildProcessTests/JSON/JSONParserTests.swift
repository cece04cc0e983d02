import Testing
@testable import ChildProcess

private func parse(_ text: String) throws(JSONError) -> JSONValue { try JSONValue(parsing: text) }
private func parse(bytes: [UInt8]) throws(JSONError) -> JSONValue { try JSONValue(parsing: bytes) }

private func parseError(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONError? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test("all value kinds")
    func valueKinds() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("42") == .number(42))
        #expect(try parse("-1.5e3") == .number(-1500))
        #expect(try parse(#""hi""#) == "hi")
        #expect(try parse("[]") == [])
        #expect(try parse("{}") == [:])
        let v = try parse(#"{"a":[1,"two",{"three":3}],"b":null,"c":true}"#)
        #expect(v == ["a": [1, "two", ["three": 3]], "b": nil, "c": true])
        #expect(v["a"]?[2]?["three"]?.intValue == 3)
        #expect(v.objectValue?.keys == ["a", "b", "c"])
    }

    @Test("whitespace: only space, tab, CR, LF, around and between tokens")
    func whitespace() throws {
        #expect(try parse(" \t\r\n[ 1 ,\n2\t]\r\n ") == [1, 2])
        #expect(try parse(" {\n \"a\" \t: \r 1 \n} ") == ["a": 1])
        let formFeed = parseError(Array("\u{0C}1".utf8))
        #expect(formFeed?.reason == .unexpectedCharacter)
        #expect(formFeed?.offset == 0)
        let bom = parseError([0xEF, 0xBB, 0xBF, 0x31])
        #expect(bom?.reason == .unexpectedCharacter)
        #expect(bom?.message == "unexpected character `\u{FEFF}` (U+FEFF) at offset 0: expected a value")
    }

    @Test("escapes")
    func escapes() throws {
        let v = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\u0000x""#)
        #expect(v == .string("\"\\/\u{8}\u{C}\n\r\tAé€\u{0}x"))
        #expect(v.jsonStringValue?.isWellFormed == true)
    }

    @Test("surrogate pairs combine into one scalar")
    func surrogatePairs() throws {
        let lower = try parse(#""\ud83d\ude00""#)
        let upper = try parse(#""x\uD83D\uDE00y""#)
        #expect(lower == "😀")
        #expect(upper == "x😀y")
        #expect(lower.jsonStringValue?.isWellFormed == true)
        #expect(lower.serializedString() == "\"😀\"")
    }

    @Test("lone surrogates are preserved exactly",
          arguments: [
              (#""\ud800""#, [0xD800] as [UInt16]),
              (#""\uDFFF""#, [0xDFFF]),
              (#""\udc00\ud800""#, [0xDC00, 0xD800]),
              (#""a\ud800\u0041""#, [0x61, 0xD800, 0x41]),
              (#""\ud800\ud83d\ude00""#, [0xD800, 0xD83D, 0xDE00]),
              (#""\ud83d\ude00\ude00""#, [0xD83D, 0xDE00, 0xDE00]),
              (#""é\ud800€\n""#, [0xE9, 0xD800, 0x20AC, 0x0A]),
              (#""\ud800\\""#, [0xD800, 0x5C]),
          ])
    func loneSurrogates(text: String, units: [UInt16]) throws {
        let v = try parse(text)
        guard case .string(let s) = v else {
            Issue.record("not a string: \(v)")
            return
        }
        #expect(s.utf16CodeUnits == units)
        #expect(!s.isWellFormed)
        #expect(s == JSONString(utf16CodeUnits: units))
        #expect(s.string == String(decoding: units, as: UTF16.self))
        // Re-serializing and re-parsing gives the same code units.
        #expect(try JSONValue(parsing: v.serialized()) == v)
    }

    @Test("invalid UTF-8 inside strings becomes U+FFFD like Node's decoder")
    func invalidUTF8InStrings() throws {
        let cases: [([UInt8], String)] = [
            ([0xFF], "\u{FFFD}"),
            ([0xE2, 0x82], "\u{FFFD}"),
            ([0xE0, 0x80, 0x41], "\u{FFFD}\u{FFFD}A"),
            ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"), // encoded surrogate: not a lone surrogate
            ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
            ([0xC0, 0x80], "\u{FFFD}\u{FFFD}"),
            ([0x61, 0xF0, 0x9F, 0x98, 0x62], "a\u{FFFD}b"),
        ]
        for (inner, expected) in cases {
            // Fast path (no escapes), escape path, and lone-surrogate path.
            #expect(try parse(bytes: [0x22] + inner + [0x22]) == .string(expected))
            #expect(try parse(bytes: [0x22, 0x5C, 0x6E] + inner + [0x22]) == .string("\n" + expected))
            let lone = try parse(bytes: Array(#""\ud800"#.utf8) + inner + [0x22])
            #expect(lone.jsonStringValue?.utf16CodeUnits == [0xD800] + Array(expected.utf16))
        }
    }

    @Test("invalid UTF-8 outside strings is an error naming the byte")
    func invalidUTF8Outside() {
        let e = parseError([0x5B, 0xFF, 0x5D])
        #expect(e == JSONError(.unexpectedCharacter, offset: 1, message: "unexpected invalid UTF-8 byte 0xFF at offset 1: expected a value"))
    }

    @Test("error cases: reason, offset and message",
          arguments: [
              ("", JSONError.Reason.unexpectedEndOfInput, 0, "unexpected end of input at offset 0: expected a value"),
              ("   ", .unexpectedEndOfInput, 3, "unexpected end of input at offset 3: expected a value"),
              ("{\"a\":1,}", .unexpectedCharacter, 7, "unexpected character `}` at offset 7: expected a double-quoted property name"),
              ("[1,]", .unexpectedCharacter, 3, "unexpected character `]` at offset 3: expected a value"),
              ("[1 2]", .unexpectedCharacter, 3, "unexpected character `2` at offset 3: expected `,` or `]` after array element"),
              ("{\"a\" 1}", .unexpectedCharacter, 5, "unexpected character `1` at offset 5: expected `:` after property name"),
              ("{1:2}", .unexpectedCharacter, 1, "unexpected character `1` at offset 1: expected a double-quoted property name or `}`"),
              ("{\"a\":1 \"b\":2}", .unexpectedCharacter, 7, "unexpected character `\"` at offset 7: expected `,` or `}` after property value"),
              ("]", .unexpectedCharacter, 0, "unexpected character `]` at offset 0: expected a value"),
              ("[", .unexpectedEndOfInput, 1, "unexpected end of input at offset 1: expected a value"),
              ("[1", .unexpectedEndOfInput, 2, "unexpected end of input at offset 2: expected `,` or `]` after array element"),
              ("{", .unexpectedEndOfInput, 1, "unexpected end of input at offset 1: expected a property name or `}`"),
              ("{\"a\"", .unexpectedEndOfInput, 4, "unexpected end of input at offset 4: expected `:` after property name"),
              ("{\"a\":", .unexpectedEndOfInput, 5, "unexpected end of input at offset 5: expected a value"),
              ("{\"a\":1", .unexpectedEndOfInput, 6, "unexpected end of input at offset 6: expected `,` or `}` after property value"),
              ("tru", .unexpectedEndOfInput, 3, "unexpected end of input at offset 3: expected `true`"),
              ("nul", .unexpectedEndOfInput, 3, "unexpected end of input at offset 3: expected `null`"),
              ("trux", .unexpectedCharacter, 3, "unexpected character `x` at offset 3: expected `true`"),
              ("True", .unexpectedCharacter, 0, "unexpected character `T` at offset 0: expected a value"),
              ("NaN", .unexpectedCharacter, 0, "unexpected character `N` at offset 0: expected a value"),
              ("'a'", .unexpectedCharacter, 0, "unexpected character `'` at offset 0: expected a value"),
              ("\"abc", .unterminatedString, 0, "unterminated string starting at offset 0"),
              ("[\"abc\\\"]", .unterminatedString, 1, "unterminated string starting at offset 1"),
              ("\"ab\\", .unterminatedString, 0, "unterminated string starting at offset 0"),
              ("\"a\tb\"", .controlCharacterInString, 2, "unescaped control character 0x09 in string at offset 2"),
              ("\"a\nb\"", .controlCharacterInString, 2, "unescaped control character 0x0A in string at offset 2"),
              ("\"\\n\u{1}\"", .controlCharacterInString, 3, "unescaped control character 0x01 in string at offset 3"),
              ("\"\\x\"", .invalidEscape, 1, "invalid escape sequence at offset 1: backslash followed by character `x`"),
              ("\"\\'\"", .invalidEscape, 1, "invalid escape sequence at offset 1: backslash followed by character `'`"),
              ("\"\\u12\"", .invalidUnicodeEscape, 1, "invalid Unicode escape at offset 1: `\\u` must be followed by four hex digits"),
              ("\"\\u12G4\"", .invalidUnicodeEscape, 1, "invalid Unicode escape at offset 1: `\\u` must be followed by four hex digits"),
              ("\"\\ud800\\u12\"", .invalidUnicodeEscape, 7, "invalid Unicode escape at offset 7: `\\u` must be followed by four hex digits"),
              ("-", .invalidNumber, 1, "invalid number at offset 1: no digits after the minus sign"),
              ("-a", .invalidNumber, 1, "invalid number at offset 1: no digits after the minus sign"),
              ("1.", .invalidNumber, 2, "invalid number at offset 2: no digits after the decimal point"),
              ("1.e5", .invalidNumber, 2, "invalid number at offset 2: no digits after the decimal point"),
              ("1e", .invalidNumber, 2, "invalid number at offset 2: the exponent has no digits"),
              ("1e+", .invalidNumber, 3, "invalid number at offset 3: the exponent has no digits"),
              (".5", .unexpectedCharacter, 0, "unexpected character `.` at offset 0: expected a value"),
              ("+1", .unexpectedCharacter, 0, "unexpected character `+` at offset 0: expected a value"),
              ("01", .trailingCharacters, 1, "unexpected character `1` after the JSON value at offset 1"),
              ("-01", .trailingCharacters, 2, "unexpected character `1` after the JSON value at offset 2"),
              ("1 2", .trailingCharacters, 2, "unexpected character `2` after the JSON value at offset 2"),
              ("{} x", .trailingCharacters, 3, "unexpected character `x` after the JSON value at offset 3"),
              ("[1]]", .trailingCharacters, 3, "unexpected character `]` after the JSON value at offset 3"),
              ("1\u{0}", .trailingCharacters, 1, "unexpected control character 0x00 after the JSON value at offset 1"),
              ("/*c*/1", .unexpectedCharacter, 0, "unexpected character `/` at offset 0: expected a value"),
              ("[1,/*c*/2]", .unexpectedCharacter, 3, "unexpected character `/` at offset 3: expected a value"),
              ("\"é", .unterminatedString, 0, "unterminated string starting at offset 0"),
              ("[é]", .unexpectedCharacter, 1, "unexpected character `é` (U+00E9) at offset 1: expected a value"),
          ] as [(String, JSONError.Reason, Int, String)])
    func errors(input: String, reason: JSONError.Reason, offset: Int, message: String) {
        let error = parseError(Array(input.utf8))
        #expect(error == JSONError(reason, offset: offset, message: message), "input: \(input.debugDescription)")
        #expect(error?.description == message)
    }

    @Test("numbers are the correctly rounded Double",
          arguments: [
              "0", "-0", "1", "-1", "0.1", "0.5", "1e21", "1E21", "1e+21", "1e-7", "1.5e-7", "123.456", "-123.456e-2",
              "5e-324", "4.9406564584124654e-324", "2.2250738585072011e-308", "2.2250738585072014e-308",
              "1.7976931348623157e308", "1.7976931348623158e308", "9007199254740993", "9007199254740995",
              "123456789012345678901234567890", "0.30000000000000004", "0.3000000000000000444089209850062616169452667236328125",
              "1e22", "1e23", "8.98846567431158e307", "3.14159265358979323846264338327950288", "0.000001",
              "100000000000000000000000", "1e-400", "-1e-400", "1e400", "-1e400", "1e99999999999", "123.456e-310",
              "999999999999999", "9999999999999999", "99999999999999999999", "0.1e1", "10e-1", "7e-23", "7e22",
          ])
    func numbers(text: String) throws {
        let v = try parse(text)
        let expected = Double(text)!
        guard case .number(let d) = v else {
            Issue.record("not a number")
            return
        }
        #expect(d.bitPattern == expected.bitPattern, "\(text): got \(d), expected \(expected)")
    }

    @Test("-0 keeps its sign; 1e400 is Infinity and serializes as null like Node")
    func specialNumbers() throws {
        #expect(try parse("-0").doubleValue?.sign == .minus)
        #expect(try parse("-0.0e5").doubleValue?.sign == .minus)
        #expect(try parse("1e400").doubleValue == .infinity)
        #expect(try parse("[1e400,-1e400,1e-400]").serializedString() == "[null,null,0]")
    }

    @Test("duplicate keys: last value wins at the first key's position")
    func duplicateKeys() throws {
        let v = try parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(v.objectValue?.keys == ["a", "b"])
        #expect(v["a"] == 3)
        #expect(v.serializedString() == #"{"a":3,"b":2}"#)
        // Large object (hash-index path), duplicates spread around.
        var text = "{"
        for i in 0..<100 { text += "\"k\(i)\":\(i)," }
        text += #""k5":"five","k99":"last","new":true}"#
        let big = try parse(text)
        #expect(big.objectValue?.count == 101)
        #expect(big["k5"] == "five")
        #expect(big["k99"] == "last")
        #expect(big.objectValue?.keys.last == "new")
        #expect(big.objectValue?.keys[5] == "k5")
        // Keys that are canonically equivalent in Swift but different JS strings stay distinct.
        let nfc = try parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(nfc.objectValue?.count == 2)
        #expect(nfc["\u{E9}"] == 1)
        #expect(nfc["e\u{301}"] == 2)
    }

    @Test("nesting depth limit")
    func depthLimit() throws {
        let depth = JSONParser.defaultMaxDepth
        let ok = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        let value = try parse(bytes: ok)
        #expect(value.serialized() == ok)

        let tooDeep = Array(repeating: UInt8(ascii: "["), count: depth + 1) + Array(repeating: UInt8(ascii: "]"), count: depth + 1)
        let e = parseError(tooDeep)
        #expect(e == JSONError(.nestingTooDeep, offset: depth, message: "nesting depth exceeds the maximum of \(depth) at offset \(depth)"))

        // Objects count too, and the limit is configurable.
        let objects = Array(#"{"a":{"b":[{}]}}"#.utf8)
        #expect(parseError(objects, maxDepth: 4) == nil)
        #expect(parseError(objects, maxDepth: 3) == JSONError(.nestingTooDeep, offset: 11, message: "nesting depth exceeds the maximum of 3 at offset 11"))
        // Unclosed deep input fails cleanly (no recursion).
        #expect(parseError(Array(repeating: UInt8(ascii: "["), count: 5000))?.reason == .unexpectedEndOfInput)
    }

    @Test("big inputs: 1 MiB strings, with and without escapes, and a big array")
    func bigInputs() throws {
        let mib = 1 << 20
        let plain = String(repeating: "abcdefgh", count: mib / 8)
        let v1 = try parse("\"" + plain + "\"")
        #expect(v1.stringValue?.utf8.count == mib)
        #expect(v1 == .string(plain))

        let unit = "x\\n\\u00e9😀\\\"" // 14 bytes of JSON text per unit
        let escaped = String(repeating: unit, count: mib / 14)
        let v2 = try parse("\"" + escaped + "\"")
        #expect(v2.stringValue == String(repeating: "x\né😀\"", count: mib / 14))
        #expect(v2.serializedString() == "\"" + String(repeating: "x\\né😀\\\"", count: mib / 14) + "\"")

        let numbers = (0..<100_000).map { Double($0) * 1.25 }
        let text = "[" + numbers.map { JSNumberFormatting.string($0) }.joined(separator: ",") + "]"
        let v3 = try parse(text)
        #expect(v3.arrayValue?.count == 100_000)
        #expect(v3[99_999]?.doubleValue == 99_999 * 1.25)
        #expect(v3.serializedString() == text)
    }

    @Test("accepts any byte collection")
    func collections() throws {
        let text = #" {"k":[1,"é"]} "#
        let expected: JSONValue = ["k": [1, "é"]]
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
        #expect(try JSONParser.parse(text.utf8) == expected)
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(text.utf8.lazy.map { $0 }) == expected) // non-contiguous: copied
        let fromRaw = Array(text.utf8).withUnsafeBytes { raw in Result { () throws(JSONError) in try JSONParser.parse(raw) } }
        #expect(try fromRaw.get() == expected)
        #expect(parseError([])?.reason == .unexpectedEndOfInput)
    }

    @Test("parse(serialize(x)) == x for the Node table")
    func roundTripTable() throws {
        func hasNonFinite(_ v: JSONValue) -> Bool {
            switch v {
            case .number(let d): return !d.isFinite
            case .array(let a): return a.contains(where: hasNonFinite)
            case .object(let o): return o.values.contains(where: hasNonFinite)
            default: return false
            }
        }
        for (value, expected) in nodeStringifyTable {
            let reparsed = try JSONValue(parsing: value.serialized())
            #expect(reparsed.serializedString() == expected)
            // NaN/Infinity serialize as null by design, so only finite values compare equal.
            if !hasNonFinite(value) {
                #expect(reparsed == value, "\(expected)")
            }
        }
    }
}
