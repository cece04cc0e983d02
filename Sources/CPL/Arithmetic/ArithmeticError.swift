/// Why an arithmetic expression could not be parsed or evaluated, and where.
///
/// `message` uses dash's wording ("expecting primary", "division by zero",
/// "Illegal number: abc"); `diagnostic(in:)` builds the whole line dash
/// prints after its `dash: LINE: ` prefix.
public struct ArithmeticError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text is not an expression: "expecting primary", "expecting EOF",
        /// "expecting ')'", "expecting ':'", or nesting beyond the limit.
        case syntax
        /// `/`, `%`, `/=` or `%=` with a zero right side.
        case divisionByZero
        /// A variable's value is not an integer constant ("Illegal number: abc"),
        /// or the variable refused the assignment (e.g. "x: is read only").
        case variable
    }

    public var kind: Kind
    public var message: String
    /// UTF-8 byte offset into the expression text where a caret should point:
    /// the offending token, the operator that divided by zero, or the name of
    /// the variable. The end of the text when the text ended too early.
    public var offset: Int

    public init(_ kind: Kind, _ message: String, at offset: Int) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public var description: String { message }

    /// What dash reports for this error in the expansion of `text`, e.g.
    /// `arithmetic expression: division by zero: "1/0"`, or just
    /// `Illegal number: abc` for a variable's fault.
    public func diagnostic(in text: String) -> String {
        switch kind {
        case .syntax, .divisionByZero: "arithmetic expression: \(message): \"\(text)\""
        case .variable: message
        }
    }
}
