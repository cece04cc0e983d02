#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import CPL

private func evaluate(_ testCase: ArithmeticCase) -> (Result<Int64, ArithmeticError>, TestVariables) {
    var variables = TestVariables(values: testCase.variables, readOnly: Set(testCase.readOnly))
    let result = Result { () throws(ArithmeticError) in
        try ArithmeticParser.parse(testCase.expression).evaluate(&variables)
    }
    return (result, variables)
}

private func value(of text: String, with values: [String: String] = [:]) throws(ArithmeticError) -> Int64 {
    var variables = TestVariables(values: values)
    return try ArithmeticParser.parse(text).evaluate(&variables)
}

@Suite struct ArithmeticTests {
    @Test(arguments: arithmeticCases)
    func evaluatesAsDash(_ testCase: ArithmeticCase) {
        let (result, variables) = evaluate(testCase)
        switch testCase.outcome {
        case .value(let expected, let after):
            #expect(result == .success(expected))
            for (name, value) in after {
                #expect(variables.values[name] == value, "\(name)")
            }
        case .failure(let expected):
            #expect(result == .failure(expected))
        }
    }

    @Test(arguments: [
        ("1+2*3", "(1 + (2 * 3))"),
        ("1*2+3*4", "((1 * 2) + (3 * 4))"),
        ("8-4-2", "(8 - 4 - 2)"),
        ("1+2-3*4/5%6", "(1 + 2 - (3 * 4 / 5 % 6))"),
        ("1<<2+3", "(1 << (2 + 3))"),
        ("1+2<3==4&5^6|7&&8||9", "((((((((1 + 2) < 3) == 4) & 5) ^ 6) | 7) && 8) || 9)"),
        ("9||8&&7|6^5&4==3<2+1", "(9 || (8 && (7 | (6 ^ (5 & (4 == (3 < (2 + 1))))))))"),
        ("a||b&&c", "(a || (b && c))"),
        ("a&&b&&c||d", "((a && b && c) || d)"),
        ("-x*2", "((-x) * 2)"),
        ("!~-x", "(!(~(-x)))"),
        ("+x", "x"),
        ("++x", "x"),
        ("(((x)))", "x"),
        ("x=y=1", "(x = (y = 1))"),
        ("x+=y-=1", "(x += (y -= 1))"),
        ("a?b:c?d:e", "(a ? b : (c ? d : e))"),
        ("a?b?c:d:e", "(a ? (b ? c : d) : e)"),
        ("a||b?c=1:d", "((a || b) ? (c = 1) : d)"),
        ("x = a ? b : c", "(x = (a ? b : c))"),
        ("0x10 + 010", "(16 + 8)"),
    ])
    func groupsAsC(_ text: String, _ grouped: String) throws {
        #expect(try ArithmeticParser.parse(text).description == grouped)
    }

    @Test func treeKeepsOffsetsForRuntimeErrors() throws {
        #expect(
            try ArithmeticParser.parse(" n / 2") == .operations(
                .variable(name: "n", offset: 1), [.init(.divide, at: 3, .number(2))]))
        #expect(
            try ArithmeticParser.parse("i += -1") == .assignment(
                name: "i", offset: 0, compound: .add, .unary(.negate, .number(1))))
    }

    /// The grouping shown by `description` means the same as the original.
    @Test(arguments: arithmeticCases.filter {
        if case .value = $0.outcome { true } else { false }
    })
    func descriptionParsesBackToTheSameValue(_ testCase: ArithmeticCase) throws {
        let (original, _) = evaluate(testCase)
        var reparsed = testCase
        reparsed.expression = try ArithmeticParser.parse(testCase.expression).description
        let (again, _) = evaluate(reparsed)
        #expect(again == original, "\(reparsed.expression)")
    }

    @Test func assignmentErrorsPointAtTheName() {
        var variables = TestVariables(values: [:], readOnly: ["r"])
        #expect(throws: ArithmeticError(.variable, "r: is read only", at: 7)) {
            try ArithmeticParser.parse("1 + (  r = 2)").evaluate(&variables)
        }
    }

    @Test func diagnosticsUseDashWording() {
        #expect(
            ArithmeticError(.syntax, "expecting EOF", at: 2).diagnostic(in: "1 2")
                == "arithmetic expression: expecting EOF: \"1 2\"")
        #expect(
            ArithmeticError(.divisionByZero, "division by zero", at: 1).diagnostic(in: "1/0")
                == "arithmetic expression: division by zero: \"1/0\"")
        #expect(ArithmeticError(.variable, "Illegal number: a", at: 0).diagnostic(in: "x") == "Illegal number: a")
    }
}

@Suite struct ArithmeticDepthTests {
    static let limit = ArithmeticParser.maximumDepth

    private static func parenthesized(_ depth: Int) -> String {
        String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    }

    @Test func nestingUpToTheLimitWorks() throws {
        #expect(try value(of: Self.parenthesized(Self.limit)) == 1)
        #expect(try value(of: String(repeating: "-", count: Self.limit) + "1") == 1)
        #expect(try value(of: String(repeating: "!", count: Self.limit) + "7") == 1)
        #expect(try value(of: String(repeating: "x=", count: Self.limit) + "3") == 3)
        #expect(try value(of: String(repeating: "0?0:", count: Self.limit) + "4") == 4)
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let error = ArithmeticError(.syntax, "nesting is too deep (more than \(Self.limit) levels)", at: Self.limit)
        #expect(throws: error) { try value(of: Self.parenthesized(Self.limit + 1)) }
        #expect(throws: error) { try value(of: String(repeating: "~", count: Self.limit + 1) + "1") }
        #expect(throws: error) { try value(of: Self.parenthesized(1_000_000)) }
        let assignments = String(repeating: "x=", count: Self.limit + 1) + "3"
        #expect(throws: ArithmeticError(error.kind, error.message, at: 2 * Self.limit + 1)) {
            try value(of: assignments)
        }
    }

    /// Each level below has ten operators of falling precedence and a pair
    /// of parentheses: eleven levels of depth, all of them evaluated.
    private static let levelDepth = 11

    /// `0 || 1 && 0 | 0 ^ 1 & 1 == 0 < 1 << 0 + 1 * (…)`: deep on the right.
    private static func deepOnTheRight(_ levels: Int) -> String {
        let steps = [
            ("0", "||"), ("1", "&&"), ("0", "|"), ("0", "^"), ("1", "&"), ("1", "=="), ("0", "<"), ("1", "<<"),
            ("0", "+"), ("1", "*"),
        ]
        var text = "x"
        for _ in 0..<levels { text = steps.map { "\($0) \($1) " }.joined() + "(\(text))" }
        return text
    }

    /// `(…) * 1 + 0 << 0 < 2 == 1 & 1 ^ 0 | 0 && 1 || 0`: deep on the left.
    private static func deepOnTheLeft(_ levels: Int) -> String {
        let steps = [
            ("*", "1"), ("+", "0"), ("<<", "0"), ("<", "2"), ("==", "1"), ("&", "1"), ("^", "0"), ("|", "0"),
            ("&&", "1"), ("||", "0"),
        ]
        var text = "x"
        for _ in 0..<levels { text = "(\(text))" + steps.map { " \($0) \($1)" }.joined() }
        return text
    }

    /// The deepest trees (and so the deepest recursion) the limit allows
    /// evaluate; one level more is refused.
    @Test(arguments: [deepOnTheRight, deepOnTheLeft])
    func deepestTreesEvaluate(_ shape: @Sendable (Int) -> String) throws {
        let levels = Self.limit / Self.levelDepth
        #expect(try value(of: shape(levels), with: ["x": "1"]) == 1)
        let error = #expect(throws: ArithmeticError.self) { try value(of: shape(levels + 1), with: ["x": "1"]) }
        #expect(error?.message == "nesting is too deep (more than \(Self.limit) levels)")
    }

    /// Runs of one precedence are flat, so their length is not limited.
    @Test func longRunsAreNotNesting() throws {
        let count = 100_000
        #expect(try value(of: "1" + String(repeating: "+1", count: count)) == Int64(count) + 1)
        #expect(try value(of: "x" + String(repeating: " * 1", count: count), with: ["x": "3"]) == 3)
        #expect(try value(of: String(repeating: "0 || ", count: count) + "2") == 1)
        #expect(try value(of: String(repeating: "1 && ", count: count) + "0") == 0)
        #expect(try value(of: String(repeating: "+", count: count) + "5") == 5)
    }
}

/// Re-derives the table's expectations from dash itself, so that the table
/// stays true to the oracle.
@Suite(.enabled(if: access("/usr/bin/dash", X_OK) == 0, "needs /usr/bin/dash"))
struct ArithmeticOracleTests {
    @Test(arguments: arithmeticCases.filter(\.dashAgrees))
    func dashAgrees(_ testCase: ArithmeticCase) throws {
        let quoted = GlobTestSupport.shellQuoted
        let names = Set(testCase.expression.split { !Parser.isNameCharacter($0.asciiValue) }.map(String.init))
        var script = names.filter { Parser.isNameStart($0.utf8.first) }.map { "unset \($0)\n" }.joined()
        for (name, value) in testCase.variables { script += "\(name)=\(quoted(value))\n" }
        for name in testCase.readOnly { script += "readonly \(name)\n" }
        script += """
            __text=\(quoted(testCase.expression))
            exec 2>&1
            __value=$(($__text))
            printf '%s\\n' "$__value"

            """
        let (output, status) = try GlobTestSupport.runDash(script + report(testCase))
        let text = String(decoding: output, as: UTF8.self)
        switch testCase.outcome {
        case .value(let value, let after):
            #expect(status == 0)
            let lines = ["\(value)"] + after.keys.sorted().map { name in
                after[name]!.map { "\(name)=\($0)" } ?? "\(name) unset"
            }
            #expect(text == lines.map { $0 + "\n" }.joined())
        case .failure(let error):
            #expect(status != 0)
            #expect(text.hasSuffix(": " + error.diagnostic(in: testCase.expression) + "\n"), "\(text)")
        }
    }

    private func report(_ testCase: ArithmeticCase) -> String {
        guard case .value(_, let after) = testCase.outcome else { return "" }
        return after.keys.sorted().map { name in
            "if [ \"${\(name)+set}\" ]; then printf '\(name)=%s\\n' \"$\(name)\"; else echo '\(name) unset'; fi\n"
        }.joined()
    }
}
