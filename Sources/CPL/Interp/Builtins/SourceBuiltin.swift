import ChildProcess
import Glibc

extension Executor {
    /// `source FILE [args…]` / `. FILE [args…]`: runs FILE in the current
    /// context. A name without `/` is looked up in `$PATH` only (as dash does: the
    /// working directory only when PATH names it). With args, the positional parameters are replaced
    /// while it runs. A syntax error anywhere in FILE runs none of it and, as a missing FILE does, ends a
    /// script (an interactive shell goes on with status 2).
    func source(_ operands: [String], name: String) async throws(ShellExit) -> Int32 {
        guard let file = operands.first else { return await builtinError(name, "usage: \(name) FILE [args…]") }
        let located = PathLookup.sourceFile(
            file, searchPath: state.variables["PATH"], workingDirectory: state.workingDirectory, in: session.fileSystem)
        guard let path = located else { return try await specialBuiltinError(name, "\(file): not found") }
        let script: Script
        do {
            script = try Script.load(path: path, fileName: file, aliases: state.aliases, posix: state.options.posix, in: session.fileSystem)
        } catch {
            if case .syntax(let error) = error {
                // Like any error of a special builtin, it ends a script (dash).
                try? await ShellOutput(files[2]).write(error.rendered)
                if session.jobControl { return 2 }
                throw ShellExit(status: 2, reason: .fatalError)
            }
            if case .cannotRead(_, let errno) = error { return await builtinError(name, "cannot open \(file): \(errno)") }
            return await builtinError(name, "\(file): cannot source a binary file")
        }
        let savedPositionals = state.positionalParameters
        if operands.count > 1 { state.positionalParameters = Array(operands.dropFirst()) }
        defer { if operands.count > 1 { state.positionalParameters = savedPositionals } }
        state.lastStatus = 0
        do {
            return try await runNested(script.program, source: script.source)
        } catch where error.reason == .returnFromFunction {
            return error.status
        }
    }

    /// Runs a program that came from other text (a sourced file, `eval`, a trap) in this context.
    func runNested(_ program: Program, source nestedSource: ScriptSource) async throws(ShellExit) -> Int32 {
        try await with({
            $0.source = nestedSource
            $0.nesting += 1
        }) { () throws(ShellExit) in
            try await runList(program)
        }
    }
}
