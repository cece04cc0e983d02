import Testing
@testable import CPL

/// Errors of special builtins end a script (checked against dash by cases-special-errors.txt);
/// an interactive session (job control, as the REPL runs) goes on with status 2 instead.
@Suite struct SpecialBuiltinErrorTests {
    static let errors = ["unset %", "set -o nosuchoption", "set -Q", "export %", "readonly 1x", ". ./bad.sh", "echo a 1>&$HOME/x"]

    @Test(arguments: errors) func interactiveSessionGoesOn(_ command: String) async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/bad.sh", "if\n", mode: 0o644)
        let shell = makeInterpreter(in: directory, options: Interpreter.Options(jobControl: JobControl()))
        let result = await run("\(command); echo \"after $?\"", in: directory, interpreter: shell)
        #expect(result.stdoutText == "after 2\n")
        #expect(!result.stderrText.isEmpty)
    }

    @Test(arguments: errors) func scriptEnds(_ command: String) async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/bad.sh", "if\n", mode: 0o644)
        let result = await run("\(command); echo \"after $?\"", in: directory)
        #expect(result.stdoutText == "")
        #expect(result.status == 2)
        #expect(result.ending == .error)
    }
}
