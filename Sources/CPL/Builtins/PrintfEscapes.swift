/// The backslash escapes of printf's format and of its `%b` operands, as Debian's dash 0.5.12
/// reads them: `\\ \a \b \e \f \n \r \t \v`, and octal `\NNN` (one to three digits, the value
/// taken modulo 256). Any other backslash stands for itself and the byte after it is read as if
/// no backslash were there (so `\%d` is a backslash then a conversion). `%b` adds `\0NNN` (a `0`
/// before up to three octal digits is dropped) and `\c`, which ends all output.
enum PrintfEscapes {
    /// The byte the escape at `index` stands for (`text[index]` is the byte after the backslash,
    /// if any) and how many bytes after the backslash it takes.
    static func decode(_ text: [UInt8], at index: Int) -> (byte: UInt8, length: Int) {
        guard index < text.count else { return (backslash, 0) }
        switch text[index] {
        case backslash: return (backslash, 1)
        case UInt8(ascii: "a"): return (0x07, 1)
        case UInt8(ascii: "b"): return (0x08, 1)
        case UInt8(ascii: "e"): return (0x1B, 1)
        case UInt8(ascii: "f"): return (0x0C, 1)
        case UInt8(ascii: "n"): return (0x0A, 1)
        case UInt8(ascii: "r"): return (0x0D, 1)
        case UInt8(ascii: "t"): return (0x09, 1)
        case UInt8(ascii: "v"): return (0x0B, 1)
        case let digit where isOctalDigit(digit):
            var value = 0
            var length = 0
            while length < 3, index + length < text.count, isOctalDigit(text[index + length]) {
                value = value << 3 + Int(text[index + length] - UInt8(ascii: "0"))
                length += 1
            }
            return (UInt8(truncatingIfNeeded: value), length)
        default: return (backslash, 0)
        }
    }

    /// `%b`'s expansion of `operand`, and whether a `\c` ended it.
    static func expand(_ operand: [UInt8]) -> (bytes: [UInt8], stops: Bool) {
        var bytes: [UInt8] = []
        var index = 0
        while index < operand.count {
            let byte = operand[index]
            index += 1
            guard byte == backslash else {
                bytes.append(byte)
                continue
            }
            if index < operand.count {
                if operand[index] == UInt8(ascii: "c") { return (bytes, true) }
                if operand[index] == UInt8(ascii: "0"), index + 1 < operand.count, isOctalDigit(operand[index + 1]) {
                    index += 1
                }
            }
            let escape = decode(operand, at: index)
            bytes.append(escape.byte)
            index += escape.length
        }
        return (bytes, false)
    }

    private static let backslash = UInt8(ascii: "\\")

    private static func isOctalDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte)
    }
}
