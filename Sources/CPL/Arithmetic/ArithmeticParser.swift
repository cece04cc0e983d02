/// Parses the text of `$((…))` into an `ArithmeticExpression`.
///
///     let expression = try ArithmeticParser.parse("x += 2 * (y - 1)")
///
/// The grammar is dash's (C's operators without `++`, `--`, `,` and
/// `sizeof`; assignment only to a bare name). Unlike dash, which evaluates
/// while it parses, the whole text is parsed first, so a syntax error is
/// reported before anything is evaluated or assigned.
public struct ArithmeticParser {
    /// Parses `text`: what stands between `$((` and `))` after parameter
    /// expansion, command substitution and quote removal.
    ///
    /// - Throws: an `ArithmeticError` of kind `.syntax`, with dash's message
    ///   and the offset of the offending token. Blank text is an error
    ///   ("expecting primary"), as in dash.
    public static func parse(_ text: String) throws(ArithmeticError) -> ArithmeticExpression {
        var parser = ArithmeticParser(bytes: Array(text.utf8))
        let parsed = try parser.parseAssignment()
        guard parser.token.kind == .end else { throw parser.unexpectedToken("expecting EOF") }
        return parsed.expression
    }

    /// How deep an expression may be: its levels of operators and
    /// parentheses, counting `?:` branches and assignments. This bounds the
    /// recursion of parsing and of evaluation, so that no text can overflow
    /// the stack (a level costs up to ~2 KiB of stack in a debug build).
    static let maximumDepth = 1000

    /// A parsed subexpression and its depth (0 for a number or a name).
    private struct Subtree {
        var expression: ArithmeticExpression
        var depth: Int
    }

    private let bytes: [UInt8]
    private var token: ArithmeticToken
    /// How many levels enclose the current token: checked on the way down,
    /// before the depth of what is being parsed is known.
    private var enclosingLevels = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        token = ArithmeticToken.next(in: bytes, at: 0)
    }

    private mutating func advance() {
        token = ArithmeticToken.next(in: bytes, at: token.end)
    }

    private func unexpectedToken(_ message: String) -> ArithmeticError {
        ArithmeticError(.syntax, message, at: token.start)
    }

    private static func tooDeep(at offset: Int) -> ArithmeticError {
        ArithmeticError(.syntax, "nesting is too deep (more than \(maximumDepth) levels)", at: offset)
    }

    /// Enters one more level at the current token.
    private mutating func descend() throws(ArithmeticError) {
        guard enclosingLevels < ArithmeticParser.maximumDepth else { throw Self.tooDeep(at: token.start) }
        enclosingLevels += 1
    }

    /// `expression`, one level above the deepest of its parts; `offset` is
    /// where it is reported if that is too deep.
    private func subtree(
        _ expression: ArithmeticExpression, above depth: Int, at offset: Int
    ) throws(ArithmeticError) -> Subtree {
        guard depth < ArithmeticParser.maximumDepth else { throw Self.tooDeep(at: offset) }
        return Subtree(expression: expression, depth: depth + 1)
    }

    /// `name op= assignment`, or a conditional expression.
    private mutating func parseAssignment() throws(ArithmeticError) -> Subtree {
        if token.kind == .name,
            case .assignment(let compound) = ArithmeticToken.next(in: bytes, at: token.end).kind
        {
            let name = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
            let offset = token.start
            advance()
            try descend()
            defer { enclosingLevels -= 1 }
            advance()
            let value = try parseAssignment()
            return try subtree(
                .assignment(name: name, offset: offset, compound: compound, value.expression), above: value.depth,
                at: offset)
        }
        return try parseConditional()
    }

    /// `or ? assignment : conditional`, or just `or`.
    private mutating func parseConditional() throws(ArithmeticError) -> Subtree {
        let condition = try parseOperations(atLeast: ArithmeticExpression.BinaryOperator.lowestPrecedence)
        guard token.kind == .questionMark else { return condition }
        let offset = token.start
        try descend()
        defer { enclosingLevels -= 1 }
        advance()
        let chosen = try parseAssignment()
        guard token.kind == .colon else { throw unexpectedToken("expecting ':'") }
        advance()
        let otherwise = try parseConditional()
        return try subtree(
            .conditional(condition.expression, chosen.expression, otherwise.expression),
            above: max(condition.depth, chosen.depth, otherwise.depth), at: offset)
    }

    /// Binary operators of precedence `minimum` or higher, by precedence
    /// climbing; each run of operators of one precedence becomes one
    /// `.operations` node.
    private mutating func parseOperations(atLeast minimum: Int) throws(ArithmeticError) -> Subtree {
        var result = try parseUnary()
        while case .binary(let op) = token.kind, op.precedence >= minimum {
            let precedence = op.precedence
            let offset = token.start
            var operations: [ArithmeticExpression.Operation] = []
            var depth = result.depth
            try descend()
            defer { enclosingLevels -= 1 }
            while case .binary(let op) = token.kind, op.precedence == precedence {
                let operatorOffset = token.start
                advance()
                let operand = try parseOperations(atLeast: precedence + 1)
                operations.append(.init(op, at: operatorOffset, operand.expression))
                depth = max(depth, operand.depth)
            }
            result = try subtree(.operations(result.expression, operations), above: depth, at: offset)
        }
        return result
    }

    /// `+`, `-`, `!` or `~` before a unary expression, or a primary.
    private mutating func parseUnary() throws(ArithmeticError) -> Subtree {
        while token.kind == .binary(.add) { advance() }
        let op: ArithmeticExpression.UnaryOperator
        switch token.kind {
        case .binary(.subtract): op = .negate
        case .not: op = .logicalNot
        case .complement: op = .bitwiseNot
        default: return try parsePrimary()
        }
        let offset = token.start
        try descend()
        defer { enclosingLevels -= 1 }
        advance()
        let operand = try parseUnary()
        return try subtree(.unary(op, operand.expression), above: operand.depth, at: offset)
    }

    /// A number, a name, or `( assignment )`, which counts as a level.
    private mutating func parsePrimary() throws(ArithmeticError) -> Subtree {
        switch token.kind {
        case .number(let value):
            advance()
            return Subtree(expression: .number(value), depth: 0)
        case .name:
            let name = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
            let offset = token.start
            advance()
            return Subtree(expression: .variable(name: name, offset: offset), depth: 0)
        case .open:
            let offset = token.start
            try descend()
            defer { enclosingLevels -= 1 }
            advance()
            let inner = try parseAssignment()
            guard token.kind == .close else { throw unexpectedToken("expecting ')'") }
            advance()
            return try subtree(inner.expression, above: inner.depth, at: offset)
        default:
            throw unexpectedToken("expecting primary")
        }
    }
}
