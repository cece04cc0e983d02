import ChildProcess
import Testing
@testable import CPL

/// One `matches` expectation. `pattern` is shell syntax (quotes and
/// backslashes mark quoted characters); `dashAgrees` is false for the
/// deliberate deviations from dash 0.5.12.
struct MatchCase: Sendable, CustomTestStringConvertible {
    var pattern: String
    var name: String
    var expected: Bool
    var dashAgrees = true

    init(_ pattern: String, _ name: String, _ expected: Bool, dashAgrees: Bool = true) {
        self.pattern = pattern
        self.name = name
        self.expected = expected
        self.dashAgrees = dashAgrees
    }

    var testDescription: String { "\(pattern) ~ \(name) → \(expected)" }
}

let matchCases: [MatchCase] = [
    // * and ?
    MatchCase("*", "anything", true),
    MatchCase("*", "", true),
    MatchCase("a*", "a", true),
    MatchCase("a*", "ba", false),
    MatchCase("*a", "bba", true),
    MatchCase("*a*b*", "xaybz", true),
    MatchCase("*a*b", "xaybz", false),
    MatchCase("**x", "abx", true),
    MatchCase("a*b*c", "abbbbbbbbc", true),
    MatchCase("a*b*c", "abbbbbbbbcd", false),
    MatchCase("?", "a", true),
    MatchCase("?", "", false),
    MatchCase("?", "ab", false),
    MatchCase("??", "ab", true),
    MatchCase("?*?", "ab", true),
    MatchCase("?*?", "a", false),
    MatchCase("a?c", "abc", true),
    // Plain characters and case sensitivity
    MatchCase("abc", "abc", true),
    MatchCase("abc", "abC", false),
    // Bracket basics
    MatchCase("[abc]", "b", true),
    MatchCase("[abc]", "d", false),
    MatchCase("[abc]", "", false),
    MatchCase("[abc]", "ab", false),
    MatchCase("x[abc]y", "xcy", true),
    MatchCase("[a-z]", "m", true),
    MatchCase("[a-z]", "M", false),
    MatchCase("[a-cx-z]", "y", true),
    MatchCase("[a-cx-z]", "d", false),
    MatchCase("[z-a]", "m", false),
    MatchCase("[a-]", "-", true),
    MatchCase("[a-]", "a", true),
    MatchCase("[-a]", "-", true),
    MatchCase("[!-a]", "-", false),
    MatchCase("[]-a]", "^", true),
    MatchCase("[%--]", "+", true),
    // Negation
    MatchCase("[!abc]", "d", true),
    MatchCase("[!abc]", "a", false),
    MatchCase("[!a-z]", "A", true),
    MatchCase("[!a-z]", "q", false),
    MatchCase("[!abc]", "", false),
    MatchCase("[^abc]", "d", true, dashAgrees: false),
    MatchCase("[^abc]", "a", false, dashAgrees: false),
    MatchCase("[^abc]", "^", true, dashAgrees: false),
    MatchCase("[a^]", "^", true),
    // `]` first is literal
    MatchCase("[]]", "]", true),
    MatchCase("[]a]", "]", true),
    MatchCase("[]a]", "a", true),
    MatchCase("[]a]", "b", false),
    MatchCase("[!]a]", "b", true),
    MatchCase("[!]a]", "]", false),
    MatchCase("[!]]", "x", true),
    MatchCase("[]", "[]", true),
    MatchCase("[!]", "[!]", true),
    MatchCase("[]]x", "]x", true),
    // Unterminated `[` is literal
    MatchCase("[", "[", true),
    MatchCase("[a", "[a", true),
    MatchCase("[a", "a", false),
    MatchCase("[a*", "[abc", true),
    MatchCase("a[", "a[", true),
    MatchCase("[!a", "[!a", true),
    MatchCase("[[:alpha:]", "[a", true),
    MatchCase("[[:alpha:]", "a", false),
    // Character classes
    MatchCase("[[:alpha:]]", "q", true),
    MatchCase("[[:alpha:]]", "Q", true),
    MatchCase("[[:alpha:]]", "1", false),
    MatchCase("[[:digit:]]", "7", true),
    MatchCase("[[:digit:]]", "a", false),
    MatchCase("[[:alnum:]]", "7", true),
    MatchCase("[[:alnum:]]", "_", false),
    MatchCase("[[:upper:]]", "A", true),
    MatchCase("[[:upper:]]", "a", false),
    MatchCase("[[:lower:]]", "a", true),
    MatchCase("[[:lower:]]", "A", false),
    MatchCase("[[:space:]]", " ", true),
    MatchCase("[[:space:]]", "\t", true),
    MatchCase("[[:space:]]", "x", false),
    MatchCase("[[:blank:]]", "\t", true),
    MatchCase("[[:blank:]]", "\n", false),
    MatchCase("[[:punct:]]", "!", true),
    MatchCase("[[:punct:]]", "~", true),
    MatchCase("[[:punct:]]", "a", false),
    MatchCase("[[:xdigit:]]", "F", true),
    MatchCase("[[:xdigit:]]", "g", false),
    MatchCase("[[:print:]]", " ", true),
    MatchCase("[[:print:]]", "\u{7F}", false),
    MatchCase("[[:graph:]]", " ", false),
    MatchCase("[[:graph:]]", "~", true),
    MatchCase("[[:cntrl:]]", "\u{1}", true),
    MatchCase("[[:cntrl:]]", "a", false),
    MatchCase("[![:digit:]]", "a", true),
    MatchCase("[![:digit:]]", "5", false),
    MatchCase("[[:alpha:][:digit:]]", "5", true),
    MatchCase("[[:alpha:]_]", "_", true),
    MatchCase("[x[:digit:]]", "x", true),
    MatchCase("[[:digit:]-z]", "-", true),
    MatchCase("[[:digit:]-z]", "m", false),
    // Non-ASCII characters belong to no class (C locale)
    MatchCase("[[:alpha:]]", "é", false, dashAgrees: false),
    // Unknown class: `[` is an ordinary member, as in dash
    MatchCase("[[:foo:]]", "o]", true),
    MatchCase("[[:foo:]]", "[]", true),
    MatchCase("[[:foo:]]", "a", false),
    MatchCase("[[:foo:]]", "f", false),
    MatchCase("[a-[:digit:]]", "b", false),
    // Quoted characters are literal, also inside brackets
    MatchCase("\\*", "*", true),
    MatchCase("\\*", "a", false),
    MatchCase("'*'", "*", true),
    MatchCase("\"?\"", "a", false),
    MatchCase("\"?\"", "?", true),
    MatchCase("\\[a]", "[a]", true),
    MatchCase("\\[a]", "a", false),
    MatchCase("[a\\]]", "]", true),
    MatchCase("[a\\]]", "a", true),
    MatchCase("[a\\]]", "a]", false),
    MatchCase("[\\]]", "]", true),
    MatchCase("[\\]]", "\\", false),
    MatchCase("[\\!a]", "!", true),
    MatchCase("[\\!a]", "b", false),
    MatchCase("[\"!\"a]", "!", true),
    MatchCase("[a\"-\"z]", "-", true),
    MatchCase("[a\"-\"z]", "m", false),
    MatchCase("[a\\-z]", "z", true),
    MatchCase("[a-\\z]", "m", true),
    MatchCase("[\\a-z]", "m", true),
    MatchCase("[a-\\]]", "b", false),
    MatchCase("[\"[:alpha:]\"]", "a", true),
    MatchCase("[\"[:alpha:]\"]", "b", false),
    MatchCase("[\"[:alpha:]\"]", ":", true),
    MatchCase("[\"]\"", "]", false),
    MatchCase("[\"]\"", "[]", true),
    MatchCase("a\"*\"b*", "a*bc", true),
    MatchCase("a\"*\"b*", "axbc", false),
    MatchCase("\\[", "[", true),
    // Leading dot (pathname rule) is covered separately; other dots are ordinary
    MatchCase("a*", "a.b", true),
    MatchCase("*.txt", "c.txt", true),
    MatchCase("*.txt", "c.txt~", false),
    // Unicode: ? matches one scalar (dash: one byte)
    MatchCase("?", "é", true, dashAgrees: false),
    MatchCase("caf?", "café", true, dashAgrees: false),
    MatchCase("caf*", "café", true),
    MatchCase("[é]", "é", true, dashAgrees: false),
    MatchCase("[a-ü]", "é", true, dashAgrees: false),
]

@Suite("GlobPattern matching")
struct GlobPatternTests {
    @Test(arguments: matchCases)
    func matchesName(_ testCase: MatchCase) {
        let pattern = GlobTestSupport.pattern(testCase.pattern)
        #expect(pattern.matches(testCase.name) == testCase.expected)
    }

    /// The expectations above are dash's: check them with dash's `case`.
    @Test(arguments: matchCases.filter(\.dashAgrees))
    func expectationAgreesWithDashCase(_ testCase: MatchCase) throws {
        let dashMatches = try GlobTestSupport.dashCaseMatches(testCase.name, testCase.pattern)
        #expect(dashMatches == testCase.expected)
    }

    @Test func wildcardDetection() {
        let withWildcards = ["*", "?", "a*", "[ab]", "[]a]", "[!]a]", "x/*", "*/", "[[:digit:]]", "[[:foo:]]", "\\a*"]
        let withoutWildcards = ["", "abc", "[", "[a", "a[", "[]", "[!]", "\\*", "'*'", "\"[ab]\"", "\\[ab]", "[ab\\]", "a/b/", "[a/b]", ".", ".."]
        for word in withWildcards {
            #expect(GlobTestSupport.pattern(word).hasWildcards, "\(word)")
        }
        for word in withoutWildcards {
            #expect(!GlobTestSupport.pattern(word).hasWildcards, "\(word)")
        }
    }

    @Test func literalTextRemovesQuotes() {
        #expect(GlobTestSupport.pattern("a'*'\"b\"\\?[c]").literalText == "a*b?[c]")
        #expect(GlobPattern(pieces: [("x", false), ("*", true), ("/y", false)]).literalText == "x*/y")
        #expect(GlobPattern("").literalText == "")
    }

    @Test func tupleAndPieceInitializersAgree() {
        let fromTuples = GlobPattern(pieces: [("a", false), ("*", true), ("*", false)])
        let fromPieces = GlobPattern(pieces: [GlobPiece("a"), GlobPiece("*", isQuoted: true), GlobPiece("*")])
        #expect(fromTuples == fromPieces)
        #expect(fromTuples.matches("a*b"))
        #expect(!fromTuples.matches("ab"))
        #expect(fromTuples != GlobPattern("a**"))
    }

    @Test func leadingDotMustBeExplicit() {
        #expect(!GlobPattern("*").matches(".hidden"))
        #expect(!GlobPattern("?hidden").matches(".hidden"))
        #expect(!GlobPattern("[.]hidden").matches(".hidden"))
        #expect(!GlobPattern("[!a]hidden").matches(".hidden"))
        #expect(GlobPattern(".*").matches(".hidden"))
        #expect(GlobPattern(".*").matches("."))
        #expect(GlobPattern(".*").matches(".."))
        #expect(GlobPattern(".?").matches(".."))
        #expect(GlobTestSupport.pattern("\\.*").matches(".hidden"))
        #expect(GlobTestSupport.pattern("'.'*").matches(".hidden"))
        #expect(GlobPattern("a.*").matches("a.b"))
        // In string mode (case / ${x#p}) the dot is ordinary.
        #expect(GlobPattern("*").matches(".hidden", as: .string))
        #expect(GlobPattern("[.]h*").matches(".hidden", as: .string))
    }

    @Test func slashIsOnlyMatchedBySlash() {
        #expect(!GlobPattern("*").matches("a/b"))
        #expect(!GlobPattern("a?b").matches("a/b"))
        #expect(!GlobPattern("a[/]b").matches("a/b"))
        #expect(GlobPattern("*/*").matches("a/b"))
        #expect(!GlobPattern("*/*").matches("a/.b"))
        #expect(GlobPattern("*/.*").matches("a/.b"))
        #expect(GlobPattern("a/b").matches("a/b"))
        #expect(!GlobPattern("a/b").matches("a/c"))
        #expect(GlobPattern("*/").matches("dir/"))
        #expect(!GlobPattern("*/").matches("dir"))
        // `/` splits segments even when quoted.
        #expect(GlobTestSupport.pattern("*'/'b").matches("a/b"))
        // String mode: wildcards and brackets cross `/`.
        #expect(GlobPattern("*").matches("a/b", as: .string))
        #expect(GlobPattern("a?b").matches("a/b", as: .string))
        #expect(GlobPattern("a[/]b").matches("a/b", as: .string))
    }

    @Test func invalidUTF8NamesMatchByteWise() {
        let segment = GlobPattern("?raw").segments[0]
        let name = GlobSegment.characters(ofFileName: [0xFF] + Array("raw".utf8))
        #expect(name.count == 4)
        #expect(segment.matchesFileName(name[...]))
        let two = GlobSegment.characters(ofFileName: [0xC3, 0x28])  // invalid continuation
        #expect(two.count == 2)
        #expect(GlobPattern("?(").segments[0].matchesFileName(two[...]))
        #expect(GlobPattern("*").segments[0].matchesFileName(two[...]))
        #expect(!GlobPattern("[[:alpha:]](").segments[0].matchesFileName(two[...]))
        #expect(GlobPattern("[!a](").segments[0].matchesFileName(two[...]))
        // No range of characters reaches the raw bytes; a range of raw bytes (the lossless codec's
        // scalars, as a script with such bytes is read) does.
        #expect(!GlobPattern("[\u{0}-\u{10FF7F}](").segments[0].matchesFileName(two[...]))
        #expect(GlobPattern("[\u{10FFC0}-\u{10FFC3}](").segments[0].matchesFileName(two[...]))
        #expect(GlobPattern("\u{10FFC3}(").segments[0].matchesFileName(two[...]))
        #expect(!GlobPattern("\u{10FFC4}(").segments[0].matchesFileName(two[...]))
        // The UTF-8 of a reserved scalar in a file name is four raw bytes, as the codec decodes it.
        let reserved = GlobSegment.characters(ofFileName: [0xF4, 0x8F, 0xBE, 0x80])
        #expect(reserved.count == 4)
        #expect(GlobPattern("????").segments[0].matchesFileName(reserved[...]))
        #expect(GlobPattern(String(losslessBytes: [0xF4, 0x8F, 0xBE, 0x80])).segments[0].matchesFileName(reserved[...]))
        let valid = GlobSegment.characters(ofFileName: Array("café".utf8))
        #expect(valid == "café".unicodeScalars.map(\.value))
    }

    @Test func pathologicalStarsAreFast() {
        let pattern = GlobPattern(String(repeating: "*a", count: 30) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 200)))
    }
}
