import Testing
@testable import CPL

@Suite("Expansions")
struct ExpansionTests {
    func parameter(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ParameterExpansion? {
        let parts = wordParts(source, 1, sourceLocation: sourceLocation)
        guard parts.count == 1, case .parameter(let expansion) = parts[0] else {
            Issue.record("not a parameter: \(parts)", sourceLocation: sourceLocation)
            return nil
        }
        return expansion
    }

    @Test func simpleNames() {
        #expect(compactDump("echo $HOME $_x1 ${PATH}") == #"lit"echo" $HOME $_x1 ${PATH}"#)
        let expansion = parameter("echo $HOME")
        #expect(expansion?.name == "HOME")
        #expect(expansion?.braced == false)
        #expect(expansion?.op == nil)
    }

    @Test(arguments: ["?", "!", "$", "#", "@", "*", "-", "0", "1", "9"])
    func specialAndPositionalParameters(name: String) {
        #expect(parameter("echo $\(name)")?.name == name)
    }

    @Test func singleDigitPositionalThenText() {
        #expect(compactDump("echo $10 $12a") == #"lit"echo" $1+lit"0" $1+lit"2a""#)
        #expect(parameter("echo ${10}")?.name == "10")
        #expect(parameter("echo ${10}")?.positionalIndex == 10)
        #expect(parameter("echo $?")?.isSpecial == true)
    }

    @Test func nameStopsAtNonNameCharacter() {
        #expect(compactDump("echo $a.b $a-b") == #"lit"echo" $a+lit".b" $a+lit"-b""#)
    }

    @Test func lonelyDollarIsLiteral() {
        #expect(compactDump(#"echo $ a$ $/ "$" $%"#) == #"lit"echo" lit"$" lit"a$" lit"$/" dq[lit"$"] lit"$%""#)
    }

    @Test func defaultValueWithQuotesAndExpansions() {
        let expansion = parameter(#"echo ${NAME:-"a b"$X'c'}"#)
        #expect(expansion?.op == .useDefault(colon: true))
        #expect(
            expansion?.argument?.parts == [
                .doubleQuoted([.literal("a b")]),
                .parameter(ParameterExpansion(name: "X", braced: false, range: SourceRange(start: srcLoc(1, 19, 18), end: srcLoc(1, 21, 20)))),
                .singleQuoted("c"),
            ])
        #expect(expansion?.argument?.sourceText == #""a b"$X'c'"#)
    }

    @Test func allOperatorForms() {
        #expect(
            compactDump("echo ${A-x} ${A:=x} ${A=x} ${A:+x} ${A+x} ${A:?x} ${A?x} ${A%x} ${A%%x} ${A#x} ${A##x}")
                == #"lit"echo" ${A-lit"x"} ${A:=lit"x"} ${A=lit"x"} ${A:+lit"x"} ${A+lit"x"} ${A:?lit"x"} ${A?lit"x"} ${A%lit"x"} ${A%%lit"x"} ${A#lit"x"} ${A##lit"x"}"#
        )
    }

    @Test func lengthAndHashForms() {
        #expect(parameter("echo ${#NAME}")?.op == .length)
        #expect(parameter("echo ${#NAME}")?.name == "NAME")
        #expect(parameter("echo ${#}")?.name == "#")
        #expect(parameter("echo ${#}")?.op == nil)
        #expect(parameter("echo ${##}")?.op == .length)
        #expect(parameter("echo ${#1}")?.name == "1")
    }

    @Test func emptyArgument() {
        let expansion = parameter("echo ${X:-}")
        #expect(expansion?.argument?.parts == [])
        #expect(expansion?.argument?.sourceText == "")
    }

    @Test func argumentKeepsBlanksAndOperators() {
        #expect(compactDump("echo ${X:-a  b;c|d}") == #"lit"echo" ${X:-lit"a  b;c|d"}"#)
    }

    @Test func closingBraceIsTheFirstUnquotedOne() {
        // As in dash: braces are not counted.
        #expect(compactDump("echo ${X:-{a}b}") == #"lit"echo" ${X:-lit"{a"}+lit"b}""#)
        #expect(compactDump(#"echo ${X-"}"} ${X-\}}"#) == #"lit"echo" ${X-dq[lit"}"]} ${X-esc"}"}"#)
    }

    @Test func argumentInsideDoubleQuotesFollowsDoubleQuoteRules() {
        // Single quotes are literal there; nested double quotes and \} work.
        #expect(
            compactDump(#"echo "${X:-'a' "b c" \} \q}""#)
                == #"lit"echo" dq[${X:-lit"'a' "+dq[lit"b c"]+lit" "+esc"}"+lit" \\q"}]"#)
    }

    @Test func tildeInDefaultWord() {
        #expect(compactDump(#"echo ${X:-~/a} ${X:-"~"/a}"#) == #"lit"echo" ${X:-tilde+lit"/a"} ${X:-dq[lit"~"]+lit"/a"}"#)
    }

    @Test func commandSubstitutionIsParsedRecursively() {
        let parts = wordParts("echo $(ls -l | wc -l)", 1)
        guard case .commandSubstitution(let substitution) = parts.first else {
            Issue.record("no substitution")
            return
        }
        #expect(!substitution.backquoted)
        #expect(substitution.program.compactDescription == #"lit"ls" lit"-l" | lit"wc" lit"-l""#)
        #expect(substitution.range == SourceRange(start: srcLoc(1, 6, 5), end: srcLoc(1, 22, 21)))
        #expect(substitution.program.items[0].range.start == srcLoc(1, 8, 7))
    }

    @Test func nestedCommandSubstitutions() {
        #expect(
            compactDump(#"echo $(a $(b "$(c)") d)x"#)
                == #"lit"echo" $(lit"a" $(lit"b" dq[$(lit"c")]) lit"d")+lit"x""#)
    }

    @Test func closingParenInsideQuotesAndNestedSubshell() {
        #expect(compactDump(#"echo $(echo ')' ")" \); (a; b))"#)
            == #"lit"echo" $(lit"echo" sq")" dq[lit")"] esc")"; ( lit"a"; lit"b" ))"#)
        // `(` after words is an error inside too, as in sh.
        #expect(syntaxError("echo $(echo a (b))")?.message == "syntax error: unexpected `(`")
    }

    @Test func commandSubstitutionMayBeEmptyOrMultiLine() {
        #expect(compactDump("echo $( )x") == #"lit"echo" $()+lit"x""#)
        #expect(compactDump("echo $(\n  a\n  # comment\n  b\n)") == #"lit"echo" $(lit"a"; lit"b")"#)
    }

    @Test func commandSubstitutionInsideDoubleQuotes() {
        #expect(compactDump(#"echo "x$(echo "y z")w""#) == #"lit"echo" dq[lit"x"+$(lit"echo" dq[lit"y z"])+lit"w"]"#)
    }

    @Test func backquotes() {
        let parts = wordParts(#"echo `echo \$HOME \`date\``"#, 1)
        guard case .commandSubstitution(let substitution) = parts.first else {
            Issue.record("no substitution")
            return
        }
        #expect(substitution.backquoted)
        #expect(substitution.program.compactDescription == #"lit"echo" $HOME `lit"date"`"#)
        // Positions inside backquotes point into the original source (an
        // unescaped `\$` maps to its `$`).
        guard case .simple(let inner) = substitution.program.items[0].andOr.first.stages[0] else { return }
        #expect(inner.words[1].range.start == srcLoc(1, 13, 12))
        #expect(inner.words[1].range.end == srcLoc(1, 18, 17))
    }

    @Test func backquotesInDoubleQuotesUnescapeDoubleQuote() {
        #expect(compactDump(#"echo "`echo \"a b\"`""#) == #"lit"echo" dq[`lit"echo" dq[lit"a b"]`]"#)
    }

    @Test func tildeForms() {
        #expect(compactDump("echo ~ ~/a ~bob ~bob/x") == #"lit"echo" tilde tilde+lit"/a" tilde(bob) tilde(bob)+lit"/x""#)
    }

    @Test func tildeThatIsNotATilde() {
        #expect(compactDump(#"echo "~" a~ \~ '~' ~"u" ~$U"#) == #"lit"echo" dq[lit"~"] lit"a~" esc"~" sq"~" lit"~"+dq[lit"u"] lit"~"+$U"#)
    }

    @Test func tildeInAssignmentValues() {
        #expect(compactDump("P=~/bin:~bob/x:a~ Q=~ R=~:~") == #"P=tilde+lit"/bin:"+tilde(bob)+lit"/x:a~" Q=tilde R=tilde+lit":"+tilde"#)
        #expect(compactDump(#"P=~"x" Q="~""#) == #"P=lit"~"+dq[lit"x"] Q=dq[lit"~"]"#)
        // Not in arguments (as in dash).
        #expect(compactDump("echo a=~/x") == #"lit"echo" lit"a=~/x""#)
    }

    @Test func arithmeticExpansions() {
        #expect(compactDump("echo $((1 + (2)))") == #"lit"echo" arith[lit"1 + (2)"]"#)
        #expect(compactDump("echo \"$((x*$y))\"") == #"lit"echo" dq[arith[lit"x*"+$y]]"#)
        #expect(compactDump("echo $( (a) )") == #"lit"echo" $(( lit"a" ))"#)
    }

    @Test func staticArithmeticErrorsAreSyntaxErrors() {
        let error = syntaxError("echo ok\necho $((1 + ))")
        #expect(error?.message == "arithmetic syntax error: expecting primary")
        #expect(error?.line == 2)
        #expect(error?.column == 13)
        #expect(syntaxError("echo $((1 + 2)")?.message == "arithmetic expansion `$((` is closed by a single `)`")
        #expect(syntaxError("echo $((1 + 2")?.isIncomplete == true)
        // With an expansion inside, the text is only known when it runs.
        #expect(compactDump("echo $((1 + $x +))") == #"lit"echo" arith[lit"1 + "+$x+lit" +"]"#)
    }

    @Test func badSubstitution() {
        let error = syntaxError("echo ${X^a}")
        #expect(error?.message == "bad substitution: unexpected `^` in `${…}`")
        #expect(error?.column == 9)
        #expect(error?.isIncomplete == false)
        #expect(syntaxError("echo ${}")?.column == 8)
        #expect(syntaxError("echo ${ X}")?.message == "bad substitution: unexpected ` ` in `${…}`")
        #expect(syntaxError("echo ${#X:-a}")?.column == 10)
    }

    @Test func deepNestingIsBounded() {
        let deep = String(repeating: "$(", count: 60) + "a" + String(repeating: ")", count: 60)
        #expect(parsed("echo " + deep) != nil)
        let tooDeep = String(repeating: "$(", count: 150) + "a" + String(repeating: ")", count: 150)
        #expect(syntaxError("echo " + tooDeep)?.message.hasPrefix("nesting is too deep") == true)
    }
}

@Suite("Expansion nesting limits")
struct ExpansionNestingTests {
    @Test func deeplyNestedParameterDefaultsAreBounded() {
        let ok = String(repeating: "${X:-", count: 50) + "a" + String(repeating: "}", count: 50)
        #expect(parsed("echo " + ok) != nil)
        let deep = String(repeating: "\"${X:-", count: 5000) + "a"
        let error = syntaxError("echo " + deep)
        #expect(error?.message.hasPrefix("nesting is too deep") == true)
        #expect(error?.isIncomplete == false)
    }

    @Test func deeplyNestedGroupsAreBounded() {
        #expect(syntaxError(String(repeating: "(", count: 5000))?.message.hasPrefix("nesting is too deep") == true)
        #expect(syntaxError(String(repeating: "{ ", count: 5000))?.message.hasPrefix("nesting is too deep") == true)
        #expect(syntaxError(String(repeating: "`", count: 1) + String(repeating: "\\`", count: 1))?.isIncomplete == true)
    }
}
