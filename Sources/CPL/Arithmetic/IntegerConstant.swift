/// C integer constants as dash reads them, which is glibc's `strtoimax` with
/// base 0: `0x`/`0X` and a hex digit start hexadecimal, another leading `0`
/// octal, anything else decimal; reading stops at the first byte that is not
/// a digit of the base (so `08` is `0` followed by `8`, and `0x` is `0`
/// followed by `x`).
enum IntegerConstant {
    /// The digits at `start`, which must hold a decimal digit.
    ///
    /// - Returns: their value, or nil when it exceeds `UInt64.max`, and the
    ///   index after the last digit.
    static func scan<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, from start: Int
    ) -> (magnitude: UInt64?, end: Int) where Bytes.Index == Int {
        var index = start
        var base: UInt64 = 10
        if bytes[index] == UInt8(ascii: "0") {
            base = 8
            let x = index + 1
            if x < bytes.endIndex, bytes[x] | 0x20 == UInt8(ascii: "x"),
                x + 1 < bytes.endIndex, digitValue(bytes[x + 1]) < 16
            {
                base = 16
                index = x + 1
            }
        }
        var magnitude: UInt64 = 0
        var overflowed = false
        while index < bytes.endIndex {
            let digit = digitValue(bytes[index])
            guard digit < base else { break }
            let (product, productOverflow) = magnitude.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = product.addingReportingOverflow(digit)
            overflowed = overflowed || productOverflow || sumOverflow
            magnitude = sum
            index += 1
        }
        return (overflowed ? nil : magnitude, index)
    }

    /// A literal in an expression, from its magnitude: as `strtoimax` does,
    /// one too large for `Int64` becomes `Int64.max`.
    static func literal(_ magnitude: UInt64?) -> Int64 {
        guard let magnitude, magnitude <= UInt64(Int64.max) else { return .max }
        return Int64(magnitude)
    }

    /// The value of a variable used in an expression, as dash's
    /// `atomax(value, 0)`: optional blanks, an optional sign, a constant,
    /// optional blanks. Empty or blank text is 0.
    ///
    /// - Returns: nil when the text is anything else, or out of range.
    static func variableValue(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { variableValue(bytes: $0) }
    }

    private static func variableValue(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return 0 }
        let isNegative = bytes[index] == UInt8(ascii: "-")
        if isNegative || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < bytes.count, digitValue(bytes[index]) < 10 else { return nil }
        let (magnitude, end) = scan(bytes, from: index)
        index = end
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index == bytes.count, let magnitude else { return nil }
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// `isspace` in the C locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D)
    }

    /// 0–35 for `0-9`, `a-z`, `A-Z`; 99 for any other byte.
    private static func digitValue(_ byte: UInt8) -> UInt64 {
        let decimal = byte &- UInt8(ascii: "0")
        if decimal < 10 { return UInt64(decimal) }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 26 ? UInt64(letter) + 10 : 99
    }
}
