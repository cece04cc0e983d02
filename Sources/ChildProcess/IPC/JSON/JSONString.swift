/// A JavaScript string: a sequence of UTF-16 code units that may contain lone
/// (unpaired) surrogates.
///
/// Swift's `String` can only hold well-formed Unicode, but a JS string can hold
/// anything, e.g. `"\ud800"`. `JSON.stringify` writes such code units as `\udXXX`
/// escapes and `JSON.parse` reads them back, so to round-trip every message
/// exactly `JSONString` has two storages:
///
/// - **text** (the usual case): a well-formed Swift `String`;
/// - **utf16**: the raw UTF-16 code units, used *only* when the string contains
///   at least one lone surrogate.
///
/// The storage is canonical (a well-formed string is always stored as text), so
/// two `JSONString`s are equal exactly when their code-unit sequences are equal.
///
/// Equality and hashing compare code units exactly, like JS `===`; they do
/// **not** use Swift's Unicode canonical equivalence (`"\u{E9}"` and
/// `"e\u{301}"` are different JS strings, and different object keys).
///
/// `string` gives the Swift `String` view, with every lone surrogate replaced by
/// U+FFFD (what `TextDecoder`/`Buffer.toString` would do).
public struct JSONString: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible, CustomDebugStringConvertible {
    enum Storage: Sendable {
        case text(String)
        /// Only used when the code units contain a lone surrogate.
        case utf16([UInt16])
    }

    var storage: Storage

    /// A JS string holding the (always well-formed) contents of `string`.
    public init(_ string: String) {
        storage = .text(string)
    }

    public init(stringLiteral value: String) {
        storage = .text(value)
    }

    /// A JS string made of arbitrary UTF-16 code units (lone surrogates allowed).
    public init<S: Sequence<UInt16>>(utf16CodeUnits units: S) {
        let array = Array(units)
        if JSONString.containsLoneSurrogate(array) {
            storage = .utf16(array)
        } else {
            storage = .text(String(decoding: array, as: UTF16.self))
        }
    }

    /// The Swift string; lone surrogates become U+FFFD (lossy only then).
    public var string: String {
        switch storage {
        case .text(let s): return s
        case .utf16(let units): return String(decoding: units, as: UTF16.self)
        }
    }

    /// `false` when the string contains a lone surrogate (then `string` is lossy).
    public var isWellFormed: Bool {
        if case .text = storage { return true }
        return false
    }

    /// The UTF-16 code units, exactly as JS sees them.
    public var utf16CodeUnits: [UInt16] {
        switch storage {
        case .text(let s): return Array(s.utf16)
        case .utf16(let units): return units
        }
    }

    /// The JS `length` (number of UTF-16 code units).
    public var utf16Count: Int {
        switch storage {
        case .text(let s): return s.utf16.count
        case .utf16(let units): return units.count
        }
    }

    public var description: String { string }

    public var debugDescription: String {
        var out: [UInt8] = []
        JSONSerializer.appendString(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func == (lhs: JSONString, rhs: JSONString) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.text(let a), .text(let b)): return utf8Equal(a, b)
        case (.utf16(let a), .utf16(let b)): return a == b
        default: return false // canonical storage: one has a lone surrogate, the other not
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .text(let s):
            let utf8 = s.utf8
            hasher.combine(utf8.count)
            let done: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if done == nil { for b in utf8 { hasher.combine(b) } }
        case .utf16(let units):
            hasher.combine(units.count)
            hasher.combine(0xD800 as UInt16) // distinguish from text storage
            units.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    static func utf8Equal(_ a: String, _ b: String) -> Bool {
        let au = a.utf8, bu = b.utf8
        guard au.count == bu.count else { return false }
        let fast: Bool?? = au.withContiguousStorageIfAvailable { pa in
            bu.withContiguousStorageIfAvailable { pb in
                pa.elementsEqual(pb)
            }
        }
        if let fast, let fast { return fast }
        return au.elementsEqual(bu)
    }

    static func containsLoneSurrogate(_ units: [UInt16]) -> Bool {
        var i = 0
        let n = units.count
        while i < n {
            let u = units[i]
            if u & 0xF800 == 0xD800 {
                if u < 0xDC00, i + 1 < n, units[i + 1] & 0xFC00 == 0xDC00 {
                    i += 2
                    continue
                }
                return true
            }
            i += 1
        }
        return false
    }
}

extension JSONString: Codable {
    /// Decodes from a string. `JSONValueDecoder` passes the exact code units through.
    public init(from decoder: any Decoder) throws {
        if let impl = decoder as? _JSONValueDecoderImpl, case .string(let s) = impl.value {
            self = s
            return
        }
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as a string. `JSONValueEncoder` keeps lone surrogates; other
    /// encoders receive `string` (lone surrogates replaced by U+FFFD).
    public func encode(to encoder: any Encoder) throws {
        if let impl = encoder as? _JSONValueEncoderImpl {
            impl.node = .value(.string(self))
            return
        }
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
