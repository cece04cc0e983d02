import CPL

extension FuzzTarget {
    /// Variables an expression can read and assign: a number, an extreme, text and an empty value.
    private struct Variables: ArithmeticVariables {
        var values = ["x": "7", "max": "9223372036854775807", "min": "-9223372036854775808", "t": "abc", "e": ""]

        func arithmeticValue(of name: String) -> String? { values[name] }

        mutating func assignArithmetic(_ name: String, _ value: String) throws(ArithmeticError) {
            values[name] = value
        }
    }

    static func arithmetic(_ input: [UInt8]) {
        guard let expression = try? ArithmeticParser.parse(String(losslessBytes: input)) else { return }
        var variables = Variables()
        _ = try? expression.evaluate(&variables)
    }
}
