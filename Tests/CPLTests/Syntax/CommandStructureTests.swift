import Testing
@testable import CPL

@Suite("Commands, pipelines and lists")
struct CommandStructureTests {
    @Test func prefixAssignmentsThenWords() {
        let command = simpleCommand("A=1 B='x y' cmd arg")
        #expect(command?.assignments.map(\.name) == ["A", "B"])
        #expect(command?.assignments.map(\.value.parts) == [[.literal("1")], [.singleQuoted("x y")]])
        #expect(command?.words.map(\.sourceText) == ["cmd", "arg"])
    }

    @Test func assignmentAfterCommandNameIsAnArgument() {
        let command = simpleCommand("cmd a=b")
        #expect(command?.assignments == [])
        #expect(command?.words.map(\.sourceText) == ["cmd", "a=b"])
    }

    @Test func assignmentsAloneAreACommand() {
        let command = simpleCommand("X=1 Y=")
        #expect(command?.words == [])
        #expect(command?.assignments.map(\.name) == ["X", "Y"])
        #expect(command?.assignments[1].value.parts == [])
        #expect(command?.assignments[1].value.sourceText == "")
    }

    @Test func assignmentValueRangeStartsAfterEquals() {
        let assignment = simpleCommand("FOO=bar baz")!.assignments[0]
        #expect(assignment.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 8, 7)))
        #expect(assignment.value.range == SourceRange(start: srcLoc(1, 5, 4), end: srcLoc(1, 8, 7)))
        #expect(assignment.value.sourceText == "bar")
    }

    @Test func notAssignments() {
        // Quoted or escaped names, a leading digit, or no name at all.
        let command = simpleCommand(#""A"=1 A\=1 1A=2 =x"#)
        #expect(command?.assignments == [])
        #expect(command?.words.count == 4)
    }

    @Test func assignmentValueWithQuotesAndExpansions() {
        #expect(compactDump(#"A=a"$B"'c'$(d) e"#) == #"A=lit"a"+dq[$B]+sq"c"+$(lit"d") lit"e""#)
    }

    @Test func redirectionsAnywhereKeepTheirOrder() {
        let command = simpleCommand(">out A=1 cmd 2>&1 arg <in")
        #expect(command?.assignments.map(\.name) == ["A"])
        #expect(command?.words.map(\.sourceText) == ["cmd", "arg"])
        #expect(command?.redirections.map(\.op) == [.output, .duplicateOutput, .input])
        #expect(command?.redirections.map(\.fd) == [nil, 2, nil])
        #expect(command?.redirections.map(\.description) == [#">lit"out""#, #"2>&lit"1""#, #"<lit"in""#])
    }

    @Test func redirectionOnlyCommand() {
        let command = simpleCommand(">file")
        #expect(command?.words == [])
        #expect(command?.redirections.count == 1)
    }

    @Test func allRedirectionOperators() {
        let command = simpleCommand("c <a >b >>c >|d <>e >&2 <&0 >&- <&- &>f &>>g 3<<<h 9>i")
        #expect(
            command?.redirections.map(\.op) == [
                .input, .output, .append, .clobber, .readWrite, .duplicateOutput, .duplicateInput,
                .duplicateOutput, .duplicateInput, .outputAndError, .appendOutputAndError, .hereString, .output,
            ])
        #expect(command?.redirections.map(\.fd) == [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 3, 9])
        let targets = command?.redirections.map { redirection -> String in
            if case .word(let word) = redirection.target { return word.sourceText }
            return "?"
        }
        #expect(targets == ["a", "b", "c", "d", "e", "2", "0", "-", "-", "f", "g", "h", "i"])
        #expect(command?.redirections.map(\.effectiveDescriptor) == [0, 1, 1, 1, 0, 1, 0, 1, 0, nil, nil, 3, 9])
    }

    @Test func redirectionTargetMayFollowBlanks() {
        #expect(compactDump("c > out 2>& 1 <<< 'x y'") == #"lit"c" >lit"out" 2>&lit"1" <<<sq"x y""#)
    }

    @Test func ioNumberMustTouchTheOperator() {
        #expect(compactDump("echo 2>f") == #"lit"echo" 2>lit"f""#)
        #expect(compactDump("echo 2 >f") == #"lit"echo" lit"2" >lit"f""#)
        #expect(compactDump(#"echo \2>f"#) == #"lit"echo" esc"2" >lit"f""#)
        #expect(compactDump("echo '2'>f") == #"lit"echo" sq"2" >lit"f""#)
        #expect(compactDump("echo a2>f") == #"lit"echo" lit"a2" >lit"f""#)
        #expect(compactDump("echo 12<f") == #"lit"echo" 12<lit"f""#)
    }

    @Test func ioNumberTooLarge() {
        let error = syntaxError("echo 99999999999>f")
        #expect(error?.message == "file descriptor number `99999999999` is too large")
        #expect(error?.column == 6)
    }

    @Test func pipelines() {
        guard let program = parsed("a | b |& c") else { return }
        let pipeline = program.items[0].andOr.first
        #expect(pipeline.stages.count == 3)
        #expect(pipeline.pipeStderr == [false, true])
        #expect(!pipeline.negated)
    }

    @Test func negation() {
        guard let program = parsed("! a | b") else { return }
        let pipeline = program.items[0].andOr.first
        #expect(pipeline.negated)
        #expect(pipeline.stages.count == 2)
        #expect(pipeline.range.start == srcLoc(1, 1, 0))
        #expect(compactDump("!a") == #"lit"!a""#)
        #expect(compactDump("a && ! b") == #"lit"a" && ! lit"b""#)
    }

    @Test func andOrIsLeftAssociativeWithEqualPrecedence() {
        guard let program = parsed("a && b || c && d") else { return }
        let andOr = program.items[0].andOr
        #expect(andOr.first.description == #"lit"a""#)
        #expect(andOr.rest.map(\.op) == [.and, .or, .and])
        #expect(andOr.rest.map(\.pipeline.description) == [#"lit"b""#, #"lit"c""#, #"lit"d""#])
        #expect(andOr.pipelines.count == 4)
    }

    @Test func pipeBindsTighterThanAndOr() {
        guard let program = parsed("a | b && c | d") else { return }
        let andOr = program.items[0].andOr
        #expect(andOr.first.stages.count == 2)
        #expect(andOr.rest[0].pipeline.stages.count == 2)
    }

    @Test func listTerminators() {
        guard let program = parsed("a; b & c &! d\ne") else { return }
        #expect(program.items.map(\.terminator) == [.sequential, .background, .detached, .sequential, .sequential])
        #expect(program.items.map(\.andOr.first.description) == [#"lit"a""#, #"lit"b""#, #"lit"c""#, #"lit"d""#, #"lit"e""#])
    }

    @Test func terminatorAppliesToTheWholeAndOrList() {
        guard let program = parsed("a && b || c &") else { return }
        #expect(program.items.count == 1)
        #expect(program.items[0].terminator == .background)
        #expect(program.items[0].andOr.rest.count == 2)
    }

    @Test func newlineContinuesAfterOperators() {
        #expect(compactDump("a |\n\n b &&\n # comment\n c ||\n d") == #"lit"a" | lit"b" && lit"c" || lit"d""#)
    }

    @Test func blankLinesAndCommentsBetweenCommands() {
        #expect(compactDump("\n# c1\na\n\n  # c2\n\nb # c3\n\n") == #"lit"a"; lit"b""#)
    }

    @Test func trailingSemicolonAndAmpersand() {
        #expect(compactDump("a;") == #"lit"a""#)
        guard let program = parsed("a &") else { return }
        #expect(program.items.map(\.terminator) == [.background])
    }

    @Test func subshellWithRedirections() {
        guard let program = parsed("( a; b ) >out 2>&1") else { return }
        guard case .subshell(let group) = program.items[0].andOr.first.stages[0] else {
            Issue.record("not a subshell")
            return
        }
        #expect(group.body.compactDescription == #"lit"a"; lit"b""#)
        #expect(group.redirections.map(\.description) == [#">lit"out""#, #"2>&lit"1""#])
        #expect(group.range == SourceRange(start: srcLoc(1, 1, 0), end: srcLoc(1, 19, 18)))
    }

    @Test func braceGroup() {
        guard let program = parsed("{ a; b & } 2>/dev/null") else { return }
        guard case .braceGroup(let group) = program.items[0].andOr.first.stages[0] else {
            Issue.record("not a brace group")
            return
        }
        #expect(group.body.items.map(\.terminator) == [.sequential, .background])
        #expect(group.redirections.count == 1)
    }

    @Test func groupsAsPipelineStages() {
        #expect(compactDump("{ a; } | (b) |& { c\n}") == #"{ lit"a"; } | ( lit"b" ) |& { lit"c"; }"#)
    }

    @Test func groupsAcrossLines() {
        #expect(compactDump("{\n  a\n  b\n}\n(\n c\n)") == #"{ lit"a"; lit"b"; }; ( lit"c" )"#)
    }

    @Test func closingBraceAfterAGroupNeedsNoSemicolon() {
        #expect(compactDump("{ (a) }") == #"{ ( lit"a" ); }"#)
        #expect(compactDump("{ { a; } }") == #"{ { lit"a"; }; }"#)
    }

    @Test func braceNeedsToBeAWholeWord() {
        // `{a` is a command name; `}` after a word is an argument.
        #expect(compactDump("{a; }x") == #"lit"{a"; lit"}x""#)
        let error = syntaxError("{ a }")
        #expect(error?.isIncomplete == true)
        #expect(compactDump("{ a }\n}") == #"{ lit"a" lit"}"; }"#)
    }

    @Test func braceAfterAssignmentIsAWord() {
        #expect(compactDump("X=1 { a") == #"X=lit"1" lit"{" lit"a""#)
    }

    @Test func nestedSubshells() {
        #expect(compactDump("((a) | (b))") == #"( ( lit"a" ) | ( lit"b" ) )"#)
    }

    @Test func negatedGroup() {
        #expect(compactDump("! { a; } && ! (b)") == #"! { lit"a"; } && ! ( lit"b" )"#)
    }

    @Test func backgroundItemsInsideSubstitution() {
        #expect(compactDump("echo $(a & b)") == #"lit"echo" $(lit"a" & lit"b")"#)
    }
}
