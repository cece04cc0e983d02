import Glibc

// `echo`, `printf`, `test` and `[`: the builtins that scripts call in their inner loops.

extension Executor {
    func echo(_ operands: [String]) async -> Int32 {
        if state.options.posix { return await writeOutput(POSIXEcho.output(operands), builtin: "echo") }
        var words = operands[...]
        var newline = true
        while words.first == "-n" {
            newline = false
            words = words.dropFirst()
        }
        return await writeOutput(words.joined(separator: " ") + (newline ? "\n" : ""), builtin: "echo")
    }

    /// `printf format [arg…]`, dash's (see `Printf`): output up to an error is still written.
    func printf(_ operands: [String]) async -> Int32 {
        let result = Printf.run(operands)
        var status = result.status
        if !result.output.isEmpty {
            let written = await writeOutput(result.output, builtin: "printf")
            if written != 0 { return written }
        }
        for message in result.diagnostics { status = max(status, await builtinError("printf", message, status: result.status)) }
        return status
    }

    /// `test expr` and `[ expr ]`, with files relative to this context's directory and `-t` about
    /// this context's descriptors.
    func test(_ operands: [String], bracketed: Bool) async -> Int32 {
        if let status = TestExpression.integerComparison(operands[...], bracketed: bracketed) { return status }
        let table = files
        let queries = SystemFileQueries(workingDirectory: state.workingDirectory, fileSystem: session.fileSystem) { fd in
            guard let file = table[Int(fd)] else { return false }
            return isatty(file.descriptor.rawValue) == 1
        }
        let (status, message) =
            bracketed ? TestExpression.evaluate(bracketed: operands, files: queries) : TestExpression.evaluate(operands, files: queries)
        if let message { return await builtinError(bracketed ? "[" : "test", message, status: status) }
        return status
    }
}
