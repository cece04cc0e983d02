/// One token of an arithmetic expression, split as dash's `yylex` does:
/// longest operator first (`<<=` before `<<` before `<`), no `++`, `--`,
/// `**` or `,` (so `x++` is `x`, `+`, `+`).
struct ArithmeticToken: Equatable {
    enum Kind: Equatable {
        case number(Int64)
        case name
        /// Also `+` and `-` used as unary operators.
        case binary(ArithmeticExpression.BinaryOperator)
        /// `=` (nil) or `op=`.
        case assignment(ArithmeticExpression.BinaryOperator?)
        /// `!`
        case not
        /// `~`
        case complement
        case questionMark
        case colon
        case open
        case close
        case end
        /// A byte that starts no token.
        case unknown
    }

    var kind: Kind
    /// Byte offsets of the token's text.
    var start: Int
    var end: Int

    /// The token at or after `position` (blanks skipped: space, tab, newline).
    static func next(in bytes: [UInt8], at position: Int) -> ArithmeticToken {
        var start = position
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t")
            || bytes[start] == UInt8(ascii: "\n")
        {
            start += 1
        }
        guard start < bytes.count else { return ArithmeticToken(kind: .end, start: start, end: start) }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func token(_ kind: Kind, length: Int) -> ArithmeticToken {
            ArithmeticToken(kind: kind, start: start, end: start + length)
        }
        /// `op`, or `op=` when `=` follows its `length` bytes.
        func operatorOrAssignment(_ op: ArithmeticExpression.BinaryOperator, length: Int) -> ArithmeticToken {
            byte(start + length) == UInt8(ascii: "=")
                ? token(.assignment(op), length: length + 1) : token(.binary(op), length: length)
        }

        let first = bytes[start]
        let second = byte(start + 1)
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (magnitude, end) = IntegerConstant.scan(bytes, from: start)
            return ArithmeticToken(kind: .number(IntegerConstant.literal(magnitude)), start: start, end: end)
        case _ where Parser.isNameStart(first):
            var end = start + 1
            while Parser.isNameCharacter(byte(end)) { end += 1 }
            return ArithmeticToken(kind: .name, start: start, end: end)
        case UInt8(ascii: "="):
            return second == UInt8(ascii: "=")
                ? token(.binary(.equal), length: 2) : token(.assignment(nil), length: 1)
        case UInt8(ascii: "!"):
            return second == UInt8(ascii: "=") ? token(.binary(.notEqual), length: 2) : token(.not, length: 1)
        case UInt8(ascii: "<"):
            if second == UInt8(ascii: "<") { return operatorOrAssignment(.shiftLeft, length: 2) }
            return second == UInt8(ascii: "=")
                ? token(.binary(.lessOrEqual), length: 2) : token(.binary(.less), length: 1)
        case UInt8(ascii: ">"):
            if second == UInt8(ascii: ">") { return operatorOrAssignment(.shiftRight, length: 2) }
            return second == UInt8(ascii: "=")
                ? token(.binary(.greaterOrEqual), length: 2) : token(.binary(.greater), length: 1)
        case UInt8(ascii: "&"):
            return second == UInt8(ascii: "&")
                ? token(.binary(.logicalAnd), length: 2) : operatorOrAssignment(.bitwiseAnd, length: 1)
        case UInt8(ascii: "|"):
            return second == UInt8(ascii: "|")
                ? token(.binary(.logicalOr), length: 2) : operatorOrAssignment(.bitwiseOr, length: 1)
        case UInt8(ascii: "^"): return operatorOrAssignment(.bitwiseXor, length: 1)
        case UInt8(ascii: "*"): return operatorOrAssignment(.multiply, length: 1)
        case UInt8(ascii: "/"): return operatorOrAssignment(.divide, length: 1)
        case UInt8(ascii: "%"): return operatorOrAssignment(.remainder, length: 1)
        case UInt8(ascii: "+"): return operatorOrAssignment(.add, length: 1)
        case UInt8(ascii: "-"): return operatorOrAssignment(.subtract, length: 1)
        case UInt8(ascii: "~"): return token(.complement, length: 1)
        case UInt8(ascii: "?"): return token(.questionMark, length: 1)
        case UInt8(ascii: ":"): return token(.colon, length: 1)
        case UInt8(ascii: "("): return token(.open, length: 1)
        case UInt8(ascii: ")"): return token(.close, length: 1)
        default: return token(.unknown, length: 1)
        }
    }
}
