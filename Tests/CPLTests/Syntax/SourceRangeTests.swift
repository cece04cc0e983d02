import Testing
@testable import CPL

@Suite("Source ranges")
struct SourceRangeTests {
    @Test func wordRanges() {
        let words = simpleCommand("echo  hi 'a b'")!.words
        #expect(words.map(\.range) == [
            SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 5, 4)),
            SourceRange(start: srcLoc(1, 7, 6), end: srcLoc(1, 9, 8)),
            SourceRange(start: srcLoc(1, 10, 9), end: srcLoc(1, 15, 14)),
        ])
    }

    @Test func rangesOnLaterLines() {
        guard let program = parsed("a\n  b c\n") else { return }
        #expect(program.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(3, 1, 8)))
        guard case .simple(let command) = program.items[1].andOr.first.stages[0] else { return }
        #expect(command.range == SourceRange(start: srcLoc(2, 3, 4), end: srcLoc(2, 6, 7)))
        #expect(command.words[1].range.start == srcLoc(2, 5, 6))
    }

    @Test func itemRangeIncludesItsTerminator() {
        guard let program = parsed("a && b & c") else { return }
        #expect(program.items[0].range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 9, 8)))
        #expect(program.items[0].andOr.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 7, 6)))
        #expect(program.items[1].range == SourceRange(start: srcLoc(1, 10, 9), end: srcLoc(1, 11, 10)))
    }

    @Test func simpleCommandRangeIncludesRedirections() {
        let command = simpleCommand("<in cmd 2>&1")!
        #expect(command.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 13, 12)))
        #expect(command.redirections.map(\.range) == [
            SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 4, 3)),
            SourceRange(start: srcLoc(1, 9, 8), end: srcLoc(1, 13, 12)),
        ])
    }

    @Test func parameterExpansionRanges() {
        let parts = wordParts("echo a${X:-yz}$Y", 1)
        guard parts.count == 3, case .parameter(let braced) = parts[1], case .parameter(let plain) = parts[2] else {
            Issue.record("unexpected parts \(parts)")
            return
        }
        #expect(braced.range == SourceRange(start: srcLoc(1, 7, 6), end: srcLoc(1, 15, 14)))
        #expect(braced.argument?.range == SourceRange(start: srcLoc(1, 12, 11), end: srcLoc(1, 14, 13)))
        #expect(plain.range == SourceRange(start: srcLoc(1, 15, 14), end: srcLoc(1, 17, 16)))
    }

    @Test func nestedProgramRangesAreAbsolute() {
        let parts = wordParts("echo \"$(\n  ls  -l\n)\"", 1)
        guard case .doubleQuoted(let inner) = parts.first, case .commandSubstitution(let substitution) = inner.first,
            case .simple(let command) = substitution.program.items[0].andOr.first.stages[0]
        else {
            Issue.record("unexpected parts \(parts)")
            return
        }
        #expect(command.words[1].range == SourceRange(start: srcLoc(2, 7, 15), end: srcLoc(2, 9, 17)))
        #expect(substitution.range == SourceRange(start: srcLoc(1, 7, 6), end: srcLoc(3, 2, 19)))
    }

    @Test func groupAndPipelineRanges() {
        guard let program = parsed("! { a; } | (b) >f") else { return }
        let pipeline = program.items[0].andOr.first
        #expect(pipeline.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 18, 17)))
        #expect(pipeline.stages[0].range == SourceRange(start: srcLoc(1, 3, 2), end: srcLoc(1, 9, 8)))
        #expect(pipeline.stages[1].range == SourceRange(start: srcLoc(1, 12, 11), end: srcLoc(1, 18, 17)))
        guard case .braceGroup(let group) = pipeline.stages[0] else { return }
        #expect(group.body.range == SourceRange(start: srcLoc(1, 4, 3), end: srcLoc(1, 8, 7)))
    }

    @Test func byteRangeSlicesTheSource() {
        let source = "x=1 cmd 'ü*' end"
        let word = simpleCommand(source)!.words[1]
        let bytes = Array(source.utf8)[word.range.byteRange]
        #expect(String(decoding: bytes, as: UTF8.self) == "'ü*'")
        #expect(word.range.start.column == 9)
        #expect(word.range.end.column == 13)
        #expect(word.range.end.offset == 13)
    }

    @Test func lineContinuationInsideAssignmentName() {
        let assignment = simpleCommand("AB\\\nC=v x")!.assignments[0]
        #expect(assignment.name == "ABC")
        #expect(assignment.value.range.start == srcLoc(2, 3, 6))
        #expect(assignment.value.sourceText == "v")
    }
}
