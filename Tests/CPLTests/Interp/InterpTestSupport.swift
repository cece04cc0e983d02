@_exported import TestSupport
import Glibc
import Testing
@testable import CPL

/// A fresh interpreter in `directory` with a small fixed environment.
func makeInterpreter(in directory: String = "/tmp", options: Interpreter.Options = Interpreter.Options()) -> Interpreter {
    Interpreter(
        options: options,
        environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C"],
        workingDirectory: directory)
}

/// Runs `script` (file name `t.cpl`) with captured output and `stdin` as input.
func run(
    _ script: String, stdin: String = "", in directory: String = "/tmp", interpreter: Interpreter? = nil,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> RunResult {
    let shell = interpreter ?? makeInterpreter(in: directory)
    do {
        return try await shell.run(script, fileName: "t.cpl", stdin: .text(stdin), stdout: .capture, stderr: .capture)
    } catch {
        Issue.record("syntax error: \(error.summary)", sourceLocation: sourceLocation)
        return RunResult(status: -1, ending: .error, stdout: [], stderr: [])
    }
}

