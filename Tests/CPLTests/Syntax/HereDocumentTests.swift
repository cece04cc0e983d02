import Testing
@testable import CPL

@Suite("Here-documents")
struct HereDocumentTests {
    @Test func unquotedBodyHasExpansions() {
        let document = firstHereDocument("cat <<EOF\nhi $USER \\$x \\\\ \\` \\\" \"q\" $(echo a)\nEOF\n")
        #expect(document?.delimiter == "EOF")
        #expect(document?.quoted == false)
        #expect(document?.stripTabs == false)
        #expect(document?.parts.description == #"[lit"hi ", $USER, lit" ", esc"$", lit"x ", esc"\\", lit" ", esc"`", lit" \\\" \"q\" ", $(lit"echo" lit"a"), lit"\n"]"#)
        #expect(document?.text == "hi $USER \\$x \\\\ \\` \\\" \"q\" $(echo a)\n")
    }

    @Test(arguments: ["'EOF'", "\"EOF\"", "\\EOF", "E\"O\"F", "E'OF'"])
    func quotedDelimiterMakesTheBodyLiteral(delimiter: String) {
        let document = firstHereDocument("cat <<\(delimiter)\n$HOME \\$ `x`\nEOF\n")
        #expect(document?.delimiter == "EOF")
        #expect(document?.quoted == true)
        #expect(document?.parts == [.literal("$HOME \\$ `x`\n")])
    }

    @Test func stripTabs() {
        let document = firstHereDocument("cat <<-EOF\n\t\tone\n\t two\n\tEOF\n")
        #expect(document?.stripTabs == true)
        #expect(document?.text == "one\n two\n")
        #expect(document?.parts == [.literal("one\n two\n")])
    }

    @Test func delimiterLineMustMatchExactly() {
        let document = firstHereDocument("cat <<EOF\n EOF\nEOF \nEOFx\nEOF\n")
        #expect(document?.text == " EOF\nEOF \nEOFx\n")
    }

    @Test func withoutStripTabsIndentedDelimiterDoesNotEnd() {
        let document = firstHereDocument("cat <<EOF\n\tEOF\nEOF\n")
        #expect(document?.text == "\tEOF\n")
    }

    @Test func emptyBody() {
        let document = firstHereDocument("cat <<EOF\nEOF\necho after")
        #expect(document?.parts == [])
        #expect(document?.text == "")
        #expect(compactDump("cat <<EOF\nEOF\necho after") == #"lit"cat" <<heredoc("EOF": <empty>); lit"echo" lit"after""#)
    }

    @Test func delimiterAtEndOfInputWithoutNewline() {
        #expect(firstHereDocument("cat <<EOF\nbody\nEOF")?.text == "body\n")
    }

    @Test func twoHereDocumentsOnOneLineAreReadInOrder() {
        guard let program = parsed("cat <<A; cat <<'B' | wc\nfirst $x\nA\nsecond $x\nB\necho done\n") else { return }
        #expect(
            program.compactDescription
                == #"lit"cat" <<heredoc("A": lit"first "+$x+lit"\n"); lit"cat" <<heredoc("B" quoted: lit"second $x\n") | lit"wc"; lit"echo" lit"done""#
        )
    }

    @Test func twoHereDocumentsOnOneCommand() {
        let command = simpleCommand("cmd <<A 3<<B\na\nA\nb\nB\n")
        #expect(command?.redirections.map(\.description) == [#"<<heredoc("A": lit"a\n")"#, #"3<<heredoc("B": lit"b\n")"#])
    }

    @Test func bodyIsReadAfterTheWholeLine() {
        // The rest of the line after `<<EOF` is still parsed normally.
        #expect(
            compactDump("cat <<EOF | grep x && echo y\nbody\nEOF\nz")
                == #"lit"cat" <<heredoc("EOF": lit"body\n") | lit"grep" lit"x" && lit"echo" lit"y"; lit"z""#)
    }

    @Test func hereDocumentInsideCommandSubstitution() {
        #expect(
            compactDump("echo $(cat <<X\ninner\nX\n) done")
                == #"lit"echo" $(lit"cat" <<heredoc("X": lit"inner\n")) lit"done""#)
    }

    @Test func outerHereDocumentBodyComesAfterTheOuterLine() {
        // As in dash and bash: the outer body is read after the outer line,
        // the inner one inside the substitution.
        #expect(
            compactDump("cat <<EOF | cat && echo $(cat <<X\ninner\nX\n)\nbody\nEOF\n")
                == #"lit"cat" <<heredoc("EOF": lit"body\n") | lit"cat" && lit"echo" $(lit"cat" <<heredoc("X": lit"inner\n"))"#)
    }

    @Test func hereDocumentInGroup() {
        #expect(compactDump("{ cat <<E\nx\nE\n}") == #"{ lit"cat" <<heredoc("E": lit"x\n"); }"#)
    }

    @Test func lineContinuationInUnquotedBody() {
        // A line ending in an odd number of backslashes joins the next one,
        // before the delimiter check (dash: `abc\` + `EOF` is not the end).
        let document = firstHereDocument("cat <<EOF\nabc\\\nEOF\nEOF\n")
        #expect(document?.parts == [.literal("abcEOF\n")])
        let evenBackslashes = firstHereDocument("cat <<EOF\na\\\\\nEOF\n")
        #expect(evenBackslashes?.parts == [.literal("a"), .escaped("\\"), .literal("\n")])
    }

    @Test func noLineContinuationInQuotedBody() {
        let document = firstHereDocument("cat <<'EOF'\nabc\\\nEOF\n")
        #expect(document?.text == "abc\\\n")
    }

    @Test func continuationLineKeepsItsTabsWithStripTabs() {
        let document = firstHereDocument("cat <<-EOF\n\ta\\\n\tb\n\tEOF\n")
        #expect(document?.parts == [.literal("a\tb\n")])
    }

    @Test func bodyPositionsPointIntoTheSource() {
        let document = firstHereDocument("cat <<-EOF\n\tx $Y\n\tEOF\n")
        #expect(document?.bodyRange == SourceRange(start: srcLoc(2, 1, 11), end: srcLoc(3, 5, 21)))
        guard case .parameter(let expansion)? = document?.parts.dropFirst().first else {
            Issue.record("no parameter")
            return
        }
        #expect(expansion.range == SourceRange(start: srcLoc(2, 4, 14), end: srcLoc(2, 6, 16)))
    }

    /// A body without tabs stripped is mapped to the source by a shift, not an entry per byte.
    @Test func bodyPositionsPointIntoTheSourceWithoutTabsStripped() {
        let document = firstHereDocument("cat <<EOF\nx $Y\nEOF\n")
        guard case .parameter(let expansion)? = document?.parts.dropFirst().first else {
            Issue.record("no parameter")
            return
        }
        #expect(expansion.range == SourceRange(start: srcLoc(2, 3, 12), end: srcLoc(2, 5, 14)))
    }

    /// Inside backquotes the buffer has a map of its own, and the body's is a run of it.
    @Test func errorInABodyInsideBackquotesPointsIntoTheSource() {
        let error = syntaxError("echo `cat <<EOF\nab $(echo\nEOF\n`\n")
        #expect(error?.message == "unterminated command substitution `$(`")
        #expect(error?.line == 2)
        #expect(error?.column == 4)
    }

    @Test func hereDocumentRedirectionRangeCoversDelimiterOnly() {
        let redirection = simpleCommand("cat 3<<-'E'\nx\nE\n")!.redirections[0]
        #expect(redirection.fd == 3)
        #expect(redirection.op == .hereDocumentStrippingTabs)
        #expect(redirection.range == SourceRange(start: srcLoc(1, 5, 4), end: srcLoc(1, 12, 11)))
    }

    @Test func missingBodyIsIncomplete() {
        let error = syntaxError("cat <<EOF\nline one\n")
        #expect(error?.message == "here-document delimited by end of file (wanted `EOF`)")
        #expect(error?.isIncomplete == true)
        #expect(error?.line == 1)
        #expect(error?.column == 5)
        #expect(syntaxError("cat <<EOF")?.isIncomplete == true)
    }

    @Test func secondMissingBodyIsReported() {
        let error = syntaxError("cat <<A <<B\na\nA\nb\n")
        #expect(error?.message == "here-document delimited by end of file (wanted `B`)")
        #expect(error?.column == 9)
    }

    @Test func missingDelimiter() {
        let error = syntaxError("cat <<\n")
        #expect(error?.message == "expected a here-document delimiter after `<<`")
        #expect(error?.isIncomplete == false)
        #expect(error?.column == 5)
    }

    @Test func hereDocumentWithoutBodyInsideSubstitution() {
        let error = syntaxError("echo $(cat <<X) y\nX\n")
        #expect(error?.message == "here-document `X` has no body before the end of the command substitution")
        #expect(error?.isIncomplete == false)
        #expect(error?.column == 12)
    }

    @Test func unterminatedSubstitutionInBodyIsAHardError() {
        let error = syntaxError("cat <<EOF\n$(echo\nEOF\n")
        #expect(error?.message == "unterminated command substitution `$(`")
        #expect(error?.isIncomplete == false)
        #expect(error?.line == 2)
        #expect(error?.column == 1)
    }

    @Test func hereString() {
        let command = simpleCommand(#"cat <<< "$x y""#)
        #expect(command?.redirections.first?.op == .hereString)
        #expect(command?.redirections.first?.description == #"<<<dq[$x+lit" y"]"#)
    }
}
