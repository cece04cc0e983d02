import Testing
@testable import CPL

@Suite("AST descriptions and source text")
struct ASTDescriptionTests {
    @Test func treeDescription() {
        guard let program = parsed("A=1 echo \"$x\" >f &&\n! b | (c)\n") else { return }
        #expect(
            program.treeDescription == """
                program 1:1-3:1
                  item sequential 1:1-2:10
                    pipeline 1:1-1:17
                      simple 1:1-1:17
                        assign A=lit"1" 1:1-1:4
                        word lit"echo" 1:5-1:9
                        word dq[$x] 1:10-1:14
                        redirect >lit"f" 1:15-1:17
                    && pipeline negated 2:1-2:10
                      simple 2:3-2:4
                        word lit"b" 2:3-2:4
                      |
                      subshell 2:7-2:10
                        program 2:8-2:9
                          item sequential 2:8-2:9
                            pipeline 2:8-2:9
                              simple 2:8-2:9
                                word lit"c" 2:8-2:9

                """)
    }

    @Test func compactDescriptionOfTerminators() {
        #expect(compactDump("a & b &! c; d") == #"lit"a" & lit"b" &! lit"c"; lit"d""#)
    }

    @Test func sourceTextIsNormalised() {
        guard let program = parsed("A=1   echo  \"$x\"'y'  2>&1|cat &&\n { b ; c & } ; d &! (e) >o <<'E'\nbody\nE\n") else {
            return
        }
        #expect(program.sourceText == #"A=1 echo "$x"'y' 2>&1 | cat && { b; c & }; d &! ( e ) >o <<'E'"#)
    }

    @Test func wordSourceTextKeepsQuotesAndExpansions() {
        let word = simpleCommand(#"echo pre"${X:-"a b"}"$(ls "x")`d`"#)!.words[1]
        #expect(word.sourceText == #"pre"${X:-"a b"}"$(ls "x")`d`"#)
        #expect(word.description == #"lit"pre"+dq[${X:-dq[lit"a b"]}]+$(lit"ls" dq[lit"x"])+`lit"d"`"#)
    }

    @Test func astValuesAreEquatableAndSendable() {
        let first = parsed("a | b")
        let second = parsed("a | b")
        let other = parsed("a |& b")
        #expect(first == second)
        #expect(first != other)
        let sendable: any Sendable = first as Any as! Program
        #expect(sendable is Program)
    }
}
