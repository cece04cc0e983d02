import Testing
@testable import CPL

@Suite("Words and quoting")
struct WordQuotingTests {
    @Test func bareWordsAreSplitOnBlanks() {
        #expect(compactDump("echo  hello\tworld") == #"lit"echo" lit"hello" lit"world""#)
    }

    @Test func adjacentPiecesJoinIntoOneWord() {
        #expect(wordParts(#"a'b'"c""#) == [.literal("a"), .singleQuoted("b"), .doubleQuoted([.literal("c")])])
    }

    @Test func singleQuotesAreLiteral() {
        #expect(wordParts(#"'$X \ "q" *'"#) == [.singleQuoted(#"$X \ "q" *"#)])
    }

    @Test func emptyQuotesStillMakeAWord() {
        let command = simpleCommand(#"echo '' """#)
        #expect(command?.words.map(\.parts) == [[.literal("echo")], [.singleQuoted("")], [.doubleQuoted([])]])
    }

    @Test func doubleQuoteEscapes() {
        // Only \" \\ \$ \` are escapes; other backslashes stay literal.
        #expect(
            wordParts(#""\"\\\$\`\a\n""#) == [
                .doubleQuoted([
                    .escaped("\""), .escaped("\\"), .escaped("$"), .escaped("`"), .literal(#"\a\n"#),
                ])
            ])
    }

    @Test func backslashNewlineInsideDoubleQuotesIsRemoved() {
        #expect(wordParts("\"ab\\\ncd\"") == [.doubleQuoted([.literal("abcd")])])
    }

    @Test func backslashEscapesOutsideQuotes() {
        #expect(wordParts(#"a\*b\ c"#) == [.literal("a"), .escaped("*"), .literal("b"), .escaped(" "), .literal("c")])
    }

    @Test func escapedMultibyteCharacterIsOneCharacter() {
        #expect(wordParts(#"\éx"#) == [.escaped("é"), .literal("x")])
    }

    @Test func lineContinuationJoinsAWord() {
        let command = simpleCommand("ec\\\nho a\\\nb")
        #expect(command?.words.map(\.parts) == [[.literal("echo")], [.literal("ab")]])
    }

    @Test func lineContinuationBetweenWords() {
        #expect(compactDump("echo a \\\n  b") == #"lit"echo" lit"a" lit"b""#)
    }

    @Test func globCharactersKeepTheirQuotedFlag() {
        // Unquoted * ? [ are literal parts; quoted ones sit in quoted parts.
        #expect(
            wordParts(#"*.'*'"?"\[x]"#) == [
                .literal("*."), .singleQuoted("*"), .doubleQuoted([.literal("?")]), .escaped("["), .literal("x]"),
            ])
        let words = simpleCommand(#"echo a* 'a*' "a*" a\*"#)!.words
        #expect(words.map(\.hasUnquotedGlobCharacters) == [false, true, false, false, false])
    }

    @Test func commentAtWordStart() {
        #expect(compactDump("echo a #b c\necho d") == #"lit"echo" lit"a"; lit"echo" lit"d""#)
    }

    @Test func hashInsideWordIsLiteral() {
        #expect(compactDump("echo a#b c#") == #"lit"echo" lit"a#b" lit"c#""#)
    }

    @Test func commentRightAfterOperator() {
        #expect(compactDump("a;#b\nc") == #"lit"a"; lit"c""#)
    }

    @Test func quotedHashIsNotAComment() {
        #expect(compactDump(##"echo '#a' "#b" \#c"##) == ##"lit"echo" sq"#a" dq[lit"#b"] esc"#"+lit"c""##)
    }

    @Test func commentOnlyAndBlankLines() {
        let program = parsed("\n\n# only a comment\n   \n\t# another\n")
        #expect(program?.items.isEmpty == true)
    }

    @Test func commentDoesNotContinueWithBackslash() {
        #expect(compactDump("a # comment \\\nb") == #"lit"a"; lit"b""#)
    }

    @Test func staticTextRemovesQuotes() {
        let words = simpleCommand(#"echo a'b'"c"\d "$X""#)!.words
        #expect(words[1].staticText == "abcd")
        #expect(words[2].staticText == nil)
        #expect(words[1].isQuoted)
        #expect(!words[0].isQuoted)
    }

    @Test func wordSourceTextIsTheOriginalSlice() {
        let words = simpleCommand(#"echo  a'b c'"$X"\d   ${Y:-z}"#)!.words
        #expect(words.map(\.sourceText) == ["echo", #"a'b c'"$X"\d"#, "${Y:-z}"])
    }

    @Test func operatorsEndWords() {
        #expect(compactDump("a|b&&c;d") == #"lit"a" | lit"b" && lit"c"; lit"d""#)
    }

    @Test func reservedWordsAreOrdinaryAfterTheCommandName() {
        #expect(compactDump("echo if then fi; echo while do done") == #"lit"echo" lit"if" lit"then" lit"fi"; lit"echo" lit"while" lit"do" lit"done""#)
    }

    @Test func bracesAndBangAsArgumentsAreWords() {
        #expect(compactDump("echo { } ! a{b") == #"lit"echo" lit"{" lit"}" lit"!" lit"a{b""#)
    }
}
