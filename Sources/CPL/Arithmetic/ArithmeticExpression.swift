/// A parsed `$((…))` expression, ready to evaluate any number of times.
///
///     let expression = try ArithmeticParser.parse("i + 1")
///     let value = try expression.evaluate(&variables)
///
/// Offsets are UTF-8 byte offsets into the parsed text; the nodes that can
/// fail at run time keep the offset where a caret should point.
public indirect enum ArithmeticExpression: Sendable, Equatable {
    case number(Int64)
    /// A variable read by bare name; `offset` is where the name starts.
    case variable(name: String, offset: Int)
    case unary(UnaryOperator, ArithmeticExpression)
    /// `first op₁ operand₁ op₂ operand₂ …`: a left-associative run of
    /// operators that all have the same precedence. Runs are kept flat so
    /// that `1+1+…+1` of any length is evaluated by a loop, not by recursion
    /// as deep as the run is long.
    case operations(ArithmeticExpression, [Operation])
    /// `condition ? chosen : otherwise`; only one branch is evaluated.
    case conditional(ArithmeticExpression, ArithmeticExpression, ArithmeticExpression)
    /// `name = value`, or `name op= value` when `compound` is set.
    case assignment(name: String, offset: Int, compound: BinaryOperator?, ArithmeticExpression)

    public enum UnaryOperator: Sendable, Equatable {
        /// `-`
        case negate
        /// `!`
        case logicalNot
        /// `~`
        case bitwiseNot
    }

    /// The binary operators, in C's precedence groups.
    public enum BinaryOperator: Sendable, Equatable {
        case multiply, divide, remainder
        case add, subtract
        case shiftLeft, shiftRight
        case less, lessOrEqual, greater, greaterOrEqual
        case equal, notEqual
        case bitwiseAnd
        case bitwiseXor
        case bitwiseOr
        case logicalAnd
        case logicalOr
    }

    /// One step of an `operations` run: `op operand`, the operator at `offset`.
    public struct Operation: Sendable, Equatable {
        public var `operator`: BinaryOperator
        public var offset: Int
        public var operand: ArithmeticExpression

        public init(_ operator: BinaryOperator, at offset: Int, _ operand: ArithmeticExpression) {
            self.operator = `operator`
            self.offset = offset
            self.operand = operand
        }
    }
}

extension ArithmeticExpression.BinaryOperator {
    /// Higher binds tighter: `||` is 1, `* / %` are 10.
    var precedence: Int {
        switch self {
        case .multiply, .divide, .remainder: 10
        case .add, .subtract: 9
        case .shiftLeft, .shiftRight: 8
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 7
        case .equal, .notEqual: 6
        case .bitwiseAnd: 5
        case .bitwiseXor: 4
        case .bitwiseOr: 3
        case .logicalAnd: 2
        case .logicalOr: 1
        }
    }

    static let lowestPrecedence = 1

    var symbol: String {
        switch self {
        case .multiply: "*"
        case .divide: "/"
        case .remainder: "%"
        case .add: "+"
        case .subtract: "-"
        case .shiftLeft: "<<"
        case .shiftRight: ">>"
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .equal: "=="
        case .notEqual: "!="
        case .bitwiseAnd: "&"
        case .bitwiseXor: "^"
        case .bitwiseOr: "|"
        case .logicalAnd: "&&"
        case .logicalOr: "||"
        }
    }
}

extension ArithmeticExpression.UnaryOperator {
    var symbol: String {
        switch self {
        case .negate: "-"
        case .logicalNot: "!"
        case .bitwiseNot: "~"
        }
    }
}

/// Fully parenthesised text that parses back to the same tree (offsets
/// aside), e.g. `(1 + (2 * 3))` for `1+2*3`: shows how an expression was
/// grouped.
extension ArithmeticExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let value):
            return String(value)
        case .variable(let name, _):
            return name
        case .unary(let op, let operand):
            return "(\(op.symbol)\(operand))"
        case .operations(let first, let operations):
            var text = "(\(first)"
            for operation in operations {
                text += " \(operation.operator.symbol) \(operation.operand)"
            }
            return text + ")"
        case .conditional(let condition, let chosen, let otherwise):
            return "(\(condition) ? \(chosen) : \(otherwise))"
        case .assignment(let name, _, let compound, let value):
            return "(\(name) \(compound?.symbol ?? "")= \(value))"
        }
    }
}
