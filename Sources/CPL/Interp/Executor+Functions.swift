import ChildProcess

/// What one running function call must put back when it returns.
struct FunctionCall: Sendable {
    /// The caller's positional parameters.
    var positionalParameters: [String]
    /// Variables made local by `local` (and the prefix assignments of the call), with the values
    /// they had before: restored in reverse order of first saving.
    var saved: [(name: String, variable: SavedVariable)] = []
    /// `local -`: the options to restore.
    var options: ShellOptions?
}

/// A variable's value and export flag as they were (nil value: unset).
struct SavedVariable: Sendable {
    var value: String?
    var exported: Bool
}

extension Executor {
    /// dash's limit: deeper recursion is an error, not a crash.
    static let maximumCallDepth = 1000

    /// Calls the function `arguments[0]` with the rest as `$1…`. Prefix assignments (`X=1 f`)
    /// are exported for the call and undone after it, as in dash.
    func call(_ arguments: [String], assignments: [PlannedAssignment]) async throws(ShellExit) -> Int32 {
        guard let function = state.functions[arguments[0]] else { return 127 }
        if calls.count >= Executor.maximumCallDepth {
            await report("\(arguments[0]): maximum function recursion depth (\(Executor.maximumCallDepth)) reached")
            throw ShellExit(status: 2, reason: .fatalError)
        }
        calls.append(FunctionCall(positionalParameters: state.positionalParameters))
        for assignment in assignments {
            makeLocal(assignment.name)
            state.variables[assignment.name] = assignment.value
            state.variables.export(assignment.name)
        }
        state.positionalParameters = Array(arguments.dropFirst())
        defer { returnFromCall() }
        do {
            // The caller's loops are out of reach of the function's `break`, as in dash.
            return try await with({
                $0.loopDepth = 0
                $0.source = function.source
            }) { () throws(ShellExit) in
                try await runBody(function.definition.body)
            }
        } catch where error.reason == .returnFromFunction {
            return error.status
        }
    }

    /// A function's body runs like any compound command, with its redirections applied.
    private func runBody(_ body: Command) async throws(ShellExit) -> Int32 {
        // The usual body, `{ …; }` without redirections, runs as `run(_:reporter:inPlace:)` runs
        // that group, without a stage planned for it.
        if case .braceGroup(let group) = body, group.redirections.isEmpty {
            context.location = group.range.start
            return try await nested(reporter: nil) { () throws(ShellExit) in try await self.runList(group.body) }
        }
        let stage: PlannedStage
        do {
            stage = try await planLone(Pipeline(negated: false, stages: [body], pipeStderr: [], range: body.range))
        } catch {
            await report(error.message, at: error.range ?? body.range)
            throw ShellExit(status: error.status, reason: .fatalError)
        }
        return try await run(stage, reporter: nil)
    }

    private func returnFromCall() {
        guard let call = calls.popLast() else { return }
        for (name, variable) in call.saved.reversed() {
            state.variables[name] = variable.value
            if variable.exported { state.variables.export(name) } else { state.variables.unexport(name) }
        }
        state.positionalParameters = call.positionalParameters
        if let options = call.options { state.options = options }
    }

    /// Saves `name` in the innermost call (once), so that its return restores it.
    func makeLocal(_ name: String) {
        guard let last = calls.indices.last, !calls[last].saved.contains(where: { $0.name == name }) else { return }
        calls[last].saved.append(
            (name, SavedVariable(value: state.variables[name], exported: state.variables.isExported(name))))
    }
}
