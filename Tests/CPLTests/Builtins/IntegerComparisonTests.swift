import Testing
@testable import CPL

/// `TestExpression.integerComparison`, the shortcut for `[ A -lt B ]`, answers as the general
/// evaluation does, and declines every word it does not fully understand.
@Suite struct IntegerComparisonTests {
    static let numbers = ["0", "7", "-3", "-0", "007", "100000", "999999999999999999", "-999999999999999999"]
    static let operators = ["-lt", "-le", "-gt", "-ge", "-eq", "-ne"]

    @Test(arguments: operators)
    func agreesWithTheGeneralEvaluation(_ op: String) {
        for lhs in Self.numbers {
            for rhs in Self.numbers {
                let words = [lhs, op, rhs]
                let general = TestExpression.evaluate(words, files: NoFiles()).status
                #expect(TestExpression.integerComparison(words[...], bracketed: false) == general, "\(words)")
                let bracketed = TestExpression.evaluate(bracketed: words + ["]"], files: NoFiles()).status
                #expect(TestExpression.integerComparison((words + ["]"])[...], bracketed: true) == bracketed, "\(words)")
            }
        }
    }

    /// Signs, blanks, overflow, other operators and a `]` that is only its first byte go the long way.
    @Test func declinesWhatItDoesNotParse() {
        let declined: [[String]] = [
            ["+1", "-lt", "2"], [" 1", "-lt", "2"], ["1 ", "-lt", "2"], ["", "-lt", "2"], ["-", "-lt", "2"],
            ["x", "-lt", "2"], ["9999999999999999999", "-lt", "2"], ["1", "=", "1"], ["1", "-nt", "2"],
            ["1", "-lt"], ["1", "-lt", "2", "3"],
        ]
        for words in declined {
            #expect(TestExpression.integerComparison(words[...], bracketed: false) == nil, "\(words)")
        }
        #expect(TestExpression.integerComparison(["1", "-lt", "2", "]x"], bracketed: true) == nil)
        #expect(TestExpression.integerComparison(["1", "-lt", "2"], bracketed: true) == nil)
    }
}
