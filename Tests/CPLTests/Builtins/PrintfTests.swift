import Glibc
import Testing
@testable import CPL

/// One `printf FORMAT ARGUMENTS…` and what dash 0.5.12 (Debian) printed for it.
struct PrintfCase: Sendable, CustomTestStringConvertible {
    let format: ByteString
    let arguments: [ByteString]
    let output: ByteString
    let status: Int32
    let diagnostics: [String]

    init(_ format: ByteString, _ arguments: [ByteString], _ output: ByteString, status: Int32, diagnostics: [String] = []) {
        self.format = format
        self.arguments = arguments
        self.output = output
        self.status = status
        self.diagnostics = diagnostics
    }

    var testDescription: String { "printf \(([format] + arguments).map(\.description))" }
}

/// Taken from `dash -c 'printf "$@"' dash FORMAT ARGUMENTS…` (stdout bytes, status, and stderr
/// without `dash: 1: printf: `).
let printfCases: [PrintfCase] = [
        .init("hello\\n", [], "hello\n", status: 0),
        .init("a\\\\b\\ac\\bd\\ee\\ff\\ng\\rh\\ti\\vj", [], "a\\b\u{7}c\u{8}d\u{1B}e\u{C}f\ng\rh\ti\u{B}j", status: 0),
        .init("\\q\\x41\\u00e9\\\"\\'", [], "\\q\\x41\\u00e9\\\"\\'", status: 0),
        .init("\\101\\0101\\1234\\7\\400\\777|", [], bytes(0x41, 0x08, 0x31, 0x53, 0x34, 0x07, 0x00, 0xFF, 0x7C), status: 0),
        .init("\\08\\9", [], "\u{0}8\\9", status: 0),
        .init("trailing\\", [], "trailing\\", status: 0),
        .init("\\%d|", ["5"], "\\5|", status: 0),
        .init("\\c stays", [], "\\c stays", status: 0),
        .init("%%|%5%", [], "%|", status: 2, diagnostics: ["%5%: invalid directive"]),
        .init("%s|", ["abc"], "abc|", status: 0),
        .init("%s-%s|", ["a", "b", "c"], "a-b|c-|", status: 0),
        .init("[%5s][%-5s][%.2s][%5.1s][%.0s]", ["ab", "cd", "efgh", "xyz", "q"], "[   ab][cd   ][ef][    x][]", status: 0),
        .init("[%05s][% s][%+s][%#s]", ["ab", "c", "d", "e"], "[   ab][c][d][e]", status: 0),
        .init("[%*s][%-*s][%.*s]", ["4", "a", "4", "b", "1", "cd"], "[   a][b   ][c]", status: 0),
        .init("[%*s]", ["-4", "a"], "[a   ]", status: 0),
        .init("[%.*s]", ["-1", "abc"], "[abc]", status: 0),
        .init("[%s][%s]", ["only"], "[only][]", status: 0),
        .init("no conversions\\n", ["x", "y"], "no conversions\n", status: 0),
        .init("%s\\n", [], "\n", status: 0),
        .init("", ["a"], "", status: 0),
        .init("[%.2s]", ["\u{E9}x"], "[\u{E9}]", status: 0),
        .init("[%c][%c]", ["abc", "\u{E9}"], bytes(0x5B, 0x61, 0x5D, 0x5B, 0xC3, 0x5D), status: 0),
        .init("[%c]", [""], "[\u{0}]", status: 0),
        .init("[%c]", [], "[\u{0}]", status: 0),
        .init("[%3c][%-3c]", ["x", "y"], "[  x][y  ]", status: 0),
        .init("[%b]", ["a\\tb\\\\c\\101\\0101\\01234\\08\\e\\q"], "[a\tb\\cAAS4\u{0}8\u{1B}\\q]", status: 0),
        .init("[%b]", ["end\\"], "[end\\]", status: 0),
        .init("[%5b][%-5b][%.2b]", ["ab", "cd", "\\tx\\ty"], "[   ab][cd   ][\tx]", status: 0),
        .init("[%b]", ["a\\cb"], "[a", status: 0),
        .init("%s[%b]%s", ["1", "x\\cy", "2", "3"], "1[x", status: 0),
        .init("[%5b]", ["a\\cb"], "[    a", status: 0),
        .init("[%b]", ["\\0"], "[\u{0}]", status: 0),
        .init("[%3b]", ["\\0x"], "[ \u{0}x]", status: 0),
        .init("%b|", ["a", "b"], "a|b|", status: 0),
        .init("[%b]", ["\\x41\\u00e9"], "[\\x41\\u00e9]", status: 0),
        .init("[%b]", [], "[]", status: 0),
        .init("%d %i|", ["42", "-7"], "42 -7|", status: 0),
        .init("%d|%d|%d|%d", ["010", "0x1f", "0X1F", "+5"], "8|31|31|5", status: 0),
        .init("%o %u %x %X", ["8", "42", "255", "255"], "10 42 ff FF", status: 0),
        .init("%u|%x|%o", ["-1", "-1", "-1"], "18446744073709551615|ffffffffffffffff|1777777777777777777777", status: 0),
        .init("[%5d][%-5d][%05d][%+d][% d][%.3d][%5.3d]", ["1", "2", "3", "4", "5", "6", "7"], "[    1][2    ][00003][+4][ 5][006][  007]", status: 0),
        .init("[%#o][%#x][%#X][%#o]", ["8", "255", "255", "0"], "[010][0xff][0XFF][0]", status: 0),
        .init("[%-+ #05.3d]", ["3"], "[+003 ]", status: 0),
        .init("[%0-5d]", ["3"], "[3    ]", status: 0),
        .init("[%*d][%-*d][%.*d][%*.*d]", ["5", "1", "5", "2", "3", "3", "6", "3", "4"], "[    1][2    ][003][   004]", status: 0),
        .init("[%*d]", ["-5", "1"], "[1    ]", status: 0),
        .init("[%.*d]", ["-5", "1"], "[1]", status: 0),
        .init("[%.d][%.0d]", ["0", "0"], "[][]", status: 0),
        .init("%d|", ["'a", "\"b", "'", "'\u{E9}", bytes(0x27, 0xFF)], "97|98|0|195|255|", status: 0),
        .init("%x|", ["'A"], "41|", status: 0),
        .init("%d|", ["abc"], "0|", status: 1, diagnostics: ["abc: expected numeric value"]),
        .init("%d|", ["12abc", "5"], "12|5|", status: 1, diagnostics: ["12abc: not completely converted"]),
        .init("%d|", ["0x"], "0|", status: 1, diagnostics: ["0x: not completely converted"]),
        .init("%d|", [""], "0|", status: 0),
        .init("%d|", [" 12"], "12|", status: 0),
        .init("%d|", ["12 "], "12|", status: 1, diagnostics: ["12 : not completely converted"]),
        .init("%d|", ["-"], "0|", status: 1, diagnostics: ["-: expected numeric value"]),
        .init("%d|", ["  "], "0|", status: 1, diagnostics: ["  : expected numeric value"]),
        .init("%d|", ["1e3"], "1|", status: 1, diagnostics: ["1e3: not completely converted"]),
        .init("%d|", ["99999999999999999999"], "9223372036854775807|", status: 1, diagnostics: ["99999999999999999999: Numerical result out of range"]),
        .init("%d|", ["-99999999999999999999"], "-9223372036854775808|", status: 1, diagnostics: ["-99999999999999999999: Numerical result out of range"]),
        .init("%d|", ["9223372036854775807"], "9223372036854775807|", status: 0),
        .init("%d|", ["-9223372036854775808"], "-9223372036854775808|", status: 0),
        .init("%u|", ["18446744073709551615"], "18446744073709551615|", status: 0),
        .init("%u|", ["18446744073709551616"], "18446744073709551615|", status: 1, diagnostics: ["18446744073709551616: Numerical result out of range"]),
        .init("%x|", ["99999999999999999999"], "ffffffffffffffff|", status: 1, diagnostics: ["99999999999999999999: Numerical result out of range"]),
        .init("%d %d|", ["1"], "1 0|", status: 0),
        .init("[%*d]", ["abc", "1"], "[1]", status: 1, diagnostics: ["abc: expected numeric value"]),
        .init("[%*d]", ["4294967301", "1"], "[    1]", status: 0),
        .init("[%5*d]", ["3", "4"], "[%5*ld][%5*ld]", status: 0),
        .init("[%.5*d]", ["3", "4"], "[%.5*ld][%.5*ld]", status: 0),
        .init("%d|", ["08"], "0|", status: 1, diagnostics: ["08: not completely converted"]),
        .init("%o|", ["09"], "0|", status: 1, diagnostics: ["09: not completely converted"]),
        .init("%f|%.2f|%10.3f|%-10.1f|%+f|% f|%010.2f", ["1.5", "2.345", "3.14159", "2.5", "1", "2", "-3.5"], "1.500000|2.35|     3.142|2.5       |+1.000000| 2.000000|-000003.50", status: 0),
        .init("%e|%E|%g|%G|%a|%A", ["12345.678", "0.000123", "100000", "1e-10", "1", "0.5"], "1.234568e+04|1.230000E-04|100000|1E-10|0x1p+0|0X1P-1", status: 0),
        .init("%g|%g|%g", ["1e6", "123456789", "0.0001"], "1e+06|1.23457e+08|0.0001", status: 0),
        .init("%#g|%#x|%#.0f", ["1", "0", "3"], "1.00000|0|3.", status: 0),
        .init("%f|%f|%f|%f", ["inf", "-inf", "nan", "-0"], "inf|-inf|nan|-0.000000", status: 0),
        .init("%F|%E", ["inf", "nan"], "INF|NAN", status: 0),
        .init("%f|", ["0x1p3"], "8.000000|", status: 0),
        .init("%f|", ["1e999"], "inf|", status: 1, diagnostics: ["1e999: Numerical result out of range"]),
        .init("%f|", ["1e-999"], "0.000000|", status: 1, diagnostics: ["1e-999: Numerical result out of range"]),
        .init("%f|", ["abc"], "0.000000|", status: 1, diagnostics: ["abc: expected numeric value"]),
        .init("%f|", ["1.5x"], "1.500000|", status: 1, diagnostics: ["1.5x: not completely converted"]),
        .init("%f|", ["'a"], "97.000000|", status: 0),
        .init("%.*f|%*.*e", ["2", "3.14159", "12", "2", "1.5"], "3.14|    1.50e+00", status: 0),
        .init("%f|", [], "0.000000|", status: 0),
        .init("%.3g|", [" 2.5"], "2.5|", status: 0),
        .init("%f", ["1,5"], "1.000000", status: 1, diagnostics: ["1,5: not completely converted"]),
        .init("ab%y|", ["1"], "ab", status: 2, diagnostics: ["%y: invalid directive"]),
        .init("ab%5.2y", ["1"], "ab", status: 2, diagnostics: ["%5.2y: invalid directive"]),
        .init("ab%", [], "ab", status: 2, diagnostics: ["missing format character"]),
        .init("ab%5", [], "ab", status: 2, diagnostics: ["missing format character"]),
        .init("ab%.", [], "ab", status: 2, diagnostics: ["missing format character"]),
        .init("%**d", ["3", "4"], "", status: 2, diagnostics: ["%**: invalid directive"]),
        .init("%*5d", ["3"], "", status: 2, diagnostics: ["%*5: invalid directive"]),
        .init("%lld", ["3"], "", status: 2, diagnostics: ["%l: invalid directive"]),
        .init("%hd", ["3"], "", status: 2, diagnostics: ["%h: invalid directive"]),
        .init("%n", ["3"], "", status: 2, diagnostics: ["%n: invalid directive"]),
        .init("%1$d", ["3"], "", status: 2, diagnostics: ["%1$: invalid directive"]),
        .init("%'d", ["1000"], "", status: 2, diagnostics: ["%': invalid directive"]),
        .init("%s %y", ["a", "b"], "a ", status: 2, diagnostics: ["%y: invalid directive"]),
        .init("%d %y", ["x", "b"], "0 ", status: 2, diagnostics: ["x: expected numeric value", "%y: invalid directive"]),
        .init("%s|", ["x", "y", "z"], "x|y|z|", status: 0),
        .init("%b %y", ["a\\cb"], "a", status: 0),
        .init("\\377\\200|%s|", [bytes(0xFE, 0xFF)], bytes(0xFF, 0x80, 0x7C, 0xFE, 0xFF, 0x7C), status: 0),
        .init("%b", ["\\0377\\200"], bytes(0xFF, 0x80), status: 0),
        .init(bytes(0xFF, 0x25, 0x73, 0xFE), ["\u{E9}"], bytes(0xFF, 0xC3, 0xA9, 0xFE), status: 0),
        .init("%5s|", [bytes(0xFF)], bytes(0x20, 0x20, 0x20, 0x20, 0xFF, 0x7C), status: 0),
]

@Suite struct PrintfTests {
    @Test(arguments: printfCases)
    func matchesDash(_ example: PrintfCase) {
        let result = Printf.format(example.format.string, example.arguments.map(\.string))
        #expect(ByteString(result.output.losslessBytes) == example.output)
        #expect(result.status == example.status)
        #expect(result.diagnostics == example.diagnostics)
    }

    @Test(.enabled(if: dashPath != nil), arguments: printfCases)
    func tableStillMatchesDash(_ example: PrintfCase) {
        let run = runDash(#"printf "$@""#, [example.format] + example.arguments)
        #expect(ByteString(run.stdout) == example.output)
        #expect(run.status == example.status)
        #expect(run.messages == example.diagnostics.map { "printf: " + $0 })
    }

    @Test func backslashCInPercentBStopsEverything() {
        let result = Printf.format("%s[%b]%s\\n", ["1", #"x\cy"#, "2", "3"])
        #expect(result.output == "1[x")
        #expect(result.stopped)
        #expect(result.status == 0)
        #expect(!Printf.format("%b", ["x"]).stopped)
    }

    @Test func nonUTF8BytesComeOutAsTheirBytes() {
        let result = Printf.format(#"\377%s%c"#, [String(losslessBytes: [0xFE, 0x41]), String(losslessBytes: [0x80])])
        #expect(result.output == String(losslessBytes: [0xFF, 0xFE, 0x41, 0x80]))
    }

    @Test func optionsAndUsage() {
        #expect(Printf.run([]) == PrintfResult(output: "", diagnostics: ["usage: printf format [arg ...]"], status: 2, stopped: false))
        #expect(Printf.run(["--"]).diagnostics == ["usage: printf format [arg ...]"])
        #expect(Printf.run(["-x"]) == PrintfResult(output: "", diagnostics: ["Illegal option -x"], status: 2, stopped: false))
        #expect(Printf.run(["-%s", "a"]).diagnostics == ["Illegal option -%"])
        #expect(Printf.run(["--", "-%s|", "a"]).output == "-a|")
        #expect(Printf.run(["-"]).output == "-")
        #expect(Printf.run(["--", "--"]).output == "--")
        #expect(Printf.run(["%s|", "-x"]).output == "-x|")
    }

    @Test(.enabled(if: dashPath != nil))
    func optionsAndUsageMatchDash() {
        for operands: [ByteString] in [[], ["--"], ["-x"], ["-%s", "a"], ["--", "-%s|", "a"], ["-"], ["--", "--"]] {
            let run = runDash(#"printf "$@""#, operands)
            let result = Printf.run(operands.map(\.string))
            #expect(result.output.losslessBytes == run.stdout, "\(operands)")
            #expect(result.status == run.status, "\(operands)")
            #expect(result.diagnostics.map { "printf: " + $0 } == run.messages, "\(operands)")
        }
    }

    /// Numbers read and print as in the C locale even when the thread's locale uses a decimal
    /// comma (runs where a German locale is installed, or generated: `localedef -i de_DE -f
    /// UTF-8 DIR/de_DE.UTF-8` and `LOCPATH=DIR`).
    @Test(.enabled(if: germanNumbers().map { freelocale($0) } != nil))
    func numbersIgnoreTheThreadsLocale() throws {
        let german = try #require(germanNumbers())
        let previous = uselocale(german)
        defer {
            uselocale(previous)
            freelocale(german)
        }
        #expect(Printf.format("%.1f|%g|%f", ["1.5", "2.25", "2,5"]).output == "1.5|2.25|2.000000")
    }
}

/// A locale object with German numbers (decimal comma), if the system has one.
private func germanNumbers() -> locale_t? {
    newlocale(1 << LC_NUMERIC, "de_DE.UTF-8", nil)
}
