import Testing
@testable import CPL

/// One `$((…))` expectation: the expression text, the variables set before
/// (`readOnly` ones are also read-only), and the value plus the variables
/// after, or the error. Values and wording are what dash 0.5.12 gives
/// (`ArithmeticOracleTests` re-checks them when dash is installed); offsets
/// are ours. `dashAgrees` is false for the deliberate deviations.
struct ArithmeticCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        /// The value, and variables that must then hold a value (nil: unset).
        case value(Int64, after: [String: String?])
        case failure(ArithmeticError)
    }

    var expression: String
    var variables: [String: String]
    var readOnly: [String]
    var outcome: Outcome
    var dashAgrees: Bool

    init(
        _ expression: String, with variables: [String: String] = [:], readOnly: [String] = [], is value: Int64,
        after: [String: String?] = [:], dashAgrees: Bool = true
    ) {
        self.expression = expression
        self.variables = variables
        self.readOnly = readOnly
        self.outcome = .value(value, after: after)
        self.dashAgrees = dashAgrees
    }

    init(
        _ expression: String, with variables: [String: String] = [:], readOnly: [String] = [],
        fails kind: ArithmeticError.Kind, _ message: String, at offset: Int, dashAgrees: Bool = true
    ) {
        self.expression = expression
        self.variables = variables
        self.readOnly = readOnly
        self.outcome = .failure(ArithmeticError(kind, message, at: offset))
        self.dashAgrees = dashAgrees
    }

    var testDescription: String {
        let values = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.debugDescription)" }
        return (values + ["$((\(expression.debugDescription)))"]).joined(separator: " ")
    }
}

/// Variables in a dictionary, with read-only names refused as dash refuses them.
struct TestVariables: ArithmeticVariables {
    var values: [String: String]
    var readOnly: Set<String> = []

    func arithmeticValue(of name: String) -> String? { values[name] }

    mutating func assignArithmetic(_ name: String, _ value: String) throws(ArithmeticError) {
        guard !readOnly.contains(name) else { throw ArithmeticError(.variable, "\(name): is read only", at: 0) }
        values[name] = value
    }
}

private let seven = ["x": "7"]

let arithmeticCases: [ArithmeticCase] = [
    // Literals: decimal, octal, hex; too large saturates as strtoimax does
    ArithmeticCase("0", is: 0),
    ArithmeticCase("42", is: 42),
    ArithmeticCase("00", is: 0),
    ArithmeticCase("007", is: 7),
    ArithmeticCase("010", is: 8),
    ArithmeticCase("0777", is: 511),
    ArithmeticCase("0x1F", is: 31),
    ArithmeticCase("0XfF", is: 255),
    ArithmeticCase("0x0", is: 0),
    ArithmeticCase("0x7fffffffffffffff", is: .max),
    ArithmeticCase("9223372036854775807", is: .max),
    ArithmeticCase("9223372036854775808", is: .max),
    ArithmeticCase("99999999999999999999", is: .max),
    ArithmeticCase("0xffffffffffffffffff", is: .max),
    ArithmeticCase("07777777777777777777777", is: .max),
    ArithmeticCase("-9223372036854775808", is: -.max),
    ArithmeticCase("08", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("09", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("0x", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("0x1g", fails: .syntax, "expecting EOF", at: 3),
    ArithmeticCase("0b11", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("1a", fails: .syntax, "expecting EOF", at: 1),

    // Blanks: space, tab and newline only
    ArithmeticCase(" 1 + 2 ", is: 3),
    ArithmeticCase("\t1\t+\n2\n", is: 3),
    ArithmeticCase("1\r+2", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("", fails: .syntax, "expecting primary", at: 0),
    ArithmeticCase(" ", fails: .syntax, "expecting primary", at: 1),
    ArithmeticCase("\n\t", fails: .syntax, "expecting primary", at: 2),

    // Unary operators; no ++ or -- (`++x` is `+(+x)`, `--x` is `-(-x)`)
    ArithmeticCase("-5", is: -5),
    ArithmeticCase("+5", is: 5),
    ArithmeticCase("- -1", is: 1),
    ArithmeticCase("--1", is: 1),
    ArithmeticCase("+-+-1", is: 1),
    ArithmeticCase("1+-+-1", is: 2),
    ArithmeticCase("1--1", is: 2),
    ArithmeticCase("!0", is: 1),
    ArithmeticCase("!5", is: 0),
    ArithmeticCase("!!5", is: 1),
    ArithmeticCase("~5", is: -6),
    ArithmeticCase("~0", is: -1),
    ArithmeticCase("-~0", is: 1),
    ArithmeticCase("!1+1", is: 1),
    ArithmeticCase("-2*3", is: -6),
    ArithmeticCase("~0+1", is: 0),
    ArithmeticCase("-(-9223372036854775807-1)", is: .min),
    ArithmeticCase("~(-9223372036854775807-1)", is: .max),
    ArithmeticCase("!x", is: 1),
    ArithmeticCase("++x", with: seven, is: 7, after: ["x": "7"]),
    ArithmeticCase("--x", with: seven, is: 7, after: ["x": "7"]),
    ArithmeticCase("x++ + 1", with: seven, is: 8, after: ["x": "7"]),
    ArithmeticCase("x++", with: seven, fails: .syntax, "expecting primary", at: 3),
    ArithmeticCase("x--", with: seven, fails: .syntax, "expecting primary", at: 3),
    ArithmeticCase("!", fails: .syntax, "expecting primary", at: 1),

    // Multiplicative and additive, left-associative
    ArithmeticCase("1+2*3", is: 7),
    ArithmeticCase("(1+2)*3", is: 9),
    ArithmeticCase("1*2+3*4", is: 14),
    ArithmeticCase("7/2", is: 3),
    ArithmeticCase("-7/2", is: -3),
    ArithmeticCase("-7%3", is: -1),
    ArithmeticCase("7%-3", is: 1),
    ArithmeticCase("8-4-2", is: 2),
    ArithmeticCase("2-3+4", is: 3),
    ArithmeticCase("100/10/5", is: 2),
    ArithmeticCase("2*3%4", is: 2),
    ArithmeticCase("17%5*2", is: 4),
    ArithmeticCase("1/0", fails: .divisionByZero, "division by zero", at: 1),
    ArithmeticCase("1%0", fails: .divisionByZero, "division by zero", at: 1),
    ArithmeticCase("5 + 4 / (2 - 2)", fails: .divisionByZero, "division by zero", at: 6),
    ArithmeticCase("x % y", with: seven, fails: .divisionByZero, "division by zero", at: 2),

    // Overflow wraps as in C on x86
    ArithmeticCase("9223372036854775807+1", is: .min),
    ArithmeticCase("-9223372036854775807-1", is: .min),
    ArithmeticCase("-9223372036854775807-2", is: .max),
    ArithmeticCase("-9223372036854775807*-9223372036854775807", is: 1),
    ArithmeticCase("4611686018427387904*2", is: .min),
    ArithmeticCase("(-9223372036854775807-1)/-1", is: .min, dashAgrees: false),
    ArithmeticCase("(-9223372036854775807-1)%-1", is: 0, dashAgrees: false),

    // Shifts: counts taken modulo 64
    ArithmeticCase("1<<4", is: 16),
    ArithmeticCase("256>>4", is: 16),
    ArithmeticCase("-8>>1", is: -4),
    ArithmeticCase("-1>>1", is: -1),
    ArithmeticCase("1<<63", is: .min),
    ArithmeticCase("-1<<63", is: .min),
    ArithmeticCase("1<<64", is: 1),
    ArithmeticCase("1<<-1", is: .min),
    ArithmeticCase("1>>64", is: 1),
    ArithmeticCase("1>>65", is: 0),
    ArithmeticCase("2<<1<<1", is: 8),
    ArithmeticCase("1<<2+1", is: 8),

    // Relational and equality
    ArithmeticCase("1<2", is: 1),
    ArithmeticCase("2<1", is: 0),
    ArithmeticCase("2<=2", is: 1),
    ArithmeticCase("3<=2", is: 0),
    ArithmeticCase("3>2", is: 1),
    ArithmeticCase("2>2", is: 0),
    ArithmeticCase("2>=3", is: 0),
    ArithmeticCase("3>=3", is: 1),
    ArithmeticCase("-1<0", is: 1),
    ArithmeticCase("5>-1", is: 1),
    ArithmeticCase("1<2<3", is: 1),
    ArithmeticCase("3>2>1", is: 0),
    ArithmeticCase("1<<2<5", is: 1),
    ArithmeticCase("1==1", is: 1),
    ArithmeticCase("1!=1", is: 0),
    ArithmeticCase("1 < 2 == 1", is: 1),
    ArithmeticCase("2==2==1", is: 1),
    ArithmeticCase("3==3!=0", is: 1),
    ArithmeticCase("1 <> 2", fails: .syntax, "expecting primary", at: 3),

    // Bitwise: & above ^ above |, all below ==
    ArithmeticCase("5&3", is: 1),
    ArithmeticCase("5^3", is: 6),
    ArithmeticCase("5|3", is: 7),
    ArithmeticCase("1|2^3&4", is: 3),
    ArithmeticCase("6&3==3", is: 0),
    ArithmeticCase("12&10|1", is: 9),
    ArithmeticCase("1^1|1", is: 1),
    ArithmeticCase("6^3&5", is: 7),

    // Logical: results are 0 or 1; && above ||
    ArithmeticCase("0||0", is: 0),
    ArithmeticCase("0||7", is: 1),
    ArithmeticCase("5||0", is: 1),
    ArithmeticCase("2&&3", is: 1),
    ArithmeticCase("2&&0", is: 0),
    ArithmeticCase("1&&2||0", is: 1),
    ArithmeticCase("0||0&&1", is: 0),
    ArithmeticCase("1||0&&0", is: 1),
    ArithmeticCase("0&&1||1", is: 1),
    ArithmeticCase("1|2&&0", is: 0),

    // Conditional: right-associative; the middle is a full expression
    ArithmeticCase("1?2:3", is: 2),
    ArithmeticCase("0?2:3", is: 3),
    ArithmeticCase("1?0?4:5:6", is: 5),
    ArithmeticCase("1?2:3?4:5", is: 2),
    ArithmeticCase("0?2:0?4:5", is: 5),
    ArithmeticCase("0 ? 1 : 2 ? 3 : 4", is: 3),
    ArithmeticCase("3&&0?5:6", is: 6),
    ArithmeticCase("0?2:3+10", is: 13),
    ArithmeticCase("1?x=2:3", with: seven, is: 2, after: ["x": "2"]),
    ArithmeticCase("0?x=2:3", with: seven, is: 3, after: ["x": "7"]),
    ArithmeticCase("3 ? 4", fails: .syntax, "expecting ':'", at: 5),
    ArithmeticCase("1 ?: 2", fails: .syntax, "expecting primary", at: 3),
    ArithmeticCase("x ? : 3", fails: .syntax, "expecting primary", at: 4),
    ArithmeticCase("1 ? 2 : ", fails: .syntax, "expecting primary", at: 8),
    ArithmeticCase("0?2:x=3", with: seven, fails: .syntax, "expecting EOF", at: 5),

    // Short-circuit: the side not taken is parsed but not evaluated
    ArithmeticCase("0&&(x=1)", with: seven, is: 0, after: ["x": "7"]),
    ArithmeticCase("1||(x=1)", with: seven, is: 1, after: ["x": "7"]),
    ArithmeticCase("1&&(x=1)", with: seven, is: 1, after: ["x": "1"]),
    ArithmeticCase("0||(x=1)", with: seven, is: 1, after: ["x": "1"]),
    ArithmeticCase("0 && 0 && (x=1)", with: seven, is: 0, after: ["x": "7"]),
    ArithmeticCase("0 || 0 || (x=1)", with: seven, is: 1, after: ["x": "1"]),
    ArithmeticCase("1 && 1 && (x=3)", with: seven, is: 1, after: ["x": "3"]),
    ArithmeticCase("0&&1/0", is: 0),
    ArithmeticCase("1||1/0", is: 1),
    ArithmeticCase("0?1/0:2", is: 2),
    ArithmeticCase("1?2:1/0", is: 2),
    ArithmeticCase("0?(x=1):(y=2)", with: seven, is: 2, after: ["x": "7", "y": "2"]),
    ArithmeticCase("1?(x=1):(y=2)", with: seven, is: 1, after: ["x": "1", "y": nil]),
    ArithmeticCase("0&&bad", with: ["bad": "abc"], is: 0),
    ArithmeticCase("1||bad", with: ["bad": "abc"], is: 1),
    ArithmeticCase("1?2:bad", with: ["bad": "abc"], is: 2),
    ArithmeticCase("bad&&0", with: ["bad": "abc"], fails: .variable, "Illegal number: abc", at: 0),
    ArithmeticCase("0&&(1||x=2)", with: seven, fails: .syntax, "expecting ')'", at: 8),

    // Assignment and compound assignment (right-associative, to a name only)
    ArithmeticCase("x=3", with: seven, is: 3, after: ["x": "3"]),
    ArithmeticCase("x = 3", with: seven, is: 3, after: ["x": "3"]),
    ArithmeticCase("new=5", is: 5, after: ["new": "5"]),
    ArithmeticCase("x=y=4", with: seven, is: 4, after: ["x": "4", "y": "4"]),
    ArithmeticCase("x+=2", with: seven, is: 9, after: ["x": "9"]),
    ArithmeticCase("x-=2", with: seven, is: 5, after: ["x": "5"]),
    ArithmeticCase("x*=3", with: seven, is: 21, after: ["x": "21"]),
    ArithmeticCase("x/=2", with: seven, is: 3, after: ["x": "3"]),
    ArithmeticCase("x%=4", with: seven, is: 3, after: ["x": "3"]),
    ArithmeticCase("x<<=2", with: seven, is: 28, after: ["x": "28"]),
    ArithmeticCase("x>>=1", with: seven, is: 3, after: ["x": "3"]),
    ArithmeticCase("x&=6", with: seven, is: 6, after: ["x": "6"]),
    ArithmeticCase("x^=6", with: seven, is: 1, after: ["x": "1"]),
    ArithmeticCase("x|=8", with: seven, is: 15, after: ["x": "15"]),
    ArithmeticCase("u+=1", is: 1, after: ["u": "1"]),
    ArithmeticCase("x=x+1", with: seven, is: 8, after: ["x": "8"]),
    ArithmeticCase("x =+ 1", with: seven, is: 1, after: ["x": "1"]),
    ArithmeticCase("x=1?2:3", with: seven, is: 2, after: ["x": "2"]),
    ArithmeticCase("(x=5)*2", with: seven, is: 10, after: ["x": "5"]),
    ArithmeticCase("x=(y=2)+y", with: seven, is: 4, after: ["x": "4", "y": "2"]),
    ArithmeticCase("x+=(x=5)", with: seven, is: 10, after: ["x": "10"]),
    ArithmeticCase("x=-5", with: seven, is: -5, after: ["x": "-5"]),
    ArithmeticCase("x=9223372036854775807+1", is: .min, after: ["x": "-9223372036854775808"]),
    ArithmeticCase("x=0x10", is: 16, after: ["x": "16"]),
    ArithmeticCase("x==7", with: seven, is: 1, after: ["x": "7"]),
    ArithmeticCase("x!=7", with: seven, is: 0, after: ["x": "7"]),
    ArithmeticCase("x=abc", with: seven, is: 0, after: ["x": "0"]),
    ArithmeticCase("x/=0", with: seven, fails: .divisionByZero, "division by zero", at: 0),
    ArithmeticCase("x%=0", with: seven, fails: .divisionByZero, "division by zero", at: 0),
    ArithmeticCase("1=2", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("(x)=2", with: seven, fails: .syntax, "expecting EOF", at: 3),
    ArithmeticCase("x+y=3", with: seven, fails: .syntax, "expecting EOF", at: 3),
    ArithmeticCase("-x=3", with: seven, fails: .syntax, "expecting EOF", at: 2),
    ArithmeticCase("x&&=1", with: seven, fails: .syntax, "expecting primary", at: 3),
    ArithmeticCase("x>>=", with: seven, fails: .syntax, "expecting primary", at: 4),
    ArithmeticCase("x = ", with: seven, fails: .syntax, "expecting primary", at: 4),
    ArithmeticCase("x=2", with: ["x": "1"], readOnly: ["x"], fails: .variable, "x: is read only", at: 0),
    ArithmeticCase("y = (x += 2)", with: ["x": "1"], readOnly: ["x"], fails: .variable, "x: is read only", at: 5),
    ArithmeticCase("0&&(x=2)", with: ["x": "1"], readOnly: ["x"], is: 0, after: ["x": "1"]),
    ArithmeticCase("x+1", with: ["x": "1"], readOnly: ["x"], is: 2),

    // Variable values: an optionally signed constant between blanks; never
    // evaluated as an expression (bash would)
    ArithmeticCase("x", is: 0),
    ArithmeticCase("x+1", is: 1),
    ArithmeticCase("x", with: ["x": ""], is: 0),
    ArithmeticCase("x", with: ["x": " "], is: 0),
    ArithmeticCase("x", with: ["x": "5"], is: 5),
    ArithmeticCase("x", with: ["x": " 5 "], is: 5),
    ArithmeticCase("x", with: ["x": "\t5\t"], is: 5),
    ArithmeticCase("x", with: ["x": "5\n"], is: 5),
    ArithmeticCase("x", with: ["x": "5\r"], is: 5),
    ArithmeticCase("x", with: ["x": "\u{0B}5\u{0C}"], is: 5),
    ArithmeticCase("x", with: ["x": "+5"], is: 5),
    ArithmeticCase("x", with: ["x": "-5"], is: -5),
    ArithmeticCase("x", with: ["x": " -5"], is: -5),
    ArithmeticCase("x", with: ["x": "0x10"], is: 16),
    ArithmeticCase("x", with: ["x": "0X1f"], is: 31),
    ArithmeticCase("x", with: ["x": "010"], is: 8),
    ArithmeticCase("x", with: ["x": "00"], is: 0),
    ArithmeticCase("x", with: ["x": "9223372036854775807"], is: .max),
    ArithmeticCase("x", with: ["x": "-9223372036854775808"], is: .min),
    ArithmeticCase("x", with: ["x": "-0x8000000000000000"], is: .min),
    ArithmeticCase("_a1+1", with: ["_a1": "2"], is: 3),
    ArithmeticCase("x", with: ["x": "- 5"], fails: .variable, "Illegal number: - 5", at: 0),
    ArithmeticCase("x", with: ["x": "08"], fails: .variable, "Illegal number: 08", at: 0),
    ArithmeticCase("x", with: ["x": "0x"], fails: .variable, "Illegal number: 0x", at: 0),
    ArithmeticCase("x", with: ["x": "0x1g"], fails: .variable, "Illegal number: 0x1g", at: 0),
    ArithmeticCase("x", with: ["x": "0b11"], fails: .variable, "Illegal number: 0b11", at: 0),
    ArithmeticCase("x", with: ["x": "1e3"], fails: .variable, "Illegal number: 1e3", at: 0),
    ArithmeticCase("x", with: ["x": "abc"], fails: .variable, "Illegal number: abc", at: 0),
    ArithmeticCase("x", with: ["x": "y", "y": "3"], fails: .variable, "Illegal number: y", at: 0),
    ArithmeticCase("x", with: ["x": "1+1"], fails: .variable, "Illegal number: 1+1", at: 0),
    ArithmeticCase("x", with: ["x": "1 2"], fails: .variable, "Illegal number: 1 2", at: 0),
    ArithmeticCase("x", with: ["x": "+"], fails: .variable, "Illegal number: +", at: 0),
    ArithmeticCase("x", with: ["x": "-"], fails: .variable, "Illegal number: -", at: 0),
    ArithmeticCase("x", with: ["x": "+-5"], fails: .variable, "Illegal number: +-5", at: 0),
    ArithmeticCase(
        "x", with: ["x": "9223372036854775808"], fails: .variable, "Illegal number: 9223372036854775808", at: 0),
    ArithmeticCase(
        "x", with: ["x": "-9223372036854775809"], fails: .variable, "Illegal number: -9223372036854775809", at: 0),
    ArithmeticCase(
        "x", with: ["x": "0xFFFFFFFFFFFFFFFF"], fails: .variable, "Illegal number: 0xFFFFFFFFFFFFFFFF", at: 0),
    ArithmeticCase("1 + x", with: ["x": "abc"], fails: .variable, "Illegal number: abc", at: 4),
    ArithmeticCase("x += 1", with: ["x": "abc"], fails: .variable, "Illegal number: abc", at: 0),
    ArithmeticCase("x = 1", with: ["x": "abc"], is: 1, after: ["x": "1"]),

    // Parentheses and other syntax errors
    ArithmeticCase("(((1)))", is: 1),
    ArithmeticCase("((1+2)*(3-1))", is: 6),
    ArithmeticCase("1 +", fails: .syntax, "expecting primary", at: 3),
    ArithmeticCase("* 1", fails: .syntax, "expecting primary", at: 0),
    ArithmeticCase("a b", fails: .syntax, "expecting EOF", at: 2),
    ArithmeticCase("3 3", fails: .syntax, "expecting EOF", at: 2),
    ArithmeticCase("(1)(2)", fails: .syntax, "expecting EOF", at: 3),
    ArithmeticCase("()", fails: .syntax, "expecting primary", at: 1),
    ArithmeticCase("(1 2)", fails: .syntax, "expecting ')'", at: 3),
    ArithmeticCase("(1", fails: .syntax, "expecting ')'", at: 2),
    ArithmeticCase("1)", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("2**3", fails: .syntax, "expecting primary", at: 2),
    ArithmeticCase("1,2", fails: .syntax, "expecting EOF", at: 1),
    ArithmeticCase("1 @ 2", fails: .syntax, "expecting EOF", at: 2),
    ArithmeticCase("@", fails: .syntax, "expecting primary", at: 0),
    ArithmeticCase("é", fails: .syntax, "expecting primary", at: 0),
    ArithmeticCase("1 + é", fails: .syntax, "expecting primary", at: 4),
    // dash evaluates while parsing and so reports the division first.
    ArithmeticCase("1/0 +", fails: .syntax, "expecting primary", at: 5, dashAgrees: false),
]
