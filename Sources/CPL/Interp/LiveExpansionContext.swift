import ChildProcess
import Glibc

/// The executor's expansion context: real variables, and `$(…)` run in a
/// subshell whose standard output is a pipe read concurrently.
struct LiveExpansionContext: ExpansionContext {
    /// Unowned and unchecked: a context lives only inside a call on its executor (planning one
    /// command, expanding one word), and a checked reference costs a retain at every variable read.
    unowned(unsafe) let executor: Executor

    func variable(_ name: String) -> String? { executor.state.variables[name] }
    /// A `readonly` variable keeps its value (the planner's prefix assignments are checked when
    /// the command runs; `${x=…}` and `$((x = …))` leave it alone).
    func assignVariable(_ name: String, _ value: String?) {
        guard !executor.state.readonlyNames.contains(name) else { return }
        executor.state.assign(name, value)
    }
    var positionalParameters: [String] { executor.state.positionalParameters }
    var scriptName: String { executor.state.scriptName }
    var lastStatus: Int32 { executor.state.lastStatus }
    var lastBackgroundProcessID: Int32? {
        get async { await executor.state.lastBackgroundJob?.displayPID() }
    }
    var optionFlags: String { executor.state.options.flags + (executor.session.jobControl ? "i" : "") }
    var globbingDisabled: Bool { executor.state.options.noglob }
    var splitsExpansionValues: Bool { executor.state.options.posix }
    func isReadOnly(_ name: String) -> Bool { executor.state.readonlyNames.contains(name) }
    var treatsUnsetVariablesAsErrors: Bool { executor.state.options.nounset }
    var keepsLineNumber: Bool { executor.state.keepsLineNumber }
    var workingDirectory: String { executor.state.workingDirectory }
    var fileSystem: FileSystem { executor.session.fileSystem }

    func substituteCommand(_ substitution: CommandSubstitution) async throws(ExpansionError) -> String {
        let (output, status) = try await executor.capture(substitution)
        executor.lastSubstitutionStatus = status
        return output
    }
}

extension Executor {
    /// Runs `$(…)` in a subshell and returns what it wrote to standard output.
    func capture(_ substitution: CommandSubstitution) async throws(ExpansionError) -> (String, Int32) {
        let output: StdioPipe
        let writeEnd: FileDescriptor
        do {
            (output, writeEnd) = try StdioPipe.makeReader()
        } catch {
            throw ExpansionError(
                kind: .substitutionFailed, message: "cannot create a pipe: \(error)", range: substitution.range)
        }
        // Read (through the reactor) while the substitution runs, so that a
        // large output cannot fill the pipe and stall it.
        async let bytes: Result<[UInt8], Errno> = {
            do throws(Errno) { return .success(try await output.bytes()) } catch { return .failure(error) }
        }()
        // Made in this state, where it stays until an exported variable changes: made in the
        // subshell's copy, it would be made again for every substitution.
        _ = state.environment()
        var snapshot = self.snapshot
        snapshot.files[1] = OpenFile(owning: writeEnd)
        snapshot.context.placement.ignoresKeyboardStops = session.jobControl
        let status: Int32
        do {
            // The subshell (and its copy of the write end) ends with this scope.
            let subshell = Executor(subshellOf: snapshot)
            snapshot.files = DescriptorTable()
            status = await subshell.runAsSubshell(substitution.program)
            subshell.files = DescriptorTable()
        }
        let text: String
        switch await bytes {
        // NUL bytes are dropped, as dash and bash drop them: no argument or variable can hold one.
        case .success(let read): text = String(losslessBytes: read.contains(0) ? read.filter { $0 != 0 } : read)
        case .failure(let error):
            throw ExpansionError(
                kind: .substitutionFailed, message: "cannot read the output of $(…): \(error)", range: substitution.range)
        }
        if Task.isCancelled {
            throw ExpansionError(kind: .cancelled, message: "cancelled", range: substitution.range, status: 128 + SIGTERM)
        }
        return (text, status)
    }
}
