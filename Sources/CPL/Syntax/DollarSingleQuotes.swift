import ChildProcess

// `$'…'` (POSIX.1-2024, bash): single quotes in which backslash escapes are decoded when the script
// is parsed. The result is quoted text, like `'…'`. Escapes, as bash: \a \b \e \E \f \n \r \t \v
// \\ \' \" \?, \NNN (1-3 octal digits), \xHH (1-2 hex), \uHHHH (1-4), \UHHHHHHHH (1-8), \cX
// (control-X). Any other backslash stays. A NUL (`\0`) ends the text (later characters of the
// quotes are dropped), as in bash: no argument or variable can hold one. The bytes are exact:
// `$'\xff'` is the byte 0xFF.

extension Parser {
    /// `$'…'` at `position` (which holds `$`).
    mutating func scanDollarSingleQuoted() throws(ParseError) -> WordPart {
        let open = position
        var index = open + 2
        var bytes: [UInt8] = []
        var endedByNUL = false
        func hexValue(_ byte: UInt8?) -> UInt32? {
            guard let byte, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
            return UInt32(digit)
        }
        while let byte = byte(at: index), byte != UInt8(ascii: "'") {
            guard byte == UInt8(ascii: "\\"), let escape = self.byte(at: index + 1) else {
                let (_, length) = character(at: index)
                if !endedByNUL { bytes += text(index, index + length).losslessBytes }
                index += length
                continue
            }
            index += 2
            var decoded: [UInt8]
            switch escape {
            case UInt8(ascii: "a"): decoded = [0x07]
            case UInt8(ascii: "b"): decoded = [0x08]
            case UInt8(ascii: "e"), UInt8(ascii: "E"): decoded = [0x1B]
            case UInt8(ascii: "f"): decoded = [0x0C]
            case UInt8(ascii: "n"): decoded = [0x0A]
            case UInt8(ascii: "r"): decoded = [0x0D]
            case UInt8(ascii: "t"): decoded = [0x09]
            case UInt8(ascii: "v"): decoded = [0x0B]
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): decoded = [escape]
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(escape - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, let next = self.byte(at: index), (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(next) {
                    value = value * 8 + UInt32(next - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                decoded = [UInt8(truncatingIfNeeded: value)]
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let maximum = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
                var value: UInt32 = 0
                var digits = 0
                while digits < maximum, let digit = hexValue(self.byte(at: index)) {
                    value = value &* 16 &+ digit
                    index += 1
                    digits += 1
                }
                if digits == 0 {
                    decoded = [UInt8(ascii: "\\"), escape]
                } else if escape == UInt8(ascii: "x") {
                    decoded = [UInt8(value)]
                } else {
                    // A value that is no Unicode scalar (a surrogate, above U+10FFFF) stays as written.
                    decoded = Unicode.Scalar(value).map { Array(String($0).utf8) } ?? Array(text(index - digits - 2, index).utf8)
                }
            case UInt8(ascii: "c"):
                guard let control = self.byte(at: index), control != UInt8(ascii: "'") else {
                    decoded = [UInt8(ascii: "\\"), escape]
                    break
                }
                index += 1
                decoded = [control == UInt8(ascii: "?") ? 0x7F : (control & 0x1F)]
            default:
                decoded = [UInt8(ascii: "\\")]
                index -= 1
            }
            if let nul = decoded.firstIndex(of: 0) {
                decoded.removeSubrange(nul...)
                if !endedByNUL { bytes += decoded }
                endedByNUL = true
            } else if !endedByNUL {
                bytes += decoded
            }
        }
        guard index < self.bytes.count else {
            throw error(
                "unterminated `$'` quote", at: open, incomplete: true,
                label: "quote opened here", note: "the input ended before the closing `'`")
        }
        position = index + 1
        return .singleQuoted(String(losslessBytes: bytes))
    }
}
