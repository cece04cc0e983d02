// How POSIX mode is turned on and off: `--posix`, the name `sh`, and `set -o posix` / `+o posix`
// in a script (expansion and echo change at once, syntax only for text parsed later). What the
// mode does is checked by the differential corpus under `cpl --posix` (DifferentialPOSIXTests).

import Foundation
import Testing

@Suite("POSIX mode: how it is turned on")
struct POSIXModeCLITests {
    private func run(_ executable: String, _ leading: [String] = [], _ script: String) -> ShellResult {
        ShellRunner.run(
            ShellCommand(label: executable, executable: executable, leadingArguments: leading), script: script,
            arg0: "posix-test", args: [], stdin: nil, timeout: hangGuardSeconds)
    }

    @Test("run as `sh`, cpl is in POSIX mode; as `cpl`, not")
    func nameSh() throws {
        let cpl = try BuiltCPL.required()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cpl-sh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/sh", withDestinationPath: cpl)
        let script = "x='a b'; printf '[%s]' $x {c,d}; echo; set -o | grep '^posix'"
        let asSh = run(directory + "/sh", [], script)
        #expect(asSh.stdout == "[a][b][{c,d}]\nposix          on\n", "\(asSh.stderr)")
        let asCPL = run(cpl, [], script)
        #expect(asCPL.stdout == "[a b][c][d]\nposix          off\n", "\(asCPL.stderr)")
    }

    @Test("set -o posix changes expansion and echo at once, and the syntax of text parsed after it")
    func setOption() throws {
        let cpl = try BuiltCPL.required()
        let result = run(cpl, [], #"""
            x='a b'
            set -o posix; printf '[%s]' $x; echo 'e\tf'; eval 'echo {g,h}'; echo {i,j}
            set +o posix; printf '[%s]' $x; echo 'e\tf'; eval 'echo {g,h}'
            """#)
        #expect(result.stdout == "[a][b]e\tf\n{g,h}\ni j\n[a b]e\\tf\ng h\n", "\(result.stderr)")
        #expect(result.termination == .exited(0))
    }

    @Test("--posix reads the text as sh: `|&` is a syntax error, `&>` is `&` then `>`")
    func posixSyntax() throws {
        let cpl = try BuiltCPL.required()
        #expect(run(cpl, ["--posix", "-n"], "a |& b").termination == .exited(2))
        #expect(run(cpl, ["-n"], "a |& b").termination == .exited(0))
        let split = run(cpl, ["--posix"], "echo a &> f; wait; [ -f f ] && [ ! -s f ] && echo empty")
        #expect(split.stdout == "a\nempty\n", "\(split)")
    }

    @Test("--plan in POSIX mode shows the arguments split as the run will split them")
    func planSplits() throws {
        let cpl = try BuiltCPL.required()
        let script = "x='a b'; printf '[%s]' $x"
        #expect(run(cpl, ["--posix", "--plan"], script).stdout.contains("builtin printf '[%s]' a b\n"))
        #expect(run(cpl, ["--plan"], script).stdout.contains("builtin printf '[%s]' 'a b'\n"))
    }

    @Test("--plan follows the script's own `set -o posix` and `set +o posix`, as the run does")
    func planFollowsSetOption() throws {
        let cpl = try BuiltCPL.required()
        let plan = run(cpl, ["--plan"], "x='a b'; set -o posix; printf '[%s]' $x; set +o posix; printf '<%s>' $x").stdout
        #expect(plan.contains("builtin printf '[%s]' a b\n"), "\(plan)")
        #expect(plan.contains("builtin printf '<%s>' 'a b'\n"), "\(plan)")
    }

    @Test("a script without `#!` that POSIX mode starts runs in POSIX mode, as dash runs it as sh")
    func scriptWithoutShebang() throws {
        let cpl = try BuiltCPL.required()
        let script = #"""
            printf '%s\n' "x='a b'; printf '[%s]' \$x {c,d}; echo; set -o | grep '^posix'" > plain
            chmod +x plain
            ./plain
            """#
        let posix = run(cpl, ["--posix"], script)
        #expect(posix.stdout == "[a][b][{c,d}]\nposix          on\n", "\(posix.stderr)")
        #expect(run("/bin/dash", [], script).stdout.hasPrefix("[a][b][{c,d}]\n"))
        let own = run(cpl, [], script)
        #expect(own.stdout == "[a b][c][d]\nposix          off\n", "\(own.stderr)")
    }
}
