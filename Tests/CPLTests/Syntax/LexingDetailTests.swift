import Testing
@testable import CPL

/// Lexing details where dash is the model (the differential file cases-lexing.txt runs them).
@Suite struct LexingDetailTests {
    @Test func lineContinuationAfterDollarJoinsTheParameter() {
        for (source, name) in [("echo $\\\n?", "?"), ("echo $a\\\nb\\\nc", "abc"), ("echo $\\\n\\\n1", "1")] {
            guard case .parameter(let expansion) = wordParts(source, 1).first else {
                Issue.record("no parameter in \(source)")
                continue
            }
            #expect(expansion.name == name)
            #expect(expansion.range.end.line == source.filter { $0 == "\n" }.count + 1)
        }
        // Nothing that names a parameter after the `$`: a literal `$`.
        #expect(wordParts("echo $\\\n.", 1) == [.literal("$.")])
    }

    @Test func hereDocumentDelimiterWithSubstitutionIsASyntaxError() {
        for source in ["cat <<$(a)\nx\n$(a)\n", "cat <<x$((1))\nb\nx$((1))\n", "cat <<${a:-$(b)}\nb\n${a:-$(b)}\n"] {
            let error = syntaxError(source)
            #expect(error?.message.contains("here-document delimiter cannot hold") == true, "\(source)")
            #expect(error?.location.column == 7)
        }
        #expect(firstHereDocument("cat <<\"$(a)\"\nbody\n$(a)\n")?.delimiter == "$(a)")
        #expect(firstHereDocument("cat <<`a`\nbody\n`a`\n")?.delimiter == "`a`")
    }
}
