// `command` and `type`: what a name is, and running it without functions.

extension Executor {
    /// What `name` runs as, in lookup order (special builtins, functions, builtins, PATH).
    enum CommandMeaning {
        case keyword, function, builtin(special: Bool), program(String), notFound
    }

    func meaning(of name: String) -> CommandMeaning {
        if Token.reservedWords.contains(name) { return .keyword }
        let special = Builtins.specialNames.contains(name)
        if !special, state.functions[name] != nil { return .function }
        if session.builtin(named: name) != nil || Builtins.table[name] != nil { return .builtin(special: special) }
        switch state.programs.resolve(
            name, searchPath: state.variables["PATH"], workingDirectory: state.workingDirectory, in: session.fileSystem)
        {
        case .found(let path): return .program(name.contains("/") ? name : path)
        case .notFound, .refused: return .notFound
        }
    }

    /// `command [-v|-V] NAME [arg…]`: without options, runs NAME as a builtin or program (never
    /// a function). `-v` prints how NAME would be found, `-V` describes it.
    func command(_ operands: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Int32 {
        guard let (flags, arguments) = await leadingFlags(of: operands, allowed: "vVp", builtin: "command") else { return 2 }
        let mode = flags.last { $0 != "p" }
        guard let name = arguments.first else { return 0 }
        if let mode {
            var status: Int32 = 0
            for name in arguments {
                let output: String?
                let tracked = tracks(name)
                let meaning = meaning(of: name)
                switch (meaning, mode) {
                case (.program(let path), "v"): output = path
                case (.notFound, _): output = nil
                case (_, "v"): output = name
                default: output = describe(name, meaning, tracked: tracked)
                }
                if let output {
                    status = await writeOutput(output + "\n", builtin: "command")
                } else {
                    if mode == "V" { _ = await builtinError("command", "\(name): not found", status: 127) }
                    status = 127
                }
            }
            return status
        }
        let rest = Array(arguments)
        if session.builtin(named: name) != nil || Builtins.table[name] != nil {
            // `command` takes away a special builtin's power to end the script (`command unset %`
            // goes on with status 2), as in dash.
            do {
                return try await runBuiltin(rest, assignments: assignments)
            } catch where error.reason == .fatalError {
                return error.status
            }
        }
        return await runProgram(
            rest, assignments: assignments, descriptors: DescriptorHandoff(files), reporter: nil)
    }

    /// `type NAME…`: how each name would be found, as dash says it.
    func type(_ operands: [String]) async -> Int32 {
        var status: Int32 = 0
        for name in operands {
            let tracked = tracks(name)
            if let description = describe(name, meaning(of: name), tracked: tracked) {
                status = await writeOutput(description + "\n", builtin: "type")
            } else {
                _ = await writeOutput("\(name): not found\n", builtin: "type")
                status = 127
            }
        }
        return status
    }

    /// `tracked`: the program was remembered before this lookup (dash calls it "a tracked alias").
    private func describe(_ name: String, _ meaning: CommandMeaning, tracked: Bool) -> String? {
        switch meaning {
        case .keyword: "\(name) is a shell keyword"
        case .function: "\(name) is a shell function"
        case .builtin(let special): special ? "\(name) is a special shell builtin" : "\(name) is a shell builtin"
        case .program(let path): tracked ? "\(name) is a tracked alias for \(path)" : "\(name) is \(path)"
        case .notFound: nil
        }
    }

    private func tracks(_ name: String) -> Bool {
        state.programs.remembers(name, searchPath: state.variables["PATH"])
    }

    /// `hash`: the remembered programs, in dash's order and form. `hash -r`: forgets them all.
    /// `hash name…`: looks each up afresh and remembers it; one not found is an error, as in dash.
    func hash(_ operands: [String]) async -> Int32 {
        guard let (flags, names) = await leadingFlags(of: operands, allowed: "r", builtin: "hash") else { return 2 }
        if !flags.isEmpty {
            // dash forgets and stops there: names after -r are not looked up.
            state.programs.forgetAll()
            return 0
        }
        if names.isEmpty {
            return await writeOutput(state.programs.listing(searchPath: state.variables["PATH"]), builtin: "hash")
        }
        var status: Int32 = 0
        for name in names {
            state.programs.forget(name)
            if case .notFound = meaning(of: name) {  // a builtin or function is no error, as in dash
                status = await builtinError("hash", "\(name): not found", status: 1)
            }
        }
        return status
    }
}

