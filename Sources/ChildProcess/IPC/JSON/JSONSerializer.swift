/// Writes a `JSONValue` exactly as Node's `JSON.stringify(value)` does (no
/// indentation), as UTF-8 bytes:
///
/// - no whitespace; object members in insertion order;
/// - strings: `"` → `\"`, `\` → `\\`, `\b \f \n \r \t`, other code units below
///   0x20 as `\u00XX`, lone surrogates as `\udXXX` (lowercase hex); everything
///   else raw UTF-8 (including `/`, DEL, U+2028/U+2029);
/// - numbers as `Number.prototype.toString` (see `JSNumberFormatting`); NaN and
///   ±Infinity as `null`; `-0` as `0`.
public enum JSONSerializer {
    /// Appends `JSON.stringify(value)` to `out`.
    ///
    /// Iterative, like the parser: with a frame per level of nesting, the 10,000 levels the parser
    /// accepts took 8.3 MB of stack in a debug build (within 70 KB of a thread's 8 MiB), 14 MB under
    /// AddressSanitizer and 1.3 MB in a release build (past a 512 KiB thread's).
    public static func serialize(_ value: JSONValue, into out: inout [UInt8]) {
        var open: [OpenContainer] = []
        var value = value
        while true {
            switch value {
            case .null:
                appendASCII("null", &out)
            case .bool(let b):
                appendASCII(b ? "true" : "false", &out)
            case .number(let d):
                JSNumberFormatting.appendJSON(d, to: &out)
            case .string(let s):
                appendString(s, to: &out)
            case .array(let a):
                out.append(0x5B)
                open.append(.array(a, next: 0))
            case .object(let o):
                out.append(0x7B)
                open.append(.object(o.entries, next: 0))
            }
            guard let following = nextValue(in: &open, &out) else { return }
            value = following
        }
    }

    /// An array or object written up to its member `next`.
    private enum OpenContainer {
        case array([JSONValue], next: Int)
        case object([JSONObject.Element], next: Int)
    }

    /// The next value to write: the innermost open container's next member, after its separator
    /// (and key). Closes each container that has none left; nil once the outermost is closed.
    private static func nextValue(in open: inout [OpenContainer], _ out: inout [UInt8]) -> JSONValue? {
        while let innermost = open.last {
            switch innermost {
            case .array(let elements, let next):
                if next < elements.count {
                    if next > 0 { out.append(0x2C) }
                    open[open.count - 1] = .array(elements, next: next + 1)
                    return elements[next]
                }
                out.append(0x5D)
            case .object(let members, let next):
                if next < members.count {
                    if next > 0 { out.append(0x2C) }
                    appendString(members[next].key, to: &out)
                    out.append(0x3A)
                    open[open.count - 1] = .object(members, next: next + 1)
                    return members[next].value
                }
                out.append(0x7D)
            }
            open.removeLast()
        }
        return nil
    }

    @inline(__always)
    static func appendASCII(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends the escape for an ASCII byte that needs one (`"`, `\`, < 0x20).
    @inline(__always)
    private static func appendEscape(_ b: UInt8, _ out: inout [UInt8]) {
        switch b {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        default: appendUnicodeEscape(UInt16(b), &out)
        }
    }

    /// `\uxxxx`, lowercase hex.
    private static func appendUnicodeEscape(_ u: UInt16, _ out: inout [UInt8]) {
        let hex = hexDigits.utf8Start
        out.append(0x5C)
        out.append(0x75)
        out.append(hex[Int(u >> 12)])
        out.append(hex[Int(u >> 8 & 0xF)])
        out.append(hex[Int(u >> 4 & 0xF)])
        out.append(hex[Int(u & 0xF)])
    }

    /// Appends a quoted, escaped JS string.
    static func appendString(_ s: JSONString, to out: inout [UInt8]) {
        out.append(0x22)
        switch s.storage {
        case .text(let text):
            let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendEscapedUTF8($0, &out) }
            if done == nil {
                Array(text.utf8).withUnsafeBufferPointer { appendEscapedUTF8($0, &out) }
            }
        case .utf16(let units):
            appendEscapedUTF16(units, &out)
        }
        out.append(0x22)
    }

    private static func appendEscapedUTF8(_ buf: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        let n = buf.count
        guard n > 0 else { return }
        let raw = UnsafeRawPointer(buf.baseAddress!)
        var segmentStart = 0
        var j = 0
        while true {
            while j + 8 <= n, !_jsonWordNeedsAttention(raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) {
                j += 8
            }
            guard j < n else { break }
            let b = buf[j]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                j += 1
                continue
            }
            if segmentStart < j { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[segmentStart..<j])) }
            appendEscape(b, &out)
            j += 1
            segmentStart = j
        }
        if segmentStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[segmentStart..<n])) }
    }

    private static func appendEscapedUTF16(_ units: [UInt16], _ out: inout [UInt8]) {
        var i = 0
        let n = units.count
        while i < n {
            let u = units[i]
            if u < 0x80 {
                let b = UInt8(u)
                if b < 0x20 || b == 0x22 || b == 0x5C { appendEscape(b, &out) } else { out.append(b) }
                i += 1
            } else if u < 0x800 {
                out.append(UInt8(0xC0 | u >> 6))
                out.append(UInt8(0x80 | u & 0x3F))
                i += 1
            } else if u & 0xF800 == 0xD800 {
                if u < 0xDC00, i + 1 < n, units[i + 1] & 0xFC00 == 0xDC00 {
                    let scalar = 0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(units[i + 1] - 0xDC00)
                    out.append(UInt8(0xF0 | scalar >> 18))
                    out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                    out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                    out.append(UInt8(0x80 | scalar & 0x3F))
                    i += 2
                } else {
                    appendUnicodeEscape(u, &out) // lone surrogate
                    i += 1
                }
            } else {
                out.append(UInt8(0xE0 | u >> 12))
                out.append(UInt8(0x80 | u >> 6 & 0x3F))
                out.append(UInt8(0x80 | u & 0x3F))
                i += 1
            }
        }
    }
}
