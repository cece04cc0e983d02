#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcess
import Testing
@testable import CPL

/// Patterns (shell syntax) compared with dash 0.5.12's expansion of
/// `for f in PATTERN`. `@ROOT@` is replaced by the fixture root.
let dashPatterns: [String] = [
    "*", ".*", "*.txt", "?", "??*", "[ab]", "[!ab]*", "[]]", "[]x]*", "[!]a-z]*",
    "[[:upper:]]*", "[[:digit:]]*", "[[:punct:]]*", "[[:alpha:]]", "[a-c]*", "[!a-z]*",
    "[[:foo:]]*", "[[:alpha:]", "[!]", "[]", "[a-]*", "[-a]*", "?[!.]*", "a*b*",
    "*/", "*/x", "*/*", "*/.*", "dir*/*/deep*", "dir1/s*/d*", "*/sub/*", "*/sub", "*/sub/",
    "./*", "./.*", "./d*/x", "../root/[ab]", "../*/dir?", "@ROOT@/dir*/x", "@ROOT@/*/", "/",
    "\"*\"", "'*'", "\\*", "\"[\"*", "star\\*", "star\"*\"", "star*", "'q?'", "q\\?", "q?",
    "[x]", "\\[x]", "\"[x]\"", "br[", "br[*", "[", "*[*", "*]*", "\\]", "!*", "^*",
    "*.txt/", "nonexist*", "nonexist/*", "dir1/nomatch*", "a/*", "a/", "*/nofile",
    "linkdir/*", "linkdir/", "l*/", "l*/.*", "broken", "b*", "*n*", "loop/*", "lo*/x", "lo*/",
    "noread/*", "noread/f*", "*/f", "no*/f",
    "dir1//*", "dir1/./*", "dir1/../d*", "*//x", ".//*", "dir[12]/x", "dir?/[xz]",
    "\"dir sp\"/*", "dir\\ sp/*", "*sp/x", "*\\ *", "with*", "'with space'*",
    "[.]*", ".[h]*", "?hidden", ".h*", "\\.h*", "'.'d*/*", ".*/", ".*/i*", ".?", "..",
    "utf/*", "utf/[!p]*", "utf/*raw", "utf/\u{10FFFF}*", "utf/[\u{10FF80}-\u{10FFFF}]*", "utf/*\u{10FF80}*",
    "empty/*", "empty/.*", "*'/'x", "dir\"1/\"*",
    "tab*", "[[:cntrl:][:blank:]]*", "*[[:space:]]*", "*/dangling", "utf/[ef]*",
]

@Suite("GlobPattern expansion")
struct GlobExpansionTests {
    @Test(arguments: dashPatterns)
    func agreesWithDash(_ shellWord: String) throws {
        try GlobTestSupport.withFixtureTree { root in
            let word = shellWord.replacingOccurrencesOfRoot(with: root)
            let expected = try GlobTestSupport.dashExpansion(of: word, in: root)
            let pattern = GlobTestSupport.pattern(word)
            let actual = pattern.expand(in: root) ?? [pattern.literalText]
            #expect(actual == expected, "pattern \(word)")
        }
    }

    @Test func quotedWildcardsNeverExpand() throws {
        try GlobTestSupport.withFixtureTree { root in
            for word in ["'*'", "\"?\"", "\\*", "\"[ab]\"", "\\[ab]", "[ab\\]", "'*/'x", "dir1/\"*\""] {
                let pattern = GlobTestSupport.pattern(word)
                #expect(!pattern.hasWildcards, "\(word)")
                #expect(pattern.expand(in: root) == nil, "\(word)")
            }
            // An existing file whose name is the quoted text is still not "expanded".
            #expect(GlobPattern(pieces: [GlobPiece("star*", isQuoted: true)]).expand(in: root) == nil)
            // Mixed: the quoted part is literal, the unquoted part expands.
            #expect(GlobPattern(pieces: [GlobPiece("star*", isQuoted: true), GlobPiece("*")]).expand(in: root) == ["star*"])
            #expect(GlobPattern(pieces: [GlobPiece("q?", isQuoted: true)]).expand(in: root) == nil)
        }
    }

    @Test func resultsAreSortedBytewiseAcrossWholePaths() throws {
        try GlobTestSupport.withFixtureTree { root in
            // "a-b/x" < "a/x" because '-' (0x2D) < '/' (0x2F); uppercase before lowercase.
            #expect(GlobPattern("*/x") .expand(in: root) == ["a-b/x", "dir sp/x", "dir1/x", "dir2/x", "linkdir/x"])
            let top = try #require(GlobPattern("*").expand(in: root))
            #expect(top == top.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            #expect(top.firstIndex(of: "UPPER")! < top.firstIndex(of: "a")!)
        }
    }

    @Test func directoriesOnlyWithTrailingSlash() throws {
        try GlobTestSupport.withFixtureTree { root in
            #expect(GlobPattern("*/").expand(in: root) == [
                "a-b/", "dir sp/", "dir1/", "dir2/", "empty/", "linkdir/", "noread/", "utf/",
            ])
            #expect(GlobPattern("dir1/*/").expand(in: root) == ["dir1/sub/"])
            #expect(GlobPattern("a*/").expand(in: root) == ["a-b/"])
        }
    }

    @Test func symlinks() throws {
        try GlobTestSupport.withFixtureTree { root in
            // Broken symlinks match by name; links to directories are descended.
            #expect(GlobPattern("bro*").expand(in: root) == ["broken"])
            // …also when the broken link is a literal tail (checked with lstat, not stat).
            #expect(GlobPattern("*/dangling").expand(in: root) == ["dir1/dangling", "linkdir/dangling"])
            #expect(GlobPattern("broken/*").expand(in: root) == nil)
            #expect(GlobPattern("link*/s*/deep?").expand(in: root) == ["linkdir/sub/deep1", "linkdir/sub/deep2"])
            // A symlink loop cannot be opened and is skipped silently.
            #expect(GlobPattern("loo*/*").expand(in: root) == nil)
            #expect(GlobPattern("loo*").expand(in: root) == ["loop"])
        }
    }

    @Test func unopenableDirectoriesAreSkipped() throws {
        try GlobTestSupport.withFixtureTree { root in
            // A regular file in a directory position: opendir fails with ENOTDIR.
            #expect(GlobPattern("a/*").expand(in: root) == nil)
            #expect(GlobPattern("[ab]/x").expand(in: root) == nil)
            #expect(GlobPattern("*/*").expand(in: root)?.contains { $0.hasPrefix("a/") } == false)
            // The mode-000 directory is readable only for root (tests may run as root).
            if geteuid() != 0 {
                #expect(GlobPattern("noread/*").expand(in: root) == nil)
            }
        }
    }

    @Test func prefixFormIsPreserved() throws {
        try GlobTestSupport.withFixtureTree { root in
            #expect(GlobPattern("./dir1/[xy]*").expand(in: root) == ["./dir1/x", "./dir1/y.txt"])
            #expect(GlobPattern("../root/dir2/*").expand(in: root) == ["../root/dir2/x", "../root/dir2/z"])
            #expect(GlobPattern("\(root)/dir2/*").expand(in: root) == ["\(root)/dir2/x", "\(root)/dir2/z"])
            #expect(GlobPattern("dir2/*").expand(in: root + "/") == ["dir2/x", "dir2/z"])
            #expect(GlobPattern("*").expand(in: root + "/dir2") == ["x", "z"])
            #expect(GlobPattern("sub/d*").expand(in: root + "/dir1") == ["sub/deep1", "sub/deep2"])
            // Absolute patterns ignore the directory.
            #expect(GlobPattern("\(root)/dir2/?").expand(in: "/nonexistent") == ["\(root)/dir2/x", "\(root)/dir2/z"])
            // A nonexistent base directory yields nothing for relative patterns.
            #expect(GlobPattern("*").expand(in: root + "/nonexistent") == nil)
        }
    }

    @Test func dotEntries() throws {
        try GlobTestSupport.withFixtureTree { root in
            #expect(GlobPattern(".*").expand(in: root + "/dir1") == [".", "..", ".h"])
            #expect(GlobPattern("*").expand(in: root + "/empty") == nil)
            #expect(GlobPattern(".*").expand(in: root + "/empty") == [".", ".."])
            #expect(GlobPattern(".?").expand(in: root + "/empty") == [".."])
            #expect(GlobPattern("[.]*").expand(in: root + "/dir1") == nil)
        }
    }

    @Test func nonUTF8NamesKeepTheirBytes() throws {
        try GlobTestSupport.withFixtureTree { root in
            let results = try #require(GlobPattern("utf/*").expand(in: root))
            // Byte order (strcmp): 'c' < 'e' < 'f' < 'p' < 0x80 < 0xFF.
            // (String's `<` would put "e\u{301}" after "f".) Bytes that are not UTF-8 come back as
            // the lossless codec's scalars, so each result still names its file.
            #expect(results == [
                "utf/caf\u{E9}", "utf/e\u{301}", "utf/f", "utf/plain", "utf/\u{10FF80}x", "utf/\u{10FFFF}raw",
            ])
            #expect(results.map(\.losslessBytes).last == Array("utf/".utf8) + [0xFF] + Array("raw".utf8))
            #expect(GlobPattern("utf/?raw").expand(in: root) == ["utf/\u{10FFFF}raw"])
            // A pattern holding the raw byte (as a script read losslessly does) matches it.
            #expect(GlobPattern("utf/\u{10FFFF}*").expand(in: root) == ["utf/\u{10FFFF}raw"])
            #expect(GlobPattern("utf/[\u{10FF80}-\u{10FFFF}]*").expand(in: root) == ["utf/\u{10FF80}x", "utf/\u{10FFFF}raw"])
            #expect(GlobPattern("utf/[[:alpha:]]*").expand(in: root)?.contains("utf/\u{10FFFF}raw") == false)
            #expect(GlobPattern("utf/caf?").expand(in: root) == ["utf/caf\u{E9}"])
        }
    }

    @Test func noWildcardsMeansNoFilesystemAccess() {
        #expect(GlobPattern("/definitely/not/there").expand(in: "/") == nil)
        #expect(GlobPattern("/").expand(in: "/") == nil)
        #expect(GlobPattern("").expand(in: "/") == nil)
    }
}

extension String {
    fileprivate func replacingOccurrencesOfRoot(with root: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: "@ROOT@") {
            result += rest[..<range.lowerBound]
            result += root
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
