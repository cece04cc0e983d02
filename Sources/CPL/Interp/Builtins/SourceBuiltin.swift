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
        guard let path = locateSourceFile(file) else { return try await specialBuiltinError(name, "\(file): not found") }
        let script: Script
        do {
            script = try Script.load(path: path, fileName: file, aliases: state.aliases)
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
        let savedSource = source
        let savedLine = currentLine
        source = nestedSource
        nesting += 1
        defer {
            nesting -= 1
            source = savedSource
            currentLine = savedLine
        }
        return try await runList(program)
    }

    private func locateSourceFile(_ file: String) -> String? {
        func isReadableFile(_ path: String) -> Bool {
            var info = stat()
            return path.withLosslessCString { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
        if file.contains("/") {
            let path = PathLookup.absolute(file, in: state.workingDirectory)
            return isReadableFile(path) ? path : nil
        }
        // As in dash: a name without `/` is looked for on PATH only (the current directory
        // only when PATH names it).
        for directory in (state.variables["PATH"] ?? "").split(separator: ":", omittingEmptySubsequences: false) {
            let path = PathLookup.absolute(directory.isEmpty ? file : "\(directory)/\(file)", in: state.workingDirectory)
            if isReadableFile(path) { return path }
        }
        return nil
    }
}
