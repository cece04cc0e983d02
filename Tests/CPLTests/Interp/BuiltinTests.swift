import Glibc
import Testing
@testable import CPL

@Suite("Builtins")
struct BuiltinTests {
    @Test func echo() async {
        let result = await run("echo a  'b  c'; echo -n no-newline; echo; echo 'a\\nb' -n; echo -n -n x")
        #expect(result.stdoutText == "a b  c\nno-newline\na\\nb -n\nx")
    }

    @Test func trueFalseColon() async {
        #expect(await run("true").status == 0)
        #expect(await run("false").status == 1)
        #expect(await run(": ignored args").status == 0)
    }

    @Test func cd() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        mkdir("\(directory)/sub", 0o755)
        let result = await run("""
            cd sub; pwd; echo $PWD $OLDPWD
            cd ..; pwd
            cd -
            cd; pwd
            cd /usr/./bin/..; pwd; ls -d lib >/dev/null && echo relative-programs-see-it
            """, in: directory)
        #expect(result.stdoutText == """
            \(directory)/sub
            \(directory)/sub \(directory)
            \(directory)
            \(directory)/sub
            \(directory)
            /usr
            relative-programs-see-it

            """)
        let failure = await run("cd /no/such/dir; echo $?; cd /etc/passwd; echo $?; pwd", in: "/tmp")
        #expect(failure.stdoutText == "2\n2\n/tmp\n")
        #expect(failure.stderrText == """
            cpl: t.cpl:1:1: cd: /no/such/dir: No such file or directory
            cpl: t.cpl:1:27: cd: /etc/passwd: Not a directory

            """)
    }

    @Test func exportAndUnset() async {
        let result = await run("""
            A=local; B=exported; export B; export C='it'\\''s'
            sh -c 'echo "[$A] [$B] [$C]"'
            export | grep -E '^export (B|C)='
            D=prefix sh -c 'echo $D'; echo "[$D]"
            unset B; sh -c 'echo "[$B]"'; echo "[$B]"
            command export 1bad; echo $?
            """)
        #expect(result.stdoutText == "[] [exported] [it's]\nexport B='exported'\nexport C='it'\\''s'\nprefix\n[]\n[]\n[]\n2\n")
    }

    @Test func exitStatuses() async {
        #expect(await run("exit 3").status == 3)
        #expect(await run("exit 300").status == 44)
        #expect(await run("false; exit").status == 1)
        let bad = await run("exit nope")
        #expect(bad.status == 2)
        #expect(bad.stderrText == "cpl: t.cpl:1:1: exit: Illegal number: nope\n")
    }

    @Test func setPositionalsAndOptions() async {
        let result = await run("set -- a 'b c'; echo $# $2; set x; echo $# $1; set -o pipefail -C; echo $-; set -o | grep -E 'pipefail|noclobber'")
        #expect(result.stdoutText == "2 b c\n1 x\nC\nnoclobber      on\npipefail       on\n")
        let bad = await run("set -Q; echo $?")
        #expect(bad.stdoutText == "")
        #expect(bad.status == 2)
        #expect(bad.stderrText == "cpl: t.cpl:1:1: set: Illegal option -Q\n")
    }

    @Test func sourceWithArguments() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/lib.cpl", "LIBVAR=from-lib\necho sourced $# $1\ncd /\n")
        let result = await run("set -- outer; source ./lib.cpl a b; echo $LIBVAR $# $1 $PWD; . \(directory)/lib.cpl\nsource nope.cpl; echo $?", in: directory)
        // A file that is not found is a special builtin's error: the script ends (status 2).
        #expect(result.stdoutText == "sourced 2 a\nfrom-lib 1 outer /\nsourced 1 outer\n")
        #expect(result.status == 2)
        #expect(result.stderrText == "cpl: t.cpl:2:1: source: nope.cpl: not found\n")
        createFile("\(directory)/bad.cpl", "echo should-not-run\necho (\n")
        let syntax = await run("source ./bad.cpl; echo $?", in: directory)
        #expect(syntax.stdoutText == "")
        #expect(syntax.status == 2)
        #expect(syntax.stderrText.hasPrefix("cpl: ./bad.cpl:2:"))
    }

    @Test func pwdPhysical() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        symlink("/usr", "\(directory)/link")
        let result = await run("cd link; pwd; pwd -P", in: directory)
        #expect(result.stdoutText == "\(directory)/link\n/usr\n")
    }
}
