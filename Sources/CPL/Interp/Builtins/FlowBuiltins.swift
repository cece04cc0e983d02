import ChildProcess
import Glibc

// `exit`, `return`, `break`, `continue`, `local`, `eval`, `exec`.

extension Executor {
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


    /// `return [n]`: ends the function (or sourced file) with status n, default `$?`.
    func returnBuiltin(_ operands: [String]) async throws(ShellExit) -> Int32 {
        let status = try await statusOperand(operands, builtin: "return")
        throw ShellExit(status: status, reason: .returnFromFunction)
    }

    /// `return` with a valid status: it ends the function at once; nil for an illegal number.
    func returnImmediately(_ operands: ArraySlice<String>) throws(ShellExit) -> Int32? {
        guard let status = statusValue(operands) else { return nil }
        throw ShellExit(status: status, reason: .returnFromFunction)
    }

    /// `break [n]` / `continue [n]`: n (default 1) must be a positive number; more than the loops
    /// there are means all of them. Outside a loop they do nothing.
    func loopControl(_ operands: [String], continuing: Bool) async throws(ShellExit) -> Int32 {
        if let status = try loopControlImmediately(operands[...], continuing: continuing) { return status }
        _ = await builtinError(continuing ? "continue" : "break", "Illegal number: \(operands[0])")
        throw ShellExit(status: 2, reason: .fatalError)
    }

    /// `break` and `continue` with a valid count; nil for an illegal one.
    func loopControlImmediately(_ operands: ArraySlice<String>, continuing: Bool) throws(ShellExit) -> Int32? {
        var levels = 1
        if let operand = operands.first {
            guard let number = Int(operand), number > 0, operand.utf8.allSatisfy({ (48...57).contains($0) }) else {
                return nil
            }
            levels = number
        }
        guard context.loopDepth > 0 else { return 0 }
        levels = min(levels, context.loopDepth)
        throw ShellExit(status: 0, reason: continuing ? .continueLoop(levels) : .breakLoop(levels))
    }

    /// `local NAME[=value]…`: dash's semantics (a local starts with the value it had outside).
    func local(_ operands: [String]) async throws(ShellExit) -> Int32 {
        guard !calls.isEmpty else {
            return await builtinError("local", "not in a function")
        }
        for operand in operands {
            if operand == "-" {
                // dash: the options are restored when the function returns.
                if calls[calls.count - 1].options == nil { calls[calls.count - 1].options = state.options }
                continue
            }
            let (name, value) = Executor.splitAssignment(operand)
            guard Parser.isName(name[...]) else {
                return await builtinError("local", "\(name): bad variable name")
            }
            try await checkWritable(name, builtin: "local")
            declareLocal(name, value)
        }
        return 0
    }

    /// `local` inside a function when every operand is a `NAME` or `NAME=value` that may be set;
    /// nil for any other (`local` itself says what is wrong).
    func localImmediately(_ operands: ArraySlice<String>) -> Int32? {
        guard !calls.isEmpty else { return nil }
        // All are checked before any is declared (no array of them made for it).
        for operand in operands {
            let name = Executor.assignedName(operand)
            guard Parser.isName(name), !state.readonlyNames.contains(String(name)) else { return nil }
        }
        for operand in operands {
            let (name, value) = Executor.splitAssignment(operand)
            declareLocal(name, value)
        }
        return 0
    }

    private func declareLocal(_ name: String, _ value: String?) {
        makeLocal(name)
        if let value { state.variables[name] = value }
    }

    /// `NAME=value` → (NAME, value); `NAME` → (NAME, nil).
    static func splitAssignment(_ operand: String) -> (String, String?) {
        let name = assignedName(operand)
        guard name.endIndex < operand.endIndex else { return (operand, nil) }
        return (String(name), String(operand[operand.utf8.index(after: name.endIndex)...]))
    }

    /// The `NAME` of `NAME=value` or of `NAME`, in place.
    static func assignedName(_ operand: String) -> Substring {
        // By byte: a search by `Character` costs several times as much, at every `local`.
        operand[..<(operand.utf8.firstIndex(of: UInt8(ascii: "=")) ?? operand.endIndex)]
    }

    /// A status operand of `exit` and `return`: none means `$?`.
    func statusOperand(_ operands: [String], builtin name: String) async throws(ShellExit) -> Int32 {
        guard let status = statusValue(operands[...]) else {
            _ = await builtinError(name, "Illegal number: \(operands[0])")
            throw ShellExit(status: 2, reason: .fatalError)
        }
        return status
    }

    /// The status a status operand names; nil for an illegal number.
    private func statusValue(_ operands: ArraySlice<String>) -> Int32? {
        guard let operand = operands.first else { return state.lastStatus }
        guard let number = Int(operand), number >= 0, operand.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int32(truncatingIfNeeded: number)
    }

    /// `eval [arg…]`: the operands joined with spaces, parsed and run here. A syntax error is a
    /// special builtin's error: it ends a script.
    func eval(_ operands: [String]) async throws(ShellExit) -> Int32 {
        let text = operands.joined(separator: " ")
        let program: Program
        do {
            program = try Parser.parse(text, fileName: "eval", aliases: state.aliases, posix: state.options.posix)
        } catch {
            try? await ShellOutput(files[2]).write(error.rendered)
            throw ShellExit(status: 2, reason: .fatalError)
        }
        if program.items.isEmpty { return 0 }
        return try await runNested(program, source: ScriptSource(fileName: context.source.fileName, text: text))
    }

    /// `exec command [arg…]`: runs the program with this context's descriptors in place of the
    /// shell, which then ends with its status. (`exec` with redirections only is handled where the
    /// stage's descriptors are applied: they stay.)
    func execBuiltin(_ operands: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Int32 {
        var arguments = operands[...]
        if arguments.first == "--" { arguments = arguments.dropFirst() }
        guard !arguments.isEmpty else { return 0 }
        if session.execReplacesProcess {
            try await replaceProcess(with: Array(arguments), assignments: assignments)
        }
        let status = await runProgram(
            Array(arguments), assignments: assignments, descriptors: DescriptorHandoff(files), reporter: nil)
        throw ShellExit(status: status, reason: .exit)
    }

    /// `exec command` in the `cpl` command: execve with this context's descriptors, directory,
    /// environment and ignored signals. A program that cannot be run ends the shell (127 or 126).
    private func replaceProcess(with arguments: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Never {
        let name = arguments[0]
        let environment = state.environment(with: assignments)
        let path: String
        switch PathLookup.resolve(
            name, searchPath: environment["PATH"], workingDirectory: state.workingDirectory, in: session.fileSystem)
        {
        case .found(let found): path = PathLookup.absolute(found, in: state.workingDirectory)
        case .notFound:
            _ = await builtinError("exec", "\(name): not found", status: 127)
            throw ShellExit(status: 127, reason: .exit)
        case .refused(let found):
            _ = await builtinError("exec", "\(name): \(Launcher.whyNotExecutable(found, in: session.fileSystem))", status: 126)
            throw ShellExit(status: 126, reason: .exit)
        }
        // In sh, `cmd &` has started its program before the next command runs; here that start
        // may still be under way on another thread, whose descriptors the replacement's steps
        // would pull from under it (`exec 3>log prog` puts another file at number 3): it finishes first.
        for job in jobs.all { _ = await job.displayPID() }
        // execve runs no atexit handler: the ssh masters stop now, as at exit.
        RemoteConnections.stopEverywhere()
        var options = SpawnOptions(cwd: state.workingDirectory, environment: environment, stdio: files.stdio)
        options.argv0 = name
        options.inheritedSignalDispositions = Set(SignalTraps.ignored(by: state.traps))
        do {
            try ChildProcess.replaceProcess(with: path, Array(arguments.dropFirst()), options: options)
        } catch {
            // The descriptors may be rearranged already: say why on what is fd 2 now, and go.
            let place = MessagePlace.prefix(fileName: context.source.fileName, context.location)
            let message = "cpl: \(place)exec: \(name): \(error.errno.description)\n"
            _ = message.withLosslessCString { Glibc.write(2, $0, strlen($0)) }
            Glibc.exit(error.errno.rawValue == ENOENT ? 127 : 126)
        }
    }
}
