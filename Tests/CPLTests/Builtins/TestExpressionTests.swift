import Glibc
import Testing
@testable import CPL

/// `test WORDS…` and dash 0.5.12's status and message (without `dash: 1: test: `).
struct TestCase: Sendable, CustomTestStringConvertible {
    let words: [ByteString]
    let status: Int32
    let message: String?

    init(_ words: [ByteString], _ status: Int32, _ message: String? = nil) {
        self.words = words
        self.status = status
        self.message = message
    }

    var testDescription: String { "test \(words.map(\.description))" }
}

/// Answers as if no file existed and no descriptor were a terminal; records what `-t` asked.
final class NoFiles: TestFileQueries {
    var terminalQueries: [Int32] = []
    var terminals: Set<Int32> = []

    func status(of path: String, followingSymlinks: Bool) -> FileStatus? { nil }
    func isAccessible(_ path: String, for access: FileAccess) -> Bool { false }
    func isTerminal(_ descriptor: Int32) -> Bool {
        terminalQueries.append(descriptor)
        return terminals.contains(descriptor)
    }
    var effectiveUserID: UInt32 { 0 }
    var effectiveGroupID: UInt32 { 0 }
}

/// From `dash -c 'test "$@"' dash WORDS…`: POSIX's 0–4 operand rules, the grammar, numbers,
/// string order, and dash's messages for bad use.
let testCases: [TestCase] = [
        .init([], 1),
        .init([""], 1),
        .init(["x"], 0),
        .init(["-n"], 0),
        .init(["-z"], 0),
        .init(["!"], 0),
        .init(["("], 0),
        .init([")"], 0),
        .init(["-a"], 0),
        .init(["-o"], 0),
        .init(["="], 0),
        .init(["-t"], 0),
        .init(["-eq"], 0),
        .init(["-n", ""], 1),
        .init(["-n", "x"], 0),
        .init(["-z", ""], 0),
        .init(["-z", "x"], 1),
        .init(["!", ""], 0),
        .init(["!", "x"], 1),
        .init(["!", "-n"], 1),
        .init(["x", "y"], 2, "x: unexpected operator"),
        .init(["(", ")"], 1),
        .init(["-eq", "1"], 2, "-eq: unexpected operator"),
        .init(["x", "="], 2, "=: argument expected"),
        .init(["x", "-eq"], 2, "-eq: argument expected"),
        .init(["=", "=", "="], 0),
        .init(["!", "=", "x"], 1),
        .init(["x", "=", "x"], 0),
        .init(["x", "!=", "x"], 1),
        .init(["(", "x", ")"], 0),
        .init(["(", "", ")"], 1),
        .init(["!", "-n", ""], 0),
        .init(["!", "-z", ""], 1),
        .init(["!", "!", "x"], 0),
        .init(["!", "!", ""], 1),
        .init(["-n", "-a", "x"], 2, "-a: unexpected operator"),
        .init(["-z", "-o", ""], 2, "-o: unexpected operator"),
        .init(["x", "-a", ""], 1),
        .init(["x", "-o", ""], 0),
        .init(["", "-o", ""], 1),
        .init(["a", "b", "c"], 2, "a: unexpected operator"),
        .init(["(", "=", "("], 0),
        .init(["!", "(", ")"], 0),
        .init(["-n", "=", "-n"], 0),
        .init(["x", "-lt", "y"], 2, "Illegal number: x"),
        .init(["(", "!", "x", ")"], 1),
        .init(["!", "x", "=", "y"], 0),
        .init(["!", "x", "=", "x"], 1),
        .init(["(", "x", "=", "x"], 2, "closing paren expected"),
        .init(["!", "!", "a", "b"], 2, "a: unexpected operator"),
        .init(["a", "=", "b", "c"], 2, "b: unexpected operator"),
        .init(["(", "-n", "x", ")"], 0),
        .init(["-n", "x", "-a", "y"], 0),
        .init(["!", "(", "x", ")"], 1),
        .init(["x", "-a", "y", "-o", ""], 0),
        .init(["", "-a", "y", "-o", "z"], 0),
        .init(["", "-o", "", "-a", "z"], 1),
        .init(["x", "-o", "y", "-a", ""], 0),
        .init(["!", "x", "-o", "y"], 1),
        .init(["!", "", "-a", "!", ""], 0),
        .init(["(", "x", "-o", "", ")", "-a", ""], 1),
        .init(["(", "(", "x", ")", ")"], 0),
        .init(["(", "x", "-a", "(", "", ")", ")"], 1),
        .init(["!", "!", "!", "x"], 0),
        .init(["-n", "x", "-o", "-z", "x"], 0),
        .init(["x", "=", "x", "-a", "1", "-eq", "1"], 0),
        .init(["(", "x"], 2, "closing paren expected"),
        .init(["(", "x", "y"], 2, "closing paren expected"),
        .init(["(", "x", "=", "x"], 2, "closing paren expected"),
        .init(["x", "y", "z", "w"], 2, "x: unexpected operator"),
        .init(["-f"], 0),
        .init(["-n", "a", "-a"], 1),
        .init(["a", "-a"], 1),
        .init(["a", "-o"], 0),
        .init(["-f", "-a"], 1),
        .init(["-Q", "x"], 2, "-Q: unexpected operator"),
        .init(["-Q", "x", "y"], 2, "-Q: unexpected operator"),
        .init(["x", "-Q", "y"], 2, "x: unexpected operator"),
        .init(["x", "==", "x"], 2, "x: unexpected operator"),
        .init(["1", "-eq", "1"], 0),
        .init(["1", "-eq", "2"], 1),
        .init(["1", "-ne", "2"], 0),
        .init(["2", "-gt", "1"], 0),
        .init(["1", "-ge", "1"], 0),
        .init(["1", "-lt", "2"], 0),
        .init(["2", "-le", "1"], 1),
        .init([" 1 ", "-eq", "1"], 0),
        .init(["+1", "-eq", "1"], 0),
        .init(["-1", "-lt", "0"], 0),
        .init(["010", "-eq", "10"], 0),
        .init(["0x10", "-eq", "16"], 2, "Illegal number: 0x10"),
        .init(["", "-eq", "0"], 2, "Illegal number: "),
        .init([" ", "-eq", "0"], 2, "Illegal number:  "),
        .init(["1a", "-eq", "1"], 2, "Illegal number: 1a"),
        .init(["a", "-eq", "b"], 2, "Illegal number: a"),
        .init(["1", "-eq", "b"], 2, "Illegal number: b"),
        .init(["9223372036854775807", "-gt", "-9223372036854775808"], 0),
        .init(["99999999999999999999", "-eq", "1"], 2, "Illegal number: 99999999999999999999"),
        .init(["1\t", "-eq", "1"], 0),
        .init(["\n1", "-eq", "1"], 0),
        .init(["- 1", "-eq", "-1"], 2, "Illegal number: - 1"),
        .init(["1", "-eq"], 2, "-eq: argument expected"),
        .init(["1", "-eq", "1", "-o", "a", "-eq", "1"], 2, "Illegal number: a"),
        .init(["a", "<", "b"], 0),
        .init(["b", "<", "a"], 1),
        .init(["a", ">", "b"], 1),
        .init(["ab", ">", "a"], 0),
        .init(["", "<", "a"], 0),
        .init(["\u{E9}", ">", "z"], 0),
        .init([bytes(0xFF), ">", "\u{E9}"], 0),
        .init(["e\u{301}", "=", "\u{E9}"], 1),
        .init(["\u{37E}", "=", ";"], 1),
        .init(["-t", "abc"], 2, "Illegal number: abc"),
        .init(["-t", ""], 2, "Illegal number: "),
        .init(["-t", " 99 "], 1),
        .init(["-t", "99999999999999999999"], 2, "Illegal number: 99999999999999999999"),
        .init(["-z", "-n", "x"], 2, "-n: unexpected operator"),
        .init(["-n"], 0),
        .init(["!", "-a", "x"], 2, "-a: unexpected operator"),
        .init(["-a", "-a", "-a"], 0),
        .init(["-o", "-o", "-o"], 0),
        .init(["!", "!", "!"], 0),
        .init(["(", "(", "("], 2, "closing paren expected"),
        .init([")", ")", ")"], 2, "): unexpected operator"),
        .init(["(", ")", ")"], 0),
        .init(["x", "-a", "-a"], 0),
        .init(["-n", "-eq", "1"], 2, "Illegal number: -n"),
        .init(["-n", "(", ")"], 2, "(: unexpected operator"),
        .init(["!", "-eq", "1"], 2, "Illegal number: !"),
        .init(["x", "=", "-a"], 1),
        .init(["-f", "=", "-f"], 0),
        .init(["-z", "-a", "-z"], 2, "-a: unexpected operator"),
]

/// File operators, run in the fixture directory (relative names), with dash's statuses.
let fileCases: [TestCase] = [
    .init(["-e", "file"], 0), .init(["-e", "missing"], 1), .init(["-e", ""], 1), .init(["-e", "dangling"], 1),
    .init(["-f", "file"], 0), .init(["-f", "dir"], 1), .init(["-f", "link"], 0), .init(["-f", "dangling"], 1),
    .init(["-d", "dir"], 0), .init(["-d", "dirlink"], 0), .init(["-d", "file"], 1),
    .init(["-h", "link"], 0), .init(["-L", "link"], 0), .init(["-L", "file"], 1), .init(["-h", "dangling"], 0),
    .init(["-L", "dirlink"], 0), .init(["-p", "fifo"], 0), .init(["-p", "file"], 1),
    .init(["-c", "/dev/null"], 0), .init(["-c", "file"], 1), .init(["-b", "/dev/null"], 1),
    .init(["-S", "socket"], 0), .init(["-S", "file"], 1),
    .init(["-s", "file"], 0), .init(["-s", "empty"], 1), .init(["-s", "missing"], 1), .init(["-s", "dir"], 0),
    .init(["-u", "setuid"], 0), .init(["-u", "exec"], 1), .init(["-g", "setgid"], 0), .init(["-g", "exec"], 1),
    .init(["-k", "sticky"], 0), .init(["-k", "dir"], 1),
    .init(["-r", "file"], 0), .init(["-w", "file"], 0), .init(["-x", "file"], 1), .init(["-x", "exec"], 0),
    .init(["-x", "dir"], 0), .init(["-r", "missing"], 1), .init(["-x", "none"], 1),
    .init(["-O", "file"], 0), .init(["-G", "file"], 0), .init(["-O", "missing"], 1),
    .init(["old", "-ot", "new"], 0), .init(["new", "-ot", "old"], 1), .init(["new", "-nt", "old"], 0),
    .init(["old", "-nt", "new"], 1), .init(["a", "-nt", "b"], 1), .init(["b", "-nt", "a"], 0), .init(["a", "-ot", "b"], 0),
    .init(["file", "-nt", "missing"], 1), .init(["missing", "-ot", "file"], 1),
    .init(["file", "-ef", "hard"], 0), .init(["file", "-ef", "link"], 0), .init(["file", "-ef", "empty"], 1),
    .init(["file", "-ef", "missing"], 1), .init(["-f", bytes(0xFF)], 0), .init(["-f", bytes(0xFF, 0x41)], 1),
    .init(["!", "-d", "file"], 0), .init(["-f", "file", "-a", "-d", "dir"], 0), .init(["-f", "dir", "-o", "-p", "fifo"], 0),
    .init(["(", "-e", "missing", ")", "-o", "-s", "file"], 0), .init(["-f", "dir/../file"], 0),
]

@Suite struct TestExpressionTests {
    @Test(arguments: testCases)
    func matchesDash(_ example: TestCase) {
        let result = TestExpression.evaluate(example.words.map(\.string), files: NoFiles())
        #expect(result.status == example.status)
        #expect(result.message == example.message)
    }

    @Test(.enabled(if: dashPath != nil), arguments: testCases)
    func tableStillMatchesDash(_ example: TestCase) {
        let run = runDash(#"test "$@""#, example.words)
        #expect(run.status == example.status)
        #expect(run.messages == (example.message.map { ["test: " + $0] } ?? []))
    }

    @Test func fileOperatorsResolveAgainstTheWorkingDirectory() throws {
        let fixture = try TestFixture()
        defer { fixture.remove() }
        let files = SystemFileQueries(workingDirectory: fixture.path)
        for example in fileCases {
            let result = TestExpression.evaluate(example.words.map(\.string), files: files)
            #expect(result == (example.status, nil), "\(example.testDescription)")
        }
    }

    @Test(.enabled(if: dashPath != nil))
    func fileTableStillMatchesDash() throws {
        let fixture = try TestFixture()
        defer { fixture.remove() }
        for example in fileCases {
            let run = runDash(#"test "$@""#, example.words, in: fixture.path)
            #expect(run.status == example.status, "\(example.testDescription)")
            #expect(run.messages.isEmpty, "\(example.testDescription)")
        }
    }

    /// The superuser may read and write a mode-000 file, not execute it (faccessat, as dash).
    @Test func accessToAModeZeroFileDependsOnTheUser() throws {
        let fixture = try TestFixture()
        defer { fixture.remove() }
        let files = SystemFileQueries(workingDirectory: fixture.path)
        let expected: Int32 = geteuid() == 0 ? 0 : 1
        for words in [["-r", "none"], ["-w", "none"]] {
            #expect(TestExpression.evaluate(words, files: files).status == expected, "\(words)")
            if dashPath != nil {
                #expect(runDash(#"test "$@""#, words.map { ByteString(stringLiteral: $0) }, in: fixture.path).status == expected)
            }
        }
        #expect(TestExpression.evaluate(["-x", "none"], files: files).status == 1)
    }

    @Test func bracketNeedsAClosingWord() {
        let files = NoFiles()
        #expect(TestExpression.evaluate(bracketed: ["1", "=", "1", "]"], files: files) == (0, nil))
        #expect(TestExpression.evaluate(bracketed: ["1", "=", "2", "]"], files: files) == (1, nil))
        #expect(TestExpression.evaluate(bracketed: ["]"], files: files) == (1, nil))
        #expect(TestExpression.evaluate(bracketed: ["-n", "]"], files: files) == (0, nil))
        // As in dash, only the closing word's first byte is looked at.
        #expect(TestExpression.evaluate(bracketed: ["1", "=", "1", "]x"], files: files) == (0, nil))
        #expect(TestExpression.evaluate(bracketed: [], files: files) == (2, "missing ]"))
        #expect(TestExpression.evaluate(bracketed: ["1", "=", "1"], files: files) == (2, "missing ]"))
    }

    @Test(.enabled(if: dashPath != nil))
    func bracketMatchesDash() {
        for words: [ByteString] in [["1", "=", "1", "]"], ["]"], ["-n", "]"], ["1", "=", "1", "]x"], [], ["1", "=", "1"]] {
            let run = runDash(#"[ "$@""#, words)
            let result = TestExpression.evaluate(bracketed: words.map(\.string), files: NoFiles())
            #expect(result.status == run.status, "\(words)")
            #expect((result.message.map { ["[: " + $0] } ?? []) == run.messages, "\(words)")
        }
    }

    @Test func terminalQuestionsGoToTheCaller() {
        let files = NoFiles()
        files.terminals = [5]
        #expect(TestExpression.evaluate(["-t", "5"], files: files) == (0, nil))
        #expect(TestExpression.evaluate(["-t", " 1 "], files: files) == (1, nil))
        // dash hands the intmax_t to isatty(int), which keeps the low 32 bits.
        #expect(TestExpression.evaluate(["-t", "4294967301"], files: files) == (0, nil))
        #expect(files.terminalQueries == [5, 1, 5])
        // With one operand `-t` is just a non-empty string.
        #expect(TestExpression.evaluate(["-t"], files: files) == (0, nil))
        #expect(files.terminalQueries.count == 3)
    }

    @Test func bothSidesOfAndAndOrAreEvaluated() {
        let files = NoFiles()
        #expect(TestExpression.evaluate(["-t", "1", "-o", "-t", "2"], files: files) == (1, nil))
        #expect(TestExpression.evaluate(["", "-a", "-t", "3"], files: files) == (1, nil))
        #expect(files.terminalQueries == [1, 2, 3])
    }
}

/// A directory with one file of each kind `test` can tell apart; removed by `remove()`.
struct TestFixture {
    let path: String

    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        var template = Array("/tmp/cpl-test-expression-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupFailure(description: "mkdtemp failed")
        }
        path = String(cString: created)
        try write("file", "data", mode: 0o644)
        try write("empty", "", mode: 0o644)
        try write("exec", "x", mode: 0o755)
        try write("none", "", mode: 0)
        try write("setuid", "", mode: 0o4755)
        try write("setgid", "", mode: 0o2755)
        try write("old", "", mode: 0o644, modified: timespec(tv_sec: 1000, tv_nsec: 0))
        try write("new", "", mode: 0o644, modified: timespec(tv_sec: 2000, tv_nsec: 0))
        try write("a", "", mode: 0o644, modified: timespec(tv_sec: 1500, tv_nsec: 100))
        try write("b", "", mode: 0o644, modified: timespec(tv_sec: 1500, tv_nsec: 200))
        try write(String(losslessBytes: [0xFF]), "x", mode: 0o644)
        try check(mkdir(path + "/dir", 0o755), "mkdir dir")
        try check(mkdir(path + "/sticky", 0o755), "mkdir sticky")
        try check(chmod(path + "/sticky", 0o1777), "chmod sticky")
        try check(symlink("file", path + "/link"), "symlink link")
        try check(symlink("missing", path + "/dangling"), "symlink dangling")
        try check(symlink("dir", path + "/dirlink"), "symlink dirlink")
        try check(link(path + "/file", path + "/hard"), "link hard")
        try check(mkfifo(path + "/fifo", 0o644), "mkfifo")
        try bindSocket(path + "/socket")
    }

    func remove() {
        _ = runProgram("/bin/rm", ["-rf", "--", ByteString(Array(path.utf8))])
    }

    private func write(_ name: String, _ contents: String, mode: mode_t, modified: timespec? = nil) throws {
        let file = path + "/" + name
        let fd = file.withLosslessCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        try check(fd >= 0 ? 0 : -1, "create \(name)")
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try check(written == bytes.count ? 0 : -1, "write \(name)")
        try check(file.withLosslessCString { chmod($0, mode) }, "chmod \(name)")
        if let modified {
            let times = [modified, modified]
            try check(utimensat(AT_FDCWD, file, times, 0), "utimensat \(name)")
        }
    }

    private func bindSocket(_ file: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try check(fd >= 0 ? 0 : -1, "socket")
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array(file.utf8)
        try check(name.count < MemoryLayout.size(ofValue: address.sun_path) ? 0 : -1, "socket path length")
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try check(bound, "bind")
    }

    private func check(_ result: Int32, _ what: String) throws {
        if result != 0 { throw SetupFailure(description: "\(what) failed in \(path): errno \(errno)") }
    }
}
