// `export`, `unset`, `set`.

import ChildProcess

extension Executor {
    /// `export [-p] [NAME[=value]…]`. With no names: every exported variable
    /// as `export NAME='value'`, sorted.
    func export(_ operands: [String]) async throws(ShellExit) -> Int32 {
        let names = operands.filter { $0 != "-p" }
        if names.isEmpty {
            var listing = ""
            for name in state.variables.exportedNames.sorted() {
                if let value = state.variables[name] {
                    listing += "export \(name)=\(RemoteShell.singleQuoted(value))\n"
                } else {
                    listing += "export \(name)\n"
                }
            }
            return await writeOutput(listing, builtin: "export")
        }
        for operand in names {
            let name: Substring
            if let equals = operand.firstIndex(of: "=") {
                name = operand[..<equals]
                if Parser.isName(name) {
                    try await checkWritable(String(name), builtin: "export")
                    state.variables[String(name)] = String(operand[operand.index(after: equals)...])
                }
            } else {
                name = operand[...]
            }
            guard Parser.isName(name) else { return try await specialBuiltinError("export", "\(name): bad variable name") }
            state.variables.export(String(name))
        }
        return 0
    }

    /// `unset [-v] NAME…` removes variables, `unset -f NAME…` functions.
    func unset(_ operands: [String]) async throws(ShellExit) -> Int32 {
        var functions = false
        var names = operands[...]
        while let flag = names.first, flag.hasPrefix("-"), flag.count > 1 {
            if flag == "--" {
                names = names.dropFirst()
                break
            }
            functions = flag.contains("f") && !flag.contains("v")
            names = names.dropFirst()
        }
        for name in names {
            if functions {
                state.functions[name] = nil
            } else {
                guard Parser.isName(name[...]) else { return try await specialBuiltinError("unset", "\(name): bad variable name") }
                try await checkWritable(name, builtin: "unset")
                state.variables[name] = nil
                state.variables.unexport(name)
                if name == "LINENO" { state.keepsLineNumber = false }
            }
        }
        return 0
    }

    /// `set [-euxC] [-o option] [+…] [--] [args…]`. With no operands: every
    /// variable as `NAME='value'`; `set -o` / `set +o`: the options.
    func set(_ operands: [String]) async throws(ShellExit) -> Int32 {
        if operands.isEmpty {
            var listing = ""
            for name in state.variables.names.sorted() {
                listing += "\(name)=\(RemoteShell.singleQuoted(state.variables[name]!))\n"
            }
            return await writeOutput(listing, builtin: "set")
        }
        var index = 0
        var options = state.options
        while index < operands.count {
            let operand = operands[index]
            if operand == "--" || operand == "-" {
                // `set - args`: the old form of `set --`, which also turns off -x and -v.
                if operand == "-" { options.xtrace = false }
                state.options = options
                state.positionalParameters = Array(operands[(index + 1)...])
                return 0
            }
            guard let sign = operand.first, sign == "-" || sign == "+", operand.count > 1 else { break }
            let on = sign == "-"
            if operand.dropFirst() == "o" {
                guard index + 1 < operands.count else {
                    var listing = ""
                    for name in ShellOptions.names {
                        listing += on ? "\(name.padding(15))\(options[name]! ? "on" : "off")\n"
                            : "set \(options[name]! ? "-o" : "+o") \(name)\n"
                    }
                    let ssh = state.variables[SSHCommand.environmentVariable]
                    listing += on ? "\(RemoteStage.sshCommandOption.padding(15))\(ssh ?? "ssh")\n"
                        : ssh.map { "set -o \(RemoteStage.sshCommandOption)=\(RemoteShell.singleQuoted($0))\n" } ?? "set +o \(RemoteStage.sshCommandOption)\n"
                    state.options = options
                    return await writeOutput(listing, builtin: "set")
                }
                let name = operands[index + 1]
                if let value = RemoteStage.sshCommandSetting(name) {
                    if let status = try await setSSHCommand(value, on: on) { return status }
                    index += 2
                    continue
                }
                guard options[name] != nil else { return try await specialBuiltinError("set", "\(name): unknown option") }
                options[name] = on
                index += 2
                continue
            }
            for flag in operand.dropFirst() {
                guard let name = ShellOptions.name(ofFlag: flag) else {
                    return try await specialBuiltinError("set", "Illegal option \(sign)\(flag)")
                }
                options[name] = on
            }
            index += 1
        }
        state.options = options
        if index < operands.count { state.positionalParameters = Array(operands[index...]) }
        return 0
    }
}

extension Executor {
    /// `set -o sshcommand=COMMAND` is `CPL_SSH_COMMAND=COMMAND`, `set +o sshcommand` is `unset
    /// CPL_SSH_COMMAND`: a string-valued option, where sh's options are all on or off, kept in the
    /// variable so that there is one setting (exported or not, as any variable), not two to rank.
    /// nil when done, else the status of the error.
    private func setSSHCommand(_ value: String?, on: Bool) async throws(ShellExit) -> Int32? {
        let option = RemoteStage.sshCommandOption
        guard on == (value != nil) else {
            return try await specialBuiltinError("set", on ? "\(option): needs a value (-o \(option)=COMMAND)" : "+o \(option) takes no value")
        }
        let name = SSHCommand.environmentVariable
        try await checkWritable(name, builtin: "set")
        state.variables[name] = value
        if value == nil { state.variables.unexport(name) } else if state.options.allexport { state.variables.export(name) }
        return nil
    }
}

extension Executor {
    /// `shift [n]`: drops the first n positional parameters (more than there are is an error).
    func shift(_ operands: [String]) async throws(ShellExit) -> Int32 {
        var count = 1
        if let operand = operands.first {
            guard let number = Int(operand), number >= 0 else {
                _ = await builtinError("shift", "Illegal number: \(operand)")
                throw ShellExit(status: 2, reason: .fatalError)
            }
            count = number
        }
        guard count <= state.positionalParameters.count else {
            _ = await builtinError("shift", "can't shift that many")
            throw ShellExit(status: 2, reason: .fatalError)
        }
        state.positionalParameters.removeFirst(count)
        return 0
    }
}

extension Executor {
    /// `readonly [-p] [NAME[=value]…]`: with no names, lists them as `readonly NAME='value'`.
    func readonly(_ operands: [String]) async throws(ShellExit) -> Int32 {
        let names = operands.filter { $0 != "-p" }
        if names.isEmpty {
            var listing = ""
            for name in state.readonlyNames.sorted() {
                listing += state.variables[name].map { "readonly \(name)=\(RemoteShell.singleQuoted($0))\n" } ?? "readonly \(name)\n"
            }
            return await writeOutput(listing, builtin: "readonly")
        }
        for operand in names {
            let (name, value) = Executor.splitAssignment(operand)
            guard Parser.isName(name[...]) else { return try await specialBuiltinError("readonly", "\(name): bad variable name") }
            if let value {
                try await checkWritable(name, builtin: "readonly")
                state.variables[name] = value
            }
            state.readonlyNames.insert(name)
        }
        return 0
    }

    /// Assigning or unsetting a `readonly` variable ends the script, as in dash.
    func checkWritable(_ name: String, builtin: String? = nil) async throws(ShellExit) {
        guard state.readonlyNames.contains(name) else { return }
        await report((builtin.map { "\($0): " } ?? "") + "\(name): is read only")
        state.lastStatus = 2
        throw ShellExit(status: 2, reason: .fatalError)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
