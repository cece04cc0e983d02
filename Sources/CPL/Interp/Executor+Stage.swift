import ChildProcess
import Glibc

extension Executor {
    /// Runs one planned stage: builds its descriptor table (pipe ends, then
    /// redirections left to right), then runs the program, builtin or group.
    /// A redirection that fails reports why and gives status 2 without
    /// running the command (as dash does).
    ///
    /// `inPlace`: this executor is the stage's own subshell (a stage of a multi-stage pipeline),
    /// so the descriptors stay its own afterwards, for its EXIT trap.
    func run(_ stage: PlannedStage, reporter: Job?, inPlace: Bool = false) async throws(ShellExit) -> Int32 {
        var stage = stage
        context.location = stage.range.start
        if case .expansionFailed(let error) = stage.action {
            reporter?.lastStageLaunched(pid: nil)
            await report(error.message, at: error.range ?? stage.range)
            return error.status
        }
        var table = files
        do {
            try apply(stage.descriptors, to: &table)
        } catch {
            reporter?.lastStageLaunched(pid: nil)
            pipeEnds = [:]
            await report(error.message, at: stage.range)
            // A redirection error of a special builtin (`exec 3<missing`) ends a script (POSIX).
            var endsScript = error.endsScript
            if case .builtin(let arguments) = stage.action, Builtins.specialNames.contains(arguments[0]) { endsScript = true }
            if endsScript, !session.jobControl { throw ShellExit(status: 2, reason: .fatalError) }
            return 2
        }
        pipeEnds = [:]
        if !stage.deferredAssignments.isEmpty {
            do {
                stage.assignments = try await expandDeferredAssignments(of: stage, with: table)
            } catch {
                reporter?.lastStageLaunched(pid: nil)
                await report(error.message, at: error.range ?? stage.range)
                // As a lone command's expansion error ends the script; in a stage, only the stage.
                if inPlace { return error.status }
                state.lastStatus = error.status
                throw ShellExit(status: error.status, reason: .fatalError)
            }
        }
        for assignment in stage.assignments { try await checkWritable(assignment.name) }
        if inPlace, !stage.action.isProgram { files = table }

        switch stage.action {
        case .program(let arguments):
            await trace(arguments, assignments: stage.assignments)
            let descriptors = DescriptorHandoff(consume table)
            // In a pipeline, its abort decides (`executeStages`); alone, the command has one of
            // its own, so that a failure to start for want of a resource is the shell's.
            guard context.placement.abort == nil else {
                return await runProgram(arguments, assignments: stage.assignments, descriptors: descriptors, reporter: reporter)
            }
            let abort = PipelineAbort()
            let status = try await with({ $0.placement.abort = abort }) { () throws(ShellExit) in
                await runProgram(arguments, assignments: stage.assignments, descriptors: descriptors, reporter: reporter)
            }
            try endIfAborted(abort)
            return status

        case .builtin(let arguments):
            reporter?.lastStageLaunched(pid: nil)
            await trace(arguments, assignments: stage.assignments)
            if arguments[0] == "exec", arguments.dropFirst().allSatisfy({ $0 == "--" }) {
                // `exec >log 3<in`: the redirections stay for the rest of the context.
                files = table
                return 0
            }
            return try await withRedirections(table, of: stage) { () throws(ShellExit) in
                try await runBuiltin(arguments, assignments: stage.assignments)
            }

        case .group(let body):
            return try await runInPlace(table, of: stage, reporter: reporter) { () throws(ShellExit) in
                try await self.runList(body)
            }

        case .compound(let compound):
            return try await runInPlace(table, of: stage, reporter: reporter) { () throws(ShellExit) in
                try await self.run(compound)
            }

        case .function(let arguments):
            reporter?.lastStageLaunched(pid: nil)
            await trace(arguments, assignments: stage.assignments)
            return try await withRedirections(table, of: stage) { () throws(ShellExit) in
                try await call(arguments, assignments: stage.assignments)
            }

        case .defineFunction(let definition):
            reporter?.lastStageLaunched(pid: nil)
            state.functions[definition.name] = ShellFunction(definition: definition, source: context.source)
            return 0

        case .subshell(let body):
            var snapshot = self.snapshot
            snapshot.files = table
            let handoff = Handoff(snapshot)
            defer { reporter?.lastStageLaunched(pid: nil) }
            return await runStoppable {
                let subshell = Executor(subshellOf: handoff.take()!)
                subshell.context.launchReporter = reporter
                return await subshell.runAsSubshell(body)
            }

        case .assignmentsOnly:
            reporter?.lastStageLaunched(pid: nil)
            if !stage.assignments.isEmpty { await trace([], assignments: stage.assignments) }
            setVariables(stage.assignments)
            return lastSubstitutionStatus ?? 0

        case .remote(let remote):
            return await run(remote, descriptors: table, reporter: reporter)

        case .expansionFailed:
            return 2  // handled above
        }
    }

    /// The assignments the planner left for now that the stage's redirections are performed:
    /// their `$(…)` run with the stage's descriptors, as in sh.
    private func expandDeferredAssignments(
        of stage: PlannedStage, with table: DescriptorTable
    ) async throws(ExpansionError) -> [PlannedAssignment] {
        let saved = files
        files = table
        defer { files = saved }
        var planner = makePlanner()
        let beforeCommand: Bool
        if case .assignmentsOnly = stage.action { beforeCommand = false } else { beforeCommand = true }
        return try await planner.expand(stage.deferredAssignments, beforeCommand: beforeCommand)
    }

    /// `NAME=value` without a command: shell variables (exported under `set -a`).
    func setVariables(_ assignments: [PlannedAssignment]) {
        for assignment in assignments {
            state.assign(assignment.name, assignment.value)
            if state.options.allexport { state.variables.export(assignment.name) }
        }
    }

    /// A group or compound command: runs in this context with the stage's descriptors. `$!` of
    /// `{ a; b; } &` is a's (its first pipeline's last stage).
    private func runInPlace(
        _ table: DescriptorTable, of stage: PlannedStage, reporter: Job?, _ body: () async throws(ShellExit) -> Int32
    ) async throws(ShellExit) -> Int32 {
        try await runInPlace(reporter: reporter) { () throws(ShellExit) in try await withRedirections(table, of: stage, body) }
    }

    /// A group's or compound command's commands, one level down, their first launch reported to
    /// `reporter` (or, when none launches, that none did). `ImmediateItem.group` and `.compound`
    /// come here directly: a lone one without redirections needs no planned stage.
    func runInPlace(reporter: Job?, _ body: () async throws(ShellExit) -> Int32) async throws(ShellExit) -> Int32 {
        defer { reporter?.lastStageLaunched(pid: nil) }
        return try await nested(reporter: reporter, body)
    }

    /// Runs `body` one level down (a group's or compound command's commands, a function's body),
    /// reporting its first launch to `reporter`. As `with({ $0.launchReporter = reporter;
    /// $0.nesting += 1 }, body)`, putting back only the counter and the `RunContext.CommandFields`:
    /// every group and compound command nests.
    func nested(reporter: Job?, _ body: () async throws(ShellExit) -> Int32) async throws(ShellExit) -> Int32 {
        let outer = context.commandFields
        context.launchReporter = reporter
        context.nesting += 1
        defer {
            context.nesting -= 1
            context.commandFields = outer
        }
        return try await body()
    }

    /// Runs `body` with `table` as this context's descriptors. Afterwards the descriptors the
    /// stage's own redirections named are put back; every other change the body made stays, as in
    /// dash (`f() { exec 3>log; }` leaves 3 open after `f 2>/dev/null`).
    private func withRedirections(
        _ table: DescriptorTable, of stage: PlannedStage, _ body: () async throws(ShellExit) -> Int32
    ) async throws(ShellExit) -> Int32 {
        // Without redirections, `table` is this context's own table.
        guard !stage.descriptors.isEmpty else { return try await body() }
        let saved = files
        files = table
        defer { files.restore(stage.descriptors.map(\.fd), from: saved) }
        return try await body()
    }

    /// `set -x`: `+ A=1 cmd 'two words'` on this context's standard error.
    func trace(_ arguments: [String], assignments: [PlannedAssignment]) async {
        guard state.options.xtrace else { return }
        // As dash writes it: `$PS4`, then the words as they are (not quoted).
        let words = assignments.map { "\($0.name)=\($0.value)" } + arguments
        try? await ShellOutput(files[2]).write((state.variables["PS4"] ?? "+ ") + words.joined(separator: " ") + "\n")
    }
}

extension PlannedStage.Action {
    var isProgram: Bool {
        if case .program = self { return true }
        return false
    }
}
