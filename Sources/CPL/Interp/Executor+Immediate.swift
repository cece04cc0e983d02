// Commands that cannot suspend (assignments, `[ … ]`, `local`, `return`…), planned and run
// synchronously: most commands of a loop are such, and the task machinery of the general path
// (async frames, a `PlannedStage` handed down through them) costs more than the command itself.
// Each step here declines, before it has done anything, what it cannot do; the general path then
// does all of it.

extension Executor {
    /// Plans a command synchronously when it allows (see `Planner.planImmediately`).
    func planImmediately(_ command: Command) throws(ExpansionError) -> PlannedStage? {
        lastSubstitutionStatus = nil
        var planner = makePlanner()
        return try planner.planImmediately(command)
    }

    /// Runs `stage` synchronously when it has no descriptors of its own, no `set -x` line to write,
    /// and is assignments alone or a builtin whose `immediate` form answers; nil, having done
    /// nothing, for any other stage (`run(_:reporter:inPlace:)` runs those).
    func runImmediately(_ stage: PlannedStage, reporter: Job?) throws(ShellExit) -> Int32? {
        guard stage.descriptors.isEmpty, !state.options.xtrace else { return nil }
        switch stage.action {
        case .assignmentsOnly:
            // A `readonly` name is an error to report.
            guard !stage.assignments.contains(where: { state.readonlyNames.quicklyContains($0.name) }) else { return nil }
            context.location = stage.range.start
            reporter?.lastStageLaunched(pid: nil)
            setVariables(stage.assignments)
            return lastSubstitutionStatus ?? 0
        case .builtin(let arguments):
            // Prefix assignments are set and undone around a builtin; an embedder's builtin comes first.
            guard stage.assignments.isEmpty, session.builtin(named: arguments[0]) == nil,
                let immediate = Builtins.table[arguments[0]]?.immediate
            else { return nil }
            context.location = stage.range.start
            reporter?.lastStageLaunched(pid: nil)
            return try immediate(self, Array(arguments.dropFirst()))
        default:
            return nil
        }
    }
}
