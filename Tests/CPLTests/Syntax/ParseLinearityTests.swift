import Testing
@testable import CPL

/// Parsing is linear in the input: ten times the text costs at most twelve times the work. Work
/// is the parser's step count (bytes the lexer looked at and bytes walked to count columns),
/// which unlike a timing is the same on a loaded machine.
@Suite("Parse work is linear in the input")
struct ParseLinearityTests {
    /// The steps of parsing `text`, which must parse.
    func steps(_ text: String) throws -> Int {
        var parser = Parser(source: SourceText(text), fileName: "t")
        _ = try parser.parseWholeBuffer()
        return parser.scan.steps
    }

    /// Commands exercising words, quotes, expansions, substitutions (`$(…)` and backquotes),
    /// redirections and text that is not ASCII (whose columns are counted, not computed).
    static let command = #"printf "%s é" a "$x" ${y:-z} $(echo `echo q` | cat) > /dev/null 2>&1"#

    @Test(arguments: [1, 2])
    func oneLongLine(shape: Int) throws {
        let separator = shape == 1 ? "; " : " && "
        let small = String(repeating: ParseLinearityTests.command + separator, count: 200) + ":\n"
        let large = String(repeating: ParseLinearityTests.command + separator, count: 2000) + ":\n"
        let ratio = Double(try steps(large)) / Double(try steps(small))
        #expect(ratio <= 12, "10× the text on one line took \(ratio)× the steps")
    }

    @Test func manyLines() throws {
        let small = String(repeating: ParseLinearityTests.command + "\n", count: 200)
        let large = String(repeating: ParseLinearityTests.command + "\n", count: 2000)
        let ratio = Double(try steps(large)) / Double(try steps(small))
        #expect(ratio <= 12, "10× the lines took \(ratio)× the steps")
    }

    @Test func nestedGroupsAndHereDocuments() throws {
        func script(_ count: Int) -> String {
            String(repeating: "{ if a; then b <<EOF\nbody é $x\nEOF\nfi; } | while read l; do case $l in *) :;; esac; done\n", count: count)
        }
        let ratio = Double(try steps(script(2000))) / Double(try steps(script(200)))
        #expect(ratio <= 12, "10× the text took \(ratio)× the steps")
    }

    /// The steps count what a quadratic parse would repeat: without the column walk from the
    /// last location, a long line that is not ASCII costs a walk from its start per token.
    @Test func stepsGrowWithTheColumnWalks() throws {
        let ascii = String(repeating: "echo a; ", count: 500) + "\n"
        let accented = String(repeating: "echo é; ", count: 500) + "\n"
        let asciiSteps = try steps(ascii)
        let accentedSteps = try steps(accented)
        #expect(accentedSteps > asciiSteps)
        #expect(accentedSteps < asciiSteps * 3)
    }

    /// Columns counted from the last location agree with columns counted from the line's start,
    /// whichever way the parser moves (a program's range is asked for after its contents).
    @Test func columnsOnLinesThatAreNotASCII() throws {
        let text = "é $(ü a) `b ä` c\nx é y $(z)\n"
        let program = try Parser.parse(text, fileName: "t")
        let source = SourceText(text)
        var checked = 0
        func check(_ range: SourceRange) {
            for location in [range.start, range.end] {
                #expect(location == source.location(at: location.offset, from: nil).location)
                checked += 1
            }
        }
        check(program.range)
        for item in program.items {
            check(item.range)
            for stage in item.andOr.first.stages {
                check(stage.range)
                guard case .simple(let command) = stage else { continue }
                for word in command.words {
                    check(word.range)
                    for part in word.parts {
                        if case .commandSubstitution(let substitution) = part { check(substitution.program.range) }
                    }
                }
            }
        }
        #expect(checked > 20)
        let last = try #require(program.items.last)
        guard case .simple(let command) = last.andOr.first.stages[0] else {
            Issue.record("not a simple command")
            return
        }
        #expect(command.words.map(\.range.start.column) == [1, 3, 5, 7])
    }
}
