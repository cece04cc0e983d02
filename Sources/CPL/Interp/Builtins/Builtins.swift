/// The builtins: the shell's own (which need its state), and the embedder's
/// (`Interpreter.registerBuiltin`), which take precedence. Everything else
/// runs as a program.
///
/// Builtins read and write through the context's descriptor table (the
/// stage's fds 0, 1, 2), never the process's own. Usage and operational
/// errors give status 2 (as in dash), with the message on the builtin's
/// standard error: `cpl: file:line:column: cd: nope: No such file or directory`.
/// Each family of builtins lives in a file of its own beside this one.
struct Builtin: Sendable {
    /// Runs the builtin in `shell` with the operands after its name.
    typealias Body = @Sendable (_ shell: Executor, _ operands: [String], _ assignments: [PlannedAssignment]) async throws(
        ShellExit
    ) -> Int32

    /// The builtin's status when it can give it at once, without suspending (no message to
    /// write, nothing to wait for), or nil, having done nothing: then `body` runs.
    /// The operands are a slice of the command's fields, so that none is copied to call it.
    typealias Immediate = @Sendable (_ shell: Executor, _ operands: ArraySlice<String>) throws(ShellExit) -> Int32?

    /// A POSIX special builtin: found before functions.
    let isSpecial: Bool
    let body: Body
    /// See `Executor.runImmediately`: what a command of a loop runs without any task machinery.
    var immediate: Immediate?

    static func special(_ body: @escaping Body, immediate: Immediate? = nil) -> Builtin {
        Builtin(isSpecial: true, body: body, immediate: immediate)
    }
    static func regular(_ body: @escaping Body, immediate: Immediate? = nil) -> Builtin {
        Builtin(isSpecial: false, body: body, immediate: immediate)
    }
    /// A builtin that always has its status at once.
    static func constant(_ status: Int32, isSpecial: Bool) -> Builtin {
        Builtin(isSpecial: isSpecial, body: { _, _, _ in status }, immediate: { _, _ in status })
    }
}

enum Builtins {
    /// The shell's own builtins, by name.
    static let table: NameTable<Builtin> = [
        ":": .constant(0, isSpecial: true),
        "true": .constant(0, isSpecial: false),
        "false": .constant(1, isSpecial: false),
        "echo": .regular { shell, operands, _ in await shell.echo(operands) },
        "printf": .regular { shell, operands, _ in await shell.printf(operands) },
        "test": .regular(
            { shell, operands, _ in await shell.test(operands, bracketed: false) },
            immediate: { _, operands in TestExpression.integerComparison(operands, bracketed: false) }),
        "[": .regular(
            { shell, operands, _ in await shell.test(operands, bracketed: true) },
            immediate: { _, operands in TestExpression.integerComparison(operands, bracketed: true) }),
        "cd": .regular { shell, operands, _ in await shell.changeDirectory(operands) },
        "pwd": .regular { shell, operands, _ in await shell.printWorkingDirectory(operands) },
        "export": .special { shell, operands, _ throws(ShellExit) in try await shell.export(operands) },
        "readonly": .special { shell, operands, _ throws(ShellExit) in try await shell.readonly(operands) },
        "unset": .special { shell, operands, _ throws(ShellExit) in try await shell.unset(operands) },
        "set": .special { shell, operands, _ throws(ShellExit) in try await shell.set(operands) },
        "local": .regular(
            { shell, operands, _ throws(ShellExit) in try await shell.local(operands) },
            immediate: { shell, operands in shell.localImmediately(operands) }),
        "exit": .special { shell, operands, _ throws(ShellExit) in try await shell.exit(operands) },
        "return": .special(
            { shell, operands, _ throws(ShellExit) in try await shell.returnBuiltin(operands) },
            immediate: { shell, operands throws(ShellExit) in try shell.returnImmediately(operands) }),
        "break": .special(
            { shell, operands, _ throws(ShellExit) in try await shell.loopControl(operands, continuing: false) },
            immediate: { shell, operands throws(ShellExit) in try shell.loopControlImmediately(operands, continuing: false) }),
        "continue": .special(
            { shell, operands, _ throws(ShellExit) in try await shell.loopControl(operands, continuing: true) },
            immediate: { shell, operands throws(ShellExit) in try shell.loopControlImmediately(operands, continuing: true) }),
        "source": .special { shell, operands, _ throws(ShellExit) in try await shell.source(operands, name: "source") },
        ".": .special { shell, operands, _ throws(ShellExit) in try await shell.source(operands, name: ".") },
        "eval": .special { shell, operands, _ throws(ShellExit) in try await shell.eval(operands) },
        "exec": .special { shell, operands, assignments throws(ShellExit) in
            try await shell.execBuiltin(operands, assignments: assignments)
        },
        "shift": .special { shell, operands, _ throws(ShellExit) in try await shell.shift(operands) },
        "read": .regular { shell, operands, _ throws(ShellExit) in try await shell.read(operands) },
        "getopts": .regular { shell, operands, _ throws(ShellExit) in try await shell.getopts(operands) },
        "command": .regular { shell, operands, assignments throws(ShellExit) in
            try await shell.command(operands, assignments: assignments)
        },
        "type": .regular { shell, operands, _ in await shell.type(operands) },
        "hash": .regular { shell, operands, _ in await shell.hash(operands) },
        "times": .special { shell, _, _ in await shell.times() },
        "umask": .regular { shell, operands, _ in await shell.umaskBuiltin(operands) },
        "ulimit": .regular { shell, operands, _ in await shell.ulimit(operands) },
        "alias": .regular { shell, operands, _ in await shell.alias(operands) },
        "unalias": .regular { shell, operands, _ in await shell.unalias(operands) },
        "trap": .special { shell, operands, _ in await shell.trap(operands) },
        "wait": .regular { shell, operands, _ in await shell.wait(operands) },
        "jobs": .regular { shell, operands, _ in await shell.listJobs(operands) },
        "kill": .regular { shell, operands, _ in await shell.kill(operands) },
        "fg": .regular { shell, operands, _ in await shell.foreground(operands) },
        "bg": .regular { shell, operands, _ in await shell.background(operands) },
    ]

    static var names: Set<String> { Set(table.names) }

    /// The builtins whose `NAME=value` operands are assignments: their values are neither split
    /// nor globbed (`export foo=*` exports `*`), as in POSIX 2024 and dash.
    static let assignmentNames: NameSet = ["export", "local", "readonly"]

    /// The special builtins: found before functions, and no function may take their names.
    static let specialNames = table.names(where: \.isSpecial)

    static func isBuiltin(_ name: String, in session: Session) -> Bool {
        table[name] != nil || session.builtin(named: name) != nil
    }
}

extension Executor {
    /// Runs a builtin with `files` already set to the command's table.
    func runBuiltin(_ arguments: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Int32 {
        let name = arguments[0]
        builtinFoundReaderGone = false
        if let custom = session.builtin(named: name) {
            let status = await runCustom(custom, arguments, assignments: assignments)
            try endIfReaderGone()
            return status
        }
        guard let builtin = Builtins.table[name] else { return 127 }
        // `IFS=: read a b`: the assignments hold while a regular builtin runs; before a special
        // builtin they stay (POSIX).
        var saved: [(String, String?)] = []
        for assignment in assignments {
            if !builtin.isSpecial { saved.append((assignment.name, state.variables[assignment.name])) }
            state.variables[assignment.name] = assignment.value
        }
        defer { for (name, value) in saved.reversed() { state.variables[name] = value } }
        let status = try await builtin.body(self, Array(arguments.dropFirst()), assignments)
        try endIfReaderGone()
        return status
    }

    /// After a builtin whose write found its reader gone (status 141): a subshell ends there, as
    /// the sh process that SIGPIPE kills does, so `( echo x; sort ) | true` leaves sort's input
    /// unread; the top level goes on. `trap '' PIPE` lets a subshell go on too.
    private func endIfReaderGone() throws(ShellExit) {
        guard builtinFoundReaderGone, isSubshell, state.traps["PIPE"] != "" else { return }
        throw ShellExit(status: 141, reason: .brokenPipe)
    }

    /// An embedder's builtin. A write that hit a closed pipe makes the status 141.
    private func runCustom(_ body: BuiltinFunction, _ arguments: [String], assignments: [PlannedAssignment]) async -> Int32 {
        let invocation = BuiltinInvocation(
            arguments: arguments, environment: state.environment(with: assignments),
            workingDirectory: state.workingDirectory, stdin: ShellInput(files[0]), stdout: ShellOutput(files[1]),
            stderr: ShellOutput(files[2]), descriptors: DescriptorHandoff(files))
        let status: Int32
        do {
            status = try await body(invocation)
        } catch {
            if !invocation.stdout.hitBrokenPipe { await report("\(arguments[0]): \(error)") }
            status = 1
        }
        invocation.descriptors.release()
        if invocation.stdout.hitBrokenPipe || invocation.stderr.hitBrokenPipe {
            builtinFoundReaderGone = true
            return 141
        }
        return status
    }

    // MARK: Output helpers

    /// Writes to the builtin's standard output: 0, 141 if the reader has gone, else 1 (reported).
    func writeOutput(_ text: String, builtin name: String) async -> Int32 {
        do {
            try await ShellOutput(files[1]).write(text)
            return 0
        } catch {
            if error == .brokenPipe {
                builtinFoundReaderGone = true
                return 141
            }
            await report("\(name): write error: \(error.description)")
            return 1
        }
    }

    /// The flags before a builtin's operands, as dash's `nextopt` reads them: every letter of each
    /// `-abc` up to `--` or the first word that is not one, and the operands after them; nil, the
    /// error reported (status 2), for a letter not in `allowed`.
    func leadingFlags(
        of operands: [String], allowed: String, builtin: String
    ) async -> (flags: [Character], operands: ArraySlice<String>)? {
        var rest = operands[...]
        var flags: [Character] = []
        while let option = rest.first, option.hasPrefix("-"), option.count > 1 {
            rest = rest.dropFirst()
            if option == "--" { break }
            for flag in option.dropFirst() {
                guard allowed.contains(flag) else {
                    _ = await builtinError(builtin, "Illegal option -\(flag)")
                    return nil
                }
                flags.append(flag)
            }
        }
        return (flags, rest)
    }

    /// Reports a builtin's error and returns `status`.
    func builtinError(_ name: String, _ message: String, status: Int32 = 2) async -> Int32 {
        await report("\(name): \(message)")
        return status
    }

    /// Reports an error of a special builtin (`unset %`, `set -o nosuch`): it ends a script, as
    /// POSIX says and dash does (`command NAME` keeps it going); an interactive shell goes on with
    /// status 2.
    func specialBuiltinError(_ name: String, _ message: String) async throws(ShellExit) -> Int32 {
        let status = await builtinError(name, message)
        if session.jobControl { return status }
        throw ShellExit(status: status, reason: .fatalError)
    }
}
