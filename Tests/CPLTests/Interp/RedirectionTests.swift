import Glibc
import Testing
@testable import CPL

@Suite("Redirections")
struct RedirectionTests {
    let both = "sh -c 'echo out; echo err >&2'"

    @Test func orderMattersLeftToRight() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let intoFile = await run("\(both) >f 2>&1; cat f", in: directory)
        #expect(intoFile.stdoutText == "out\nerr\n")
        #expect(intoFile.stderrText == "")
        let stderrToOldStdout = await run("\(both) 2>&1 >g", in: directory)
        #expect(stderrToOldStdout.stdoutText == "err\n")
        #expect(readFileText("\(directory)/g") == "out\n")
    }

    @Test func swapStdoutAndStderr() async {
        let result = await run("\(both) 3>&1 1>&2 2>&3 3>&-")
        #expect(result.stdoutText == "err\n")
        #expect(result.stderrText == "out\n")
        // fd 3 was closed again: the program does not get it.
        let counts = await run("""
            { ls /proc/self/fd; } 2>&1 | wc -l
            { ls /proc/self/fd 3>&1 1>&2 2>&3 3>&-; } 2>&1 | wc -l
            { ls /proc/self/fd 3>&1; } 2>&1 | wc -l
            """).stdoutText.split(separator: "\n").map { Int(String($0).trimmingSpaces) ?? -1 }
        #expect(counts.count == 3 && counts[0] == counts[1] && counts[2] == counts[0] + 1)
    }

    @Test func stderrIntoThePipe() async {
        let result = await run("\(both) 2>&1 | sort")
        #expect(result.stdoutText == "err\nout\n")
        #expect(result.stderrText == "")
    }

    @Test func inputAppendReadWriteAndBoth() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await run("""
            echo one > f; echo two >> f; cat < f
            echo x 1<>rw; cat rw
            \(both) &> all; cat all
            \(both) &>> all; wc -l < all
            """, in: directory)
        #expect(result.stdoutText == "one\ntwo\nx\nout\nerr\n4\n")
    }

    @Test func closingAnOutputMakesTheWriteFail() async {
        let result = await run("echo hi >&-; echo $?")
        #expect(result.stdoutText == "1\n")
        #expect(result.stderrText.contains("echo: write error"))
    }

    @Test func hereDocumentsAndHereStrings() async {
        let result = await run("""
            X=world
            cat <<EOF
            hello $X \\$X
            EOF
            cat <<'EOF'
            hello $X
            EOF
            cat <<-EOF
            \t\tindented $X
            \tEOF
            cat <<< "$X here"
            """)
        #expect(result.stdoutText == "hello world $X\nhello $X\nindented world\nworld here\n")
    }

    @Test func largeHereDocument() async {
        let body = String(repeating: "0123456789abcdef\n", count: 20000)
        let result = await run("cat <<EOF | wc -c\n\(body)EOF\n")
        #expect(result.stdoutText.trimmingSpaces == "\(body.utf8.count)")
    }

    @Test func failedRedirectionReportsAndSkipsTheCommand() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await run("true\ntouch made > nope/out.txt; echo $?", in: directory)
        #expect(result.stdoutText == "2\n")
        #expect(result.stderrText == "cpl: t.cpl:2:1: cannot open nope/out.txt: No such file or directory\n")
        #expect(access("\(directory)/made", F_OK) != 0)
        let badDescriptor = await run("echo hi >&7; echo $?")
        #expect(badDescriptor.stdoutText == "2\n")
        #expect(badDescriptor.stderrText == "cpl: t.cpl:1:1: 7: Bad file descriptor\n")
    }

    @Test func noclobber() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await run("echo a > f; set -C; echo b > f; echo $?; echo c >| f; cat f; echo d > /dev/null; echo $?; set +C; echo e > f; cat f", in: directory)
        #expect(result.stdoutText == "2\nc\n0\ne\n")
        #expect(result.stderrText.contains("cannot open f: File exists"))
    }

    @Test func targetsAreExpandedButNeverGlobbed() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/a.txt", "A\n")
        let result = await run("N=out; echo x > $N.txt; echo y > *.txt; ls; cat ~/out.txt", in: directory)
        #expect(result.stdoutText == "*.txt\na.txt\nout.txt\nx\n")
    }

    @Test func groupsTakeRedirections() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await run("{ echo a; echo b; } > g; (echo c; echo d) >> g; cat g; { cat; } < g | wc -l", in: directory)
        #expect(result.stdoutText == "a\nb\nc\nd\n4\n")
    }
}
