/// The shell variables an arithmetic expression reads and assigns.
public protocol ArithmeticVariables {
    /// The value of `name`, or nil when it is unset.
    func arithmeticValue(of name: String) -> String?

    /// Stores `value` (a decimal integer) in `name`.
    ///
    /// - Throws: when the variable refuses it (e.g. "x: is read only", kind
    ///   `.variable`); the evaluator replaces the offset with that of the name.
    mutating func assignArithmetic(_ name: String, _ value: String) throws(ArithmeticError)
}

extension ArithmeticExpression {
    /// The value of the expression, with dash's semantics: 64-bit integers
    /// that wrap on overflow, `&&`, `||` and `?:` evaluating only the side
    /// they need, and variables read as integer constants (unset or empty
    /// is 0; their values are not themselves evaluated as expressions).
    ///
    /// `Int64.min / -1` is `Int64.min` and `Int64.min % -1` is 0, as in bash
    /// (dash dies of SIGFPE there).
    ///
    /// - Throws: `.divisionByZero`, or `.variable` for a value that is not an
    ///   integer constant ("Illegal number: abc") or a refused assignment.
    public func evaluate(_ variables: inout some ArithmeticVariables) throws(ArithmeticError) -> Int64 {
        try value(&variables)
    }

    // The larger cases are handed to functions of their own, so that the
    // frame of this function, which recurs once per level of the tree, stays
    // small (it halves the stack a level takes in a debug build).
    private func value(_ variables: inout some ArithmeticVariables) throws(ArithmeticError) -> Int64 {
        switch self {
        case .number(let value):
            return value
        case .variable(let name, let offset):
            return try Self.read(name, at: offset, from: variables)
        case .unary(let op, let operand):
            return op.apply(to: try operand.value(&variables))
        case .operations(let first, let operations):
            return try Self.run(operations, after: first, &variables)
        case .conditional(let condition, let chosen, let otherwise):
            return try (condition.value(&variables) != 0 ? chosen : otherwise).value(&variables)
        case .assignment(let name, let offset, let compound, let value):
            return try Self.assign(value, compound, to: name, at: offset, &variables)
        }
    }

    private static func run(
        _ operations: [Operation], after first: ArithmeticExpression, _ variables: inout some ArithmeticVariables
    ) throws(ArithmeticError) -> Int64 {
        var result = try first.value(&variables)
        for operation in operations {
            switch operation.operator {
            case .logicalAnd where result == 0: return 0
            case .logicalOr where result != 0: return 1
            default:
                let operand = try operation.operand.value(&variables)
                result = try operation.operator.apply(result, operand, at: operation.offset)
            }
        }
        return result
    }

    private static func assign(
        _ value: ArithmeticExpression, _ compound: BinaryOperator?, to name: String, at offset: Int,
        _ variables: inout some ArithmeticVariables
    ) throws(ArithmeticError) -> Int64 {
        var result = try value.value(&variables)
        // As in dash, the variable is read after the right side is
        // evaluated: `x += (x = 5)` is 10.
        if let compound {
            result = try compound.apply(read(name, at: offset, from: variables), result, at: offset)
        }
        do {
            try variables.assignArithmetic(name, String(result))
        } catch {
            throw ArithmeticError(error.kind, error.message, at: offset)
        }
        return result
    }

    private static func read(
        _ name: String, at offset: Int, from variables: some ArithmeticVariables
    ) throws(ArithmeticError) -> Int64 {
        guard let text = variables.arithmeticValue(of: name) else { return 0 }
        guard let value = IntegerConstant.variableValue(text) else {
            throw ArithmeticError(.variable, "Illegal number: \(text)", at: offset)
        }
        return value
    }
}

extension ArithmeticExpression.UnaryOperator {
    func apply(to operand: Int64) -> Int64 {
        switch self {
        case .negate: 0 &- operand
        case .logicalNot: operand == 0 ? 1 : 0
        case .bitwiseNot: ~operand
        }
    }
}

extension ArithmeticExpression.BinaryOperator {
    /// `lhs op rhs` without short-circuiting; `offset` is where a division
    /// by zero is reported.
    func apply(_ lhs: Int64, _ rhs: Int64, at offset: Int) throws(ArithmeticError) -> Int64 {
        switch self {
        case .multiply: return lhs &* rhs
        case .divide, .remainder:
            guard rhs != 0 else { throw ArithmeticError(.divisionByZero, "division by zero", at: offset) }
            return self == .divide
                ? lhs.dividedReportingOverflow(by: rhs).partialValue
                : lhs.remainderReportingOverflow(dividingBy: rhs).partialValue
        case .add: return lhs &+ rhs
        case .subtract: return lhs &- rhs
        // Shift counts are taken modulo 64, as x86 (and so dash) does.
        case .shiftLeft: return lhs &<< rhs
        case .shiftRight: return lhs &>> rhs
        case .less: return lhs < rhs ? 1 : 0
        case .lessOrEqual: return lhs <= rhs ? 1 : 0
        case .greater: return lhs > rhs ? 1 : 0
        case .greaterOrEqual: return lhs >= rhs ? 1 : 0
        case .equal: return lhs == rhs ? 1 : 0
        case .notEqual: return lhs != rhs ? 1 : 0
        case .bitwiseAnd: return lhs & rhs
        case .bitwiseXor: return lhs ^ rhs
        case .bitwiseOr: return lhs | rhs
        case .logicalAnd: return lhs != 0 && rhs != 0 ? 1 : 0
        case .logicalOr: return lhs != 0 || rhs != 0 ? 1 : 0
        }
    }
}
