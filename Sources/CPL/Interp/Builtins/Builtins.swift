/// The builtins: the shell's own (which need its state), and the embedder's
/// (`Interpreter.registerBuiltin`), which take precedence. Everything else
/// runs as a program (`printf`, `test`, `[` … are programs).
///
/// Builtins read and write through the context's descriptor table (the
/// stage's fds 0, 1, 2), never the process's own. Usage and operational
/// errors give status 2 (as in dash), with the message on the builtin's
/// standard error: `cpl: file:line: cd: nope: No such file or directory`.
enum Builtins {
    static let names: Set<String> = [
        ":", ".", "bg", "break", "cd", "continue", "echo", "exit", "export", "false", "fg", "jobs", "kill", "local",
        "pwd", "return", "set", "source", "true", "unset", "wait",
    ]

    /// POSIX's special builtins that cpl has: found before functions, and their errors end a script.
    static let specialNames: Set<String> = [
        ":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift",
        "source", "times", "trap", "unset",
    ]

    static func isBuiltin(_ name: String, in session: Session) -> Bool {
        names.contains(name) || session.builtin(named: name) != nil
    }
}

extension Executor {
    /// Runs a builtin with `files` already set to the command's table.
    func runBuiltin(_ arguments: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Int32 {
        let name = arguments[0]
        if let custom = session.builtin(named: name) {
            return await runCustom(custom, arguments, assignments: assignments)
        }
        let operands = Array(arguments.dropFirst())
        switch name {
        case ":", "true": return 0
        case "false": return 1
        case "echo": return await echo(operands)
        case "cd": return await changeDirectory(operands)
        case "pwd": return await printWorkingDirectory(operands)
        case "export": return await export(operands)
        case "unset": return unset(operands)
        case "set": return await set(operands)
        case "exit": return try await exit(operands)
        case "source", ".": return try await source(operands, name: name)
        case "wait": return await wait(operands)
        case "jobs": return await listJobs(operands)
        case "kill": return await kill(operands)
        case "fg": return await foreground(operands)
        case "bg": return await background(operands)
        case "return": return try await returnBuiltin(operands)
        case "break": return try await loopControl(operands, continuing: false)
        case "continue": return try await loopControl(operands, continuing: true)
        case "local": return try await local(operands)
        default: return 127
        }
    }

    /// An embedder's builtin. A write that hit a closed pipe makes the status 141.
    private func runCustom(_ body: BuiltinFunction, _ arguments: [String], assignments: [PlannedAssignment]) async -> Int32 {
        let invocation = BuiltinInvocation(
            arguments: arguments, environment: state.environment(with: assignments),
            workingDirectory: state.workingDirectory, stdin: ShellInput(files[0]), stdout: ShellOutput(files[1]),
            stderr: ShellOutput(files[2]), descriptors: DescriptorHandoff(files))
        let status = await body(invocation)
        invocation.descriptors.release()
        if invocation.stdout.hitBrokenPipe || invocation.stderr.hitBrokenPipe { return 141 }
        return status
    }

    // MARK: Output helpers

    /// Writes to the builtin's standard output: 0, 141 if the reader has gone, else 1 (reported).
    func writeOutput(_ text: String, builtin name: String) async -> Int32 {
        do {
            try await ShellOutput(files[1]).write(text)
            return 0
        } catch {
            if error == .brokenPipe { return 141 }
            await report("\(name): write error: \(error.description)", line: currentLine)
            return 1
        }
    }

    /// Reports a builtin's error and returns `status`.
    func builtinError(_ name: String, _ message: String, status: Int32 = 2) async -> Int32 {
        await report("\(name): \(message)", line: currentLine)
        return status
    }

    func echo(_ operands: [String]) async -> Int32 {
        var words = operands[...]
        var newline = true
        while words.first == "-n" {
            newline = false
            words = words.dropFirst()
        }
        return await writeOutput(words.joined(separator: " ") + (newline ? "\n" : ""), builtin: "echo")
    }

    func exit(_ operands: [String]) async throws(ShellExit) -> Int32 {
        guard let operand = operands.first else {
            throw ShellExit(status: state.lastStatus, reason: .exit)
        }
        guard let number = Int(operand) else {
            _ = await builtinError("exit", "Illegal number: \(operand)")
            throw ShellExit(status: 2, reason: .exit)
        }
        throw ShellExit(status: Int32(truncatingIfNeeded: number & 255), reason: .exit)
    }
}
