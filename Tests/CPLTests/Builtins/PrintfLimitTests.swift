import Testing
@testable import CPL

/// Widths and precisions C's printf cannot take (over INT_MAX, or a `*` width of INT_MIN, which
/// has no left-justified negation). dash 0.5.12 says "xvsnprintf failed", stops the format there
/// (what came before is written) and exits 2; cpl does the same with a message that names the
/// directive. What dash does with each is in the comment.
@Suite struct PrintfLimitTests {
    private static let overflow = "Value too large for defined data type"

    /// `*` operands are cut to C's int as in dash: 2^31 and -2^31 are INT_MIN, 2^32 + 5 is 5.
    @Test(arguments: [
        ("a%*d|b", ["2147483648", "5"], "%*d"),  // dash: "a", 2
        ("a%*d|b", ["-2147483648", "5"], "%*d"),
        ("a%-*s|b", ["2147483648", "x"], "%-*s"),
        ("a%*b|b", ["2147483648", "x"], "%*b"),
        ("a%*c|b", ["2147483648", "x"], "%*c"),
        ("a%*.*f|b", ["2147483648", "1", "1"], "%*.*f"),
        ("a%2147483648d|b", ["5"], "%2147483648d"),  // dash: "a", 2
        ("a%.2147483648d|b", ["5"], "%.2147483648d"),
        ("a%4294967301s|b", ["5"], "%4294967301s"),
    ])
    func aDirectiveCCannotPrintEndsTheFormat(format: String, arguments: [String], directive: String) {
        let result = Printf.format(format, arguments)
        #expect(result.output == "a")
        #expect(result.status == 2)
        #expect(result.diagnostics == ["\(directive): \(Self.overflow)"])
    }

    /// What C can print goes on as before: a wrapped `*` width, and a `*` precision of INT_MIN
    /// (negative, so none), as dash prints them.
    @Test func widthsThatWrapToAnIntArePrinted() {
        #expect(Printf.format("a%*d|b", ["4294967301", "5"]) == PrintfResult(output: "a    5|b", diagnostics: [], status: 0, stopped: false))
        #expect(Printf.format("a%.*d|b", ["2147483648", "5"]) == PrintfResult(output: "a5|b", diagnostics: [], status: 0, stopped: false))
    }

    /// The operands' own diagnostics come first, then the format stops; no later repetition runs.
    @Test func theFailureStopsTheRepeatedFormat() {
        let result = Printf.format("[%s]%*d", ["x", "2147483648", "1", "y", "1", "2"])
        #expect(result.output == "[x]")
        #expect(result.status == 2)
        #expect(result.diagnostics == ["%*d: \(Self.overflow)"])
    }
}
