/// A JSON syntax error: what went wrong and the byte offset where it was found
/// (0-based, counted in the bytes given to the parser, i.e. within the line for
/// `JSONLineDecoder`).
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// A byte that cannot start/continue the expected token (incl. trailing commas).
        case unexpectedCharacter
        /// The input ended where more was expected (including empty input).
        case unexpectedEndOfInput
        /// A string's closing quote is missing.
        case unterminatedString
        /// A raw control character (< 0x20) inside a string.
        case controlCharacterInString
        /// `\` followed by a character that is not an escape.
        case invalidEscape
        /// `\u` not followed by four hex digits.
        case invalidUnicodeEscape
        /// A malformed number (`-`, `1.`, `1e`).
        case invalidNumber
        /// Something other than whitespace after the value.
        case trailingCharacters
        /// Arrays/objects nested deeper than the parser's `maxDepth`.
        case nestingTooDeep
    }

    public var reason: Reason
    /// Byte offset of the problem.
    public var offset: Int
    /// A human-readable message that includes the offset.
    public var message: String

    public init(_ reason: Reason, offset: Int, message: String) {
        self.reason = reason
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}

extension JSONError {
    /// A short description of the character starting at `offset`.
    static func describeCharacter(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        let b = bytes[offset]
        if b >= 0x21 && b < 0x7F { return "character `\(Character(Unicode.Scalar(b)))`" }
        if b == 0x20 { return "space" }
        if b < 0x80 { return "control character 0x" + hex2(b) }
        // Try to decode one scalar so the message shows it.
        var it = bytes[offset..<min(bytes.count, offset + 4)].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let s) = decoder.decode(&it) {
            let hex = String(s.value, radix: 16, uppercase: true)
            return "character `\(Character(s))` (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
        }
        return "invalid UTF-8 byte 0x" + hex2(b)
    }

    static func hex2(_ b: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
