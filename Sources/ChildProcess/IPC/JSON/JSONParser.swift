/// Strict JSON parser (RFC 8259, as `JSON.parse` accepts it) from UTF-8 bytes.
///
/// - Whitespace is space, tab, CR, LF only; no BOM, comments or trailing commas.
/// - Numbers follow the JSON grammar and become the correctly rounded `Double`
///   (overflow → ±Infinity, like JS).
/// - Duplicate keys: the last value wins at the position of the first, like JS.
/// - `\uXXXX` escapes: surrogate pairs combine; lone surrogates are preserved
///   (see `JSONString`).
/// - Invalid UTF-8 is replaced by U+FFFD exactly as Node's UTF-8 decoder does
///   (maximal-subpart replacement); it is an error only outside strings, where any
///   non-ASCII byte is.
/// - Iterative (no recursion), so nesting depth is limited only by `maxDepth`.
public enum JSONParser {
    /// Default limit on array/object nesting. (Node's `JSON.stringify` cannot even
    /// produce more than ~4,000 levels.)
    public static let defaultMaxDepth = 10_000

    /// Parses exactly one JSON text (surrounded by optional whitespace).
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONError(.unexpectedEndOfInput, offset: 0, message: "unexpected end of input at offset 0: expected a value")
        }
        let typed = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        var parser = _JSONParserCore(bytes: typed, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses exactly one JSON text from any byte collection (contiguous ones are not copied).
    public static func parse<C: Collection<UInt8>>(_ bytes: C, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        let result: Result<JSONValue, JSONError>? = bytes.withContiguousStorageIfAvailable { buf in
            Result { () throws(JSONError) -> JSONValue in try parse(UnsafeRawBufferPointer(buf), maxDepth: maxDepth) }
        }
        if let result { return try result.get() }
        let array = Array(bytes)
        return try array.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try parse(raw, maxDepth: maxDepth) }
        }.get()
    }

    /// Parses exactly one JSON text from a string (its UTF-8 bytes).
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(text.utf8, maxDepth: maxDepth)
    }
}

// MARK: - Implementation

private let asciiQuote: UInt8 = 0x22
private let asciiBackslash: UInt8 = 0x5C

/// Exact test: does the 8-byte word contain `"`, `\` or a byte < 0x20?
@inline(__always)
func _jsonWordNeedsAttention(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let q = w ^ (ones &* 0x22)
    let b = w ^ (ones &* 0x5C)
    let hasQuote = (q &- ones) & ~q
    let hasBackslash = (b &- ones) & ~b
    let hasControl = (w &- ones &* 0x20) & ~w
    return (hasQuote | hasBackslash | hasControl) & highs != 0
}

/// Exact powers of ten representable as Double (Clinger's fast path).
private let exactPowersOf10: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

struct _JSONParserCore {
    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    let maxDepth: Int
    var i = 0
    private var values: [JSONValue] = []
    private var keys: [JSONString] = []
    private var frames: [Frame] = []
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
        values.reserveCapacity(32)
        keys.reserveCapacity(16)
        frames.reserveCapacity(8)
    }

    // MARK: Errors

    private func unexpected(_ expected: String) -> JSONError {
        if i >= end { return endOfInput(expected) }
        return JSONError(.unexpectedCharacter, offset: i,
                         message: "unexpected \(JSONError.describeCharacter(in: bytes, at: i)) at offset \(i): \(expected)")
    }

    private func endOfInput(_ expected: String) -> JSONError {
        JSONError(.unexpectedEndOfInput, offset: end, message: "unexpected end of input at offset \(end): \(expected)")
    }

    // MARK: Driver

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < end {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        let value = try parseValueTree()
        skipWhitespace()
        if i < end {
            throw JSONError(.trailingCharacters, offset: i,
                            message: "unexpected \(JSONError.describeCharacter(in: bytes, at: i)) after the JSON value at offset \(i)")
        }
        return value
    }

    private mutating func pushFrame(isObject: Bool) throws(JSONError) {
        if frames.count >= maxDepth {
            throw JSONError(.nestingTooDeep, offset: i, message: "nesting depth exceeds the maximum of \(maxDepth) at offset \(i)")
        }
        frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
    }

    /// At a `"` (after optional whitespace): parses `"key" :`.
    private mutating func parseKeyAndColon() throws(JSONError) {
        skipWhitespace()
        guard i < end, bytes[i] == asciiQuote else { throw unexpected("expected a double-quoted property name") }
        keys.append(try parseString())
        skipWhitespace()
        guard i < end, bytes[i] == 0x3A else { throw unexpected("expected `:` after property name") }
        i += 1
    }

    /// Parses one value (with all nested values), iteratively.
    private mutating func parseValueTree() throws(JSONError) -> JSONValue {
        var value: JSONValue
        nextValue: while true {
            skipWhitespace()
            guard i < end else { throw endOfInput("expected a value") }
            switch bytes[i] {
            case 0x7B: // {
                try pushFrame(isObject: true)
                i += 1
                skipWhitespace()
                if i < end && bytes[i] == 0x7D {
                    i += 1
                    frames.removeLast()
                    value = .object(JSONObject())
                } else {
                    guard i < end else { throw endOfInput("expected a property name or `}`") }
                    guard bytes[i] == asciiQuote else { throw unexpected("expected a double-quoted property name or `}`") }
                    try parseKeyAndColon()
                    continue nextValue
                }
            case 0x5B: // [
                try pushFrame(isObject: false)
                i += 1
                skipWhitespace()
                if i < end && bytes[i] == 0x5D {
                    i += 1
                    frames.removeLast()
                    value = .array([])
                } else {
                    continue nextValue
                }
            case asciiQuote:
                value = .string(try parseString())
            case 0x2D, 0x30...0x39:
                value = .number(try parseNumber())
            case 0x74: // t
                try expectLiteral("true")
                value = .bool(true)
            case 0x66: // f
                try expectLiteral("false")
                value = .bool(false)
            case 0x6E: // n
                try expectLiteral("null")
                value = .null
            default:
                throw unexpected("expected a value")
            }

            // `value` is complete: attach it to the enclosing containers.
            while true {
                guard let frame = frames.last else { return value }
                values.append(value)
                skipWhitespace()
                guard i < end else {
                    throw endOfInput(frame.isObject ? "expected `,` or `}` after property value" : "expected `,` or `]` after array element")
                }
                let c = bytes[i]
                if c == 0x2C { // ,
                    i += 1
                    if frame.isObject { try parseKeyAndColon() }
                    continue nextValue
                }
                if frame.isObject {
                    guard c == 0x7D else { throw unexpected("expected `,` or `}` after property value") }
                    i += 1
                    value = .object(JSONObject(keys: keys[frame.keyStart...], values: values[frame.valueStart...]))
                    keys.removeSubrange(frame.keyStart...)
                } else {
                    guard c == 0x5D else { throw unexpected("expected `,` or `]` after array element") }
                    i += 1
                    value = .array(Array(values[frame.valueStart...]))
                }
                values.removeSubrange(frame.valueStart...)
                frames.removeLast()
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let n = literal.utf8CodeUnitCount
        let p = literal.utf8Start
        for k in 0..<n {
            guard i < end else { throw endOfInput("expected `\(literal)`") }
            guard bytes[i] == p[k] else { throw unexpected("expected `\(literal)`") }
            i += 1
        }
    }

    // MARK: Numbers

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    private mutating func parseNumber() throws(JSONError) -> Double {
        let start = i
        var j = i
        var negative = false
        if bytes[j] == 0x2D {
            negative = true
            j += 1
            guard j < end, isDigit(bytes[j]) else {
                i = j
                throw JSONError(.invalidNumber, offset: j, message: "invalid number at offset \(j): no digits after the minus sign")
            }
        }
        var mantissa: UInt64 = 0
        var digitCount = 0 // digits accumulated into `mantissa` (leading zeros included; conservative)
        if bytes[j] == 0x30 {
            j += 1
        } else {
            while j < end, isDigit(bytes[j]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[j] &- 0x30) }
                digitCount += 1
                j += 1
            }
        }
        var fractionDigits = 0
        var isInteger = true
        if j < end && bytes[j] == 0x2E { // .
            isInteger = false
            j += 1
            guard j < end, isDigit(bytes[j]) else {
                i = j
                throw JSONError(.invalidNumber, offset: j, message: "invalid number at offset \(j): no digits after the decimal point")
            }
            while j < end, isDigit(bytes[j]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[j] &- 0x30) }
                digitCount += 1
                fractionDigits += 1
                j += 1
            }
        }
        var exponent = 0
        var exponentTooLarge = false
        if j < end && (bytes[j] | 0x20) == 0x65 { // e or E
            isInteger = false
            j += 1
            var expNegative = false
            if j < end && (bytes[j] == 0x2B || bytes[j] == 0x2D) {
                expNegative = bytes[j] == 0x2D
                j += 1
            }
            guard j < end, isDigit(bytes[j]) else {
                i = j
                throw JSONError(.invalidNumber, offset: j, message: "invalid number at offset \(j): the exponent has no digits")
            }
            while j < end, isDigit(bytes[j]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[j] &- 0x30) } else { exponentTooLarge = true }
                j += 1
            }
            if expNegative { exponent = -exponent }
        }
        i = j

        if digitCount <= 15 && !exponentTooLarge {
            let m = Double(mantissa) // exact: mantissa < 10^15 < 2^53
            if isInteger { return negative ? -m : m }
            let e10 = exponent - fractionDigits
            if e10 >= -22 && e10 <= 22 {
                // One correctly rounded IEEE operation on exact operands.
                let d = e10 < 0 ? m / exactPowersOf10[-e10] : m * exactPowersOf10[e10]
                return negative ? -d : d
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self)
        guard let d = Double(text) else { // cannot happen for grammar-valid text
            throw JSONError(.invalidNumber, offset: start, message: "invalid number at offset \(start)")
        }
        return d
    }

    // MARK: Strings

    /// At the opening quote; on return `i` is just past the closing quote.
    private mutating func parseString() throws(JSONError) -> JSONString {
        let quote = i
        let contentStart = quote + 1
        var j = contentStart
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        while j + 8 <= end, !_jsonWordNeedsAttention(raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) {
            j += 8
        }
        while j < end {
            let b = bytes[j]
            if b == asciiQuote {
                i = j + 1
                return JSONString(String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<j]), as: UTF8.self))
            }
            if b == asciiBackslash { return try parseEscapedString(quote: quote, from: j) }
            if b < 0x20 { throw controlCharacter(at: j) }
            j += 1
        }
        throw unterminatedString(quote)
    }

    private func unterminatedString(_ quote: Int) -> JSONError {
        JSONError(.unterminatedString, offset: quote, message: "unterminated string starting at offset \(quote)")
    }

    private func controlCharacter(at j: Int) -> JSONError {
        JSONError(.controlCharacterInString, offset: j,
                  message: "unescaped control character 0x\(JSONError.hex2(bytes[j])) in string at offset \(j)")
    }

    @inline(__always)
    private func hexValue(_ b: UInt8) -> UInt16? {
        switch b {
        case 0x30...0x39: return UInt16(b &- 0x30)
        case 0x41...0x46: return UInt16(b &- 0x37)
        case 0x61...0x66: return UInt16(b &- 0x57)
        default: return nil
        }
    }

    /// Four hex digits at `at`, or nil.
    private func hex4(at p: Int) -> UInt16? {
        guard p + 4 <= end,
              let a = hexValue(bytes[p]), let b = hexValue(bytes[p + 1]),
              let c = hexValue(bytes[p + 2]), let d = hexValue(bytes[p + 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// Validates and decodes the escape at `j` (a backslash). Returns the code
    /// unit(s) and the index after the escape.
    @inline(__always)
    private func decodeEscape(at j: Int, quote: Int) throws(JSONError) -> (UInt16, Int) {
        guard j + 1 < end else { throw unterminatedString(quote) }
        switch bytes[j + 1] {
        case 0x22: return (0x22, j + 2)
        case 0x5C: return (0x5C, j + 2)
        case 0x2F: return (0x2F, j + 2)
        case 0x62: return (0x08, j + 2)
        case 0x66: return (0x0C, j + 2)
        case 0x6E: return (0x0A, j + 2)
        case 0x72: return (0x0D, j + 2)
        case 0x74: return (0x09, j + 2)
        case 0x75:
            guard let u = hex4(at: j + 2) else {
                throw JSONError(.invalidUnicodeEscape, offset: j,
                                message: "invalid Unicode escape at offset \(j): `\\u` must be followed by four hex digits")
            }
            return (u, j + 6)
        default:
            let what = JSONError.describeCharacter(in: bytes, at: j + 1)
            throw JSONError(.invalidEscape, offset: j, message: "invalid escape sequence at offset \(j): backslash followed by \(what)")
        }
    }

    private mutating func appendRaw(_ from: Int, _ to: Int) {
        if from < to { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to])) }
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Slow path: the string has escapes; `firstEscape` is the first backslash.
    private mutating func parseEscapedString(quote: Int, from firstEscape: Int) throws(JSONError) -> JSONString {
        scratch.removeAll(keepingCapacity: true)
        var segmentStart = quote + 1
        var j = firstEscape
        var hasLoneSurrogate = false
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        while true {
            while j + 8 <= end, !_jsonWordNeedsAttention(raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) {
                j += 8
            }
            guard j < end else { throw unterminatedString(quote) }
            let b = bytes[j]
            if b == asciiQuote {
                appendRaw(segmentStart, j)
                i = j + 1
                break
            }
            if b == asciiBackslash {
                appendRaw(segmentStart, j)
                let (u, afterEscape) = try decodeEscape(at: j, quote: quote)
                var next = afterEscape
                if u & 0xF800 == 0xD800 {
                    // Surrogate: combine with a following `\uDC00-\uDFFF`, else it is lone.
                    if u < 0xDC00, next + 1 < end, bytes[next] == asciiBackslash, bytes[next + 1] == 0x75,
                       let low = hex4(at: next + 2), low & 0xFC00 == 0xDC00
                    {
                        appendUTF8(0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(low - 0xDC00))
                        next += 6
                    } else {
                        hasLoneSurrogate = true
                    }
                } else {
                    appendUTF8(UInt32(u))
                }
                j = next
                segmentStart = j
                continue
            }
            if b < 0x20 { throw controlCharacter(at: j) }
            j += 1
        }
        if hasLoneSurrogate {
            return decodeToUTF16(from: quote + 1, to: i - 1)
        }
        // Raw invalid UTF-8 is repaired here; escape-produced bytes are always
        // complete sequences starting with a lead byte, so they cannot change how
        // a raw invalid sequence is repaired.
        return JSONString(String(decoding: scratch, as: UTF8.self))
    }

    /// Rare path (a lone surrogate escape): decodes already-validated string
    /// content `from..<to` into UTF-16 code units.
    private func decodeToUTF16(from: Int, to: Int) -> JSONString {
        var units: [UInt16] = []
        units.reserveCapacity(to - from)
        var segmentStart = from
        var j = from
        while j < to {
            guard bytes[j] == asciiBackslash else {
                j += 1
                continue
            }
            if segmentStart < j {
                units.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<j]), as: UTF8.self).utf16)
            }
            // Already validated: cannot throw.
            let (u, next) = (try? decodeEscape(at: j, quote: from - 1)) ?? (0xFFFD, j + 2)
            units.append(u)
            j = next
            segmentStart = j
        }
        if segmentStart < to {
            units.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<to]), as: UTF8.self).utf16)
        }
        return JSONString(utf16CodeUnits: units)
    }
}
