import Glibc
import Testing
@testable import CPL

@Suite("Word expansion")
struct WordExpanderTests {
    var context: TestExpansionContext {
        var context = TestExpansionContext()
        context.variables = ["HOME": "/home/me", "X": "a b", "EMPTY": "", "STAR": "*", "FILE": "abc.tar.gz"]
        context.positionalParameters = ["one", "two words", ""]
        context.lastStatus = 3
        context.lastBackgroundProcessID = 777
        return context
    }

    // MARK: Quoting

    @Test func quotingAndJoining() async {
        #expect(await expandFields("bare 'single $X' \"double\" a'b'\"c\"\\d") == ["bare", "single $X", "double", "abcd"])
        #expect(await expandFields(#""\"\\\$ \a""#) == [#""\$ \a"#])
        #expect(await expandFields(#"\* \$X \'"#) == ["*", "$X", "'"])
        #expect(await expandFields("a#b #comment") == ["a#b"])
    }

    // MARK: Parameters

    @Test func simpleParameters() async {
        #expect(await expandFields("$X ${X} \"$X\"", context) == ["a b", "a b", "a b"])
        #expect(await expandFields("$? $! $$ $0 $1 ${2} $# $9", context) == ["3", "777", "4242", "test.cpl", "one", "two words", "3"])
        #expect(await expandFields("pre${X}post", context) == ["prea bpost"])
    }

    @Test func expansionValuesAreNeverSplitNorGlobbed() async {
        // The deliberate difference from sh.
        #expect(await expandFields("$X", context) == ["a b"])
        #expect(await expandFields("$STAR", context) == ["*"])
    }

    @Test func unquotedSubstitutionsAreSplitAtIFSButNotGlobbed() async {
        var substituting = context
        substituting.substitute = { _ in " x  y\t*\n" }
        #expect(await expandFields("$(cmd)", substituting) == ["x", "y", "*"])
        #expect(await expandFields("a$(cmd)b", substituting) == ["a", "x", "y", "*b"])
        #expect(await expandFields("\"$(cmd)\"", substituting) == [" x  y\t*"])
        substituting.substitute = { _ in "a::b:" }
        substituting.variables["IFS"] = ":"
        #expect(await expandFields("$(cmd)", substituting) == ["a", "", "b"])
        substituting.substitute = { _ in ":a : b" }
        substituting.variables["IFS"] = ": "
        #expect(await expandFields("$(cmd)", substituting) == ["", "a", "b"])
        substituting.variables["IFS"] = ""
        #expect(await expandFields("$(cmd)", substituting) == [":a : b"])
    }

    @Test func emptyUnquotedExpansionsAreDropped() async {
        #expect(await expandFields("$EMPTY", context) == [])
        #expect(await expandFields("$EMPTY$UNSET", context) == [])
        #expect(await expandFields("\"$EMPTY\"", context) == [""])
        #expect(await expandFields("''$EMPTY", context) == [""])
        #expect(await expandFields("x$EMPTY", context) == ["x"])
        #expect(await expandFields("${UNSET:-}", context) == [])
        #expect(await expandFields("${UNSET:-\"\"}", context) == [""])
    }

    @Test func positionalParameterLists() async {
        #expect(await expandFields("\"$@\"", context) == ["one", "two words", ""])
        #expect(await expandFields("\"<$@>\"", context) == ["<one", "two words", ">"])
        #expect(await expandFields("$@", context) == ["one", "two words"])
        #expect(await expandFields("$*", context) == ["one", "two words"])
        #expect(await expandFields("\"$*\"", context) == ["one two words "])
        var none = context
        none.positionalParameters = []
        #expect(await expandFields("\"$@\"", none) == [])
        #expect(await expandFields("\"x$@\"", none) == ["x"])
        #expect(await expandFields("$#", none) == ["0"])
    }

    @Test func defaultAndAlternativeOperators() async {
        #expect(await expandFields("${UNSET-d} ${EMPTY-d} ${UNSET:-d} ${EMPTY:-d} ${X:-d}", context) == ["d", "d", "d", "a b"])
        #expect(await expandFields("${UNSET+a} ${EMPTY+a} ${EMPTY:+a} ${X:+alt}", context) == ["a", "alt"])
        #expect(await expandFields("\"[${EMPTY-d}]\" \"[${EMPTY:+a}]\"", context) == ["[]", "[]"])
    }

    @Test func assignDefault() async throws {
        let command = try #require(simpleCommand("cmd ${NEW=v1} ${NEW:=v2} ${EMPTY:=filled} $EMPTY"))
        var expander = WordExpander(context: context)
        let fields = try await expander.fields(Array(command.words.dropFirst()))
        #expect(fields == ["v1", "v1", "filled", "filled"])
        #expect(expander.context.variables["NEW"] == "v1")
        let error = await expansionError("${5=x}", context)
        #expect(error?.kind == .cannotAssign)
    }

    @Test func errorIfUnset() async {
        let error = await expansionError("${UNSET?custom message}", context)
        #expect(error?.message == "UNSET: custom message")
        #expect(error?.status == 2)
        #expect(await expansionError("${EMPTY?x}", context) == nil)
        #expect(await expansionError("${EMPTY:?}", context)?.message == "EMPTY: parameter not set")
    }

    @Test func lengthAndPatternRemoval() async {
        #expect(await expandFields("${#FILE} ${#UNSET} ${#X}", context) == ["10", "0", "3"])
        #expect(await expandFields("${FILE%.*} ${FILE%%.*} ${FILE#*.} ${FILE##*.}", context) == ["abc.tar", "abc", "tar.gz", "gz"])
        #expect(await expandFields("\"${FILE%.*}\"", context) == ["abc.tar"])
        #expect(await expandFields("${FILE%'.*'} ${FILE#abc} ${FILE%nomatch}", context) == ["abc.tar.gz", ".tar.gz", "abc.tar.gz"])
        // An expansion inside the pattern is literal (no re-globbing): `*` matches only `*`.
        #expect(await expandFields("${FILE%$STAR}", context) == ["abc.tar.gz"])
        // Inside double quotes the pattern keeps its own quoting (as in dash).
        var stars = context
        stars.variables["S"] = "a*b*c"
        stars.variables["B"] = "a\\b"
        #expect(await expandFields(#""${S%\**}" "${S#*\*}" "${S##*"*"}" ${S#*\*} "${S%'*'*}""#, stars) == ["a*b", "b*c", "c", "b*c", "a*b"])
        #expect(await expandFields(#""${B#a\\}" "${B%'\b'}""#, stars) == ["b", "a"])
    }

    @Test func lengthCountsBytesUnlessTheLocaleIsUTF8() async {
        var accented = context
        accented.variables["W"] = "héllo"
        #expect(await expandFields("${#W}", accented) == ["6"])
        accented.variables["LANG"] = "en_US.UTF-8"
        #expect(await expandFields("${#W}", accented) == ["5"])
        accented.variables["LC_ALL"] = "C"
        #expect(await expandFields("${#W}", accented) == ["6"])
    }

    @Test func nounset() async {
        var strict = context
        strict.treatsUnsetVariablesAsErrors = true
        let error = await expansionError("$UNSET", strict)
        #expect(error?.kind == .unsetParameter)
        #expect(error?.message == "UNSET: parameter not set")
        #expect(await expansionError("$5", strict)?.message == "5: parameter not set")
        #expect(await expansionError("${UNSET:-ok} ${UNSET+x} $@ $* $EMPTY", strict) == nil)
        #expect(await expansionError("${#UNSET}", strict)?.kind == .unsetParameter)
    }

    // MARK: Command substitution

    @Test func commandSubstitutionRemovesTrailingNewlines() async {
        var substituting = context
        substituting.substitute = { command in command == "lines" ? "a\n\nb\n\n\n" : "" }
        #expect(await expandFields("\"$(lines)\" \"x$(lines)y\" \"`lines`\"", substituting) == ["a\n\nb", "xa\n\nby", "a\n\nb"])
        #expect(await expandFields("$(none)", substituting) == [])
        #expect(await expandFields("\"$(none)\"", substituting) == [""])
    }

    // MARK: Tilde

    @Test func tilde() async {
        var withUsers = context
        withUsers.homes = ["bob": "/users/bob"]
        #expect(await expandFields("~ ~/docs ~bob ~bob/x ~nobody", withUsers) == ["/home/me", "/home/me/docs", "/users/bob", "/users/bob/x", "~nobody"])
        #expect(await expandFields("\"~\" a~ '~' \\~", withUsers) == ["~", "a~", "~", "~"])
    }

    @Test func tildeOfARealUserUsesThePasswordDatabase() {
        #expect(HomeDirectory.lookup(user: "root") == String(cString: getpwnam("root")!.pointee.pw_dir))
        #expect(HomeDirectory.lookup(user: "no-such-user-cpl") == nil)
    }

    // MARK: Globs

    @Test func globs() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        for name in ["b.js", "a.js", "c.txt", ".hidden.js"] { createFile("\(directory)/\(name)") }
        var inDirectory = context
        inDirectory.workingDirectory = directory
        inDirectory.variables["P"] = "*.js"
        #expect(await expandFields("*.js", inDirectory) == ["a.js", "b.js"])
        #expect(await expandFields("?.txt [ab].js", inDirectory) == ["c.txt", "a.js", "b.js"])
        #expect(await expandFields("*.none", inDirectory) == ["*.none"])
        #expect(await expandFields("'*.js' \"*\".js \\*.js", inDirectory) == ["*.js", "*.js", "*.js"])
        #expect(await expandFields("$P", inDirectory) == ["*.js"])
        inDirectory.variables["PREFIX"] = "a"
        #expect(await expandFields("${PREFIX}*", inDirectory) == ["a.js"])
        #expect(await expandFields(".*.js \(directory)/a*", inDirectory) == [".hidden.js", "\(directory)/a.js"])
    }

    // MARK: Other entry points

    @Test func stringsForAssignmentsAndTargets() async throws {
        let command = try #require(simpleCommand("cmd *.js $X ~/f $EMPTY \"$@\""))
        var expander = WordExpander(context: context)
        var strings: [String] = []
        for word in command.words.dropFirst() { strings.append(try await expander.string(word)) }
        #expect(strings == ["*.js", "a b", "/home/me/f", "", "one two words "])
    }

    @Test func hereDocumentBodies() async throws {
        let program = try Parser.parse("cat <<EOF\n$X \\$X ${FILE%%.*} \"q\"\nEOF\ncat <<'EOF'\n$X\nEOF\n")
        var documents: [HereDocument] = []
        for item in program.items {
            if case .hereDocument(let document) = item.andOr.first.stages[0].redirections[0].target {
                documents.append(document)
            }
        }
        var expander = WordExpander(context: context)
        #expect(try await expander.hereDocument(documents[0]) == "a b $X abc \"q\"\n")
        #expect(try await expander.hereDocument(documents[1]) == "$X\n")
    }
}
