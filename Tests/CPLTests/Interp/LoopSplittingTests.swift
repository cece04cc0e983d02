import Testing
@testable import CPL

@Suite("Field splitting in loops")
struct LoopSplittingTests {
    /// cpl splits only command substitutions, and globs neither them nor variables.
    @Test func variablesAreNotSplitInLoops() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/g1")
        createFile("\(directory)/g2")
        let result = await run(
            """
            x='a b'
            for i in $x; do echo "[$i]"; done
            set -- $x; echo $#
            star='g*'
            for i in $star; do echo "{$i}"; done
            f() { echo $#; }
            f $x $star
            """, in: directory)
        #expect(result.stdoutText == "[a b]\n1\n{g*}\n2\n")
    }

    @Test func substitutionsAreSplitButNotGlobbed() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/g1")
        createFile("\(directory)/g2")
        let result = await run(
            """
            for i in $(echo 'p q'; echo 'g*'); do echo "<$i>"; done
            for i in "$(echo 'p q')"; do echo "<$i>"; done
            IFS=:
            for i in $(echo 'a:b c'); do echo "<$i>"; done
            for i in g*; do echo "<$i>"; done
            """, in: directory)
        #expect(result.stdoutText == "<p>\n<q>\n<g*>\n<p q>\n<a>\n<b c>\n<g1>\n<g2>\n")
    }

    /// An IFS with a character beyond ASCII splits at that character (one scalar, not its bytes:
    /// dash, which has no multibyte characters, splits at each byte); a value without any IFS
    /// character is one field, a run of IFS white space none at the ends.
    @Test func splittingAtIFSCharactersBeyondASCII() async {
        let result = await run(
            """
            set -o posix
            IFS='é:'; x='aébéc:d'; set -- $x; printf '[%s]' "$#" "$@"; echo
            x='plain'; set -- $x; printf '[%s]' "$#" "$@"; echo
            IFS='é '; y=' xéé y '; set -- $y; printf '[%s]' "$#" "$@"; echo
            """, in: "/tmp")
        #expect(result.stdoutText == "[4][a][b][c][d]\n[1][plain]\n[3][x][][y]\n")
    }
}
