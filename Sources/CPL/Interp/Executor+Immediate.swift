// Commands that cannot suspend (assignments, `[ … ]`, `local`, `return`…), planned and run
// synchronously: most commands of a loop are such, and the task machinery of the general path
// (async frames, a `PlannedStage` handed down through them) costs more than the command itself.
// Each step here declines, before it has done anything, what it cannot do; the general path then
// does all of it.

/// What `Executor.runImmediately(_:)` did with a list item.
enum ImmediateItem {
    /// Nothing: the general path (`run(_:)`) runs the whole item.
    case declined
    /// The item ran to its end.
    case finished
    /// Its lone command is planned (its words expanded, the reporter taken) but runs through
    /// `run(_:reporter:inPlace:)`; then the pipeline ends (`end(_:status:conditional:)`).
    case planned(PlannedStage, reporter: Job?)
    /// Its lone command did not expand: `fail(_:reporter:at:)` reports it.
    case failed(ExpansionError, reporter: Job?)
    /// Its lone command is a `{ …; }` without redirections: its body runs in place
    /// (`runInPlace(reporter:_:)`), with no `PlannedStage` made for it.
    case group(Program, reporter: Job?)
    /// Its lone command is a compound command without redirections: it runs in place.
    case compound(CompoundCommand, reporter: Job?)
    /// Its lone command calls a function, without redirections or prefix assignments: the call
    /// is made in place (`call(_:assignments:)`), with no `PlannedStage` made for it.
    case call([String], reporter: Job?)
}

extension Executor {
    /// A list item that is one foreground command (no `&`, `&&`, `||`, `|` or `!`), planned and,
    /// when it allows, run synchronously: what the general path's five async frames per command
    /// (item, and-or list, pipeline, job, stage) would do for it, without them. `.declined`,
    /// having done nothing, for any other item, and whenever a `set` option or a job observer
    /// asks more of an item than running it.
    func runImmediately(_ item: ListItem) throws(ShellExit) -> ImmediateItem {
        guard item.terminator == .sequential, item.andOr.rest.isEmpty, !item.andOr.first.negated,
            item.andOr.first.stages.count == 1, !groupPerPipeline, !state.options.verbose, !state.options.noexec,
            !(reportsJobs && context.nesting == 0 && session.hasObservers)
        else { return .declined }
        let reporter = context.launchReporter
        let command = item.andOr.first.stages[0]
        guard case .simple(let simple) = command else {
            switch command {
            // With what `run(_:reporter:inPlace:)` does first for a planned stage.
            case .compound(let compound) where compound.redirections.isEmpty:
                startInPlace(at: compound.range)
                return .compound(compound, reporter: reporter)
            case .braceGroup(let group) where group.redirections.isEmpty:
                startInPlace(at: group.range)
                return .group(group.body, reporter: reporter)
            default:
                break
            }
            let stage: PlannedStage
            do {
                guard let planned = try planImmediately(command) else { return .declined }
                stage = planned
            } catch {
                return .failed(error, reporter: reporter)  // not reached: only simple commands expand here
            }
            context.launchReporter = nil
            return .planned(stage, reporter: reporter)
        }
        // A simple command is run from its fields, with no `PlannedStage` made unless the general
        // path needs one.
        lastSubstitutionStatus = nil
        let fields: (arguments: [String], assignments: [PlannedAssignment])
        do {
            guard let expanded = try withPlanner({ (planner) throws(ExpansionError) in try planner.expandImmediately(simple) })
            else { return .declined }
            fields = expanded
        } catch {
            context.launchReporter = nil
            return .failed(error, reporter: reporter)
        }
        context.launchReporter = nil
        guard let status = try runImmediately(fields.arguments, assignments: fields.assignments, at: simple.range, reporter: reporter)
        else {
            let action = withPlanner { $0.action(for: fields.arguments) }
            if case .function(let arguments) = action, fields.assignments.isEmpty, !state.options.xtrace {
                startInPlace(at: simple.range)
                return .call(arguments, reporter: reporter)
            }
            return .planned(PlannedStage(action: action, assignments: fields.assignments, range: simple.range), reporter: reporter)
        }
        _ = try end(item.andOr.first, status: status, conditional: false, ranItself: true)
        return .finished
    }

    /// A lone group, compound command or function call takes the reporter and becomes the command
    /// running now; no pipe ends stay for it.
    private func startInPlace(at range: SourceRange) {
        context.launchReporter = nil
        context.location = range.start
        pipeEnds = [:]
    }

    /// Plans a command synchronously when it allows (see `Planner.planImmediately`).
    func planImmediately(_ command: Command) throws(ExpansionError) -> PlannedStage? {
        lastSubstitutionStatus = nil
        return try withPlanner { (planner) throws(ExpansionError) in try planner.planImmediately(command) }
    }

    /// Runs `stage` synchronously when it has no descriptors of its own and is assignments alone or
    /// a builtin that `runImmediately(_:assignments:at:reporter:)` runs; nil, having done nothing,
    /// for any other stage (`run(_:reporter:inPlace:)` runs those).
    func runImmediately(_ stage: PlannedStage, reporter: Job?) throws(ShellExit) -> Int32? {
        guard stage.descriptors.isEmpty else { return nil }
        switch stage.action {
        case .assignmentsOnly, .builtin:
            return try runImmediately(stage.action.arguments, assignments: stage.assignments, at: stage.range, reporter: reporter)
        default:
            return nil
        }
    }

    /// Runs a simple command without redirections, by its fields, when there is no `set -x` line to
    /// write and it is assignments alone or a builtin whose `immediate` form answers; nil, having
    /// done nothing, for any other.
    func runImmediately(
        _ arguments: [String], assignments: [PlannedAssignment], at range: SourceRange, reporter: Job?
    ) throws(ShellExit) -> Int32? {
        guard !state.options.xtrace else { return nil }
        guard let name = arguments.first else {
            // A `readonly` name is an error to report.
            guard !assignments.contains(where: { state.readonlyNames.contains($0.name) }) else { return nil }
            context.location = range.start
            reporter?.lastStageLaunched(pid: nil)
            // The planner has set the variables (each assignment sees those before it).
            if state.options.allexport { for assignment in assignments { state.variables.export(assignment.name) } }
            return lastSubstitutionStatus ?? 0
        }
        // Prefix assignments are set and undone around a builtin; an embedder's builtin comes first,
        // and a function of the name, but for a special builtin's (`Planner.action(for:)`). One
        // look-up for the usual command: the functions' table is asked only when it holds any.
        guard assignments.isEmpty, let immediate = Builtins.table[name]?.immediate, session.builtin(named: name) == nil,
            state.functions.isEmpty || state.functions[name] == nil || Builtins.specialNames.contains(name)
        else { return nil }
        context.location = range.start
        reporter?.lastStageLaunched(pid: nil)
        return try immediate(self, arguments.dropFirst())
    }
}

extension PlannedStage.Action {
    /// The fields of a simple command's action (none for assignments alone).
    fileprivate var arguments: [String] {
        switch self {
        case .program(let arguments), .builtin(let arguments), .function(let arguments): arguments
        default: []
        }
    }
}
