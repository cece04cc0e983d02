import ChildProcess
import Glibc

/// The text a program came from, for messages and job listings.
struct ScriptSource: Sendable {
    let fileName: String
    let bytes: [UInt8]

    init(fileName: String, text: String) {
        self.fileName = fileName
        self.bytes = Array(text.utf8)
    }

    func text(_ range: SourceRange) -> String {
        let byteRange = range.byteRange
        guard byteRange.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes[byteRange], as: UTF8.self)
    }
}

/// Runs programs in one shell context: the top level, a subshell, a
/// pipeline stage that runs in-process, a command substitution, a
/// background job. Each has its own variables and descriptor table; the
/// interpreter process itself never forks, changes directory or touches its
/// own descriptors.
///
/// An executor is used by one task at a time. Concurrent stages get
/// executors of their own (`Executor(subshellOf:)`, built from `Sendable`
/// snapshots).
final class Executor {
    let session: Session
    // The executor's state is read and written at every command; the dynamic exclusivity checks of
    // these properties cost more than most commands' own work, and one task at a time uses an
    // executor (see above), so no access can overlap another's.
    @exclusivity(unchecked) var state: ShellState
    @exclusivity(unchecked) var files: DescriptorTable
    let jobs: JobTable
    /// What the construct running now has changed for its duration (see `RunContext`).
    @exclusivity(unchecked) var context: RunContext
    /// Job control: every foreground pipeline of this context gets a new group.
    var groupPerPipeline = false
    /// The pipe ends this stage's `.pipe` steps refer to (taken by its descriptor table).
    var pipeEnds: [PipeKey: OpenFile] = [:]
    /// The status of the last `$(…)` of the command being planned.
    @exclusivity(unchecked) var lastSubstitutionStatus: Int32?
    /// A subshell, a pipeline stage, a `$(…)` or a background job: a process of its own in sh,
    /// which SIGPIPE ends (see `endIfReaderGone`).
    var isSubshell = false
    /// The builtin running now wrote to a pipe whose reader had gone.
    var builtinFoundReaderGone = false
    /// The top-level context reports its list items to job observers (not
    /// those inside groups, subshells, `source` or background jobs).
    var reportsJobs = false
    /// The function calls running now, innermost last: what `return` and `local` act on.
    @exclusivity(unchecked) var calls: [FunctionCall] = []
    /// Looks at the stop request left before the task's cancellation is looked at too (see
    /// `stopRequested(sampling:)`).
    private var looksUntilCancellation = 0
    /// `getopts`: the OPTIND it last set and the position inside that argument (`-abc`).
    var getoptsPosition = (optionIndex: 1, offset: 1)
    /// The planner of this context's commands, made once (`makePlanner()` copies it, `withPlanner`
    /// lends it): made for every command, its closures and connections cost more than planning
    /// most commands. Set at the end of `init` (it refers to the executor); a stored property,
    /// because a lazy one is copied out and back for every in-place use.
    @exclusivity(unchecked) private var planner: Planner<LiveExpansionContext>!

    /// A planner that expands with this context's variables.
    func makePlanner() -> Planner<LiveExpansionContext> {
        var copy = planner!
        copy.noclobber = state.options.noclobber
        return copy
    }

    /// Runs `body` on this executor's own planner, without the copy `makePlanner()` makes: only
    /// for work that cannot suspend (so that nothing else plans with it meanwhile) and that no
    /// `set -C` decides.
    func withPlanner<Result, Failure: Error>(
        _ body: (inout Planner<LiveExpansionContext>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(&planner!)
    }

    init(session: Session, state: ShellState, files: DescriptorTable, jobs: JobTable, context: RunContext) {
        self.session = session
        self.state = state
        self.files = files
        self.jobs = jobs
        self.context = context
        planner = Planner(
            context: LiveExpansionContext(executor: self), isBuiltin: { [session] in Builtins.isBuiltin($0, in: session) },
            isFunction: { [unowned self] in self.state.functions.contains($0) })
        planner.defersAssignments = true
        planner.connections = session.connections
    }

    /// Whether the run should stop. The session's stop request (`interrupt()`, a cancelled run) is
    /// looked at every time; the task's own cancellation (a pipeline's stages when one could not
    /// start, a signal that ends the shell), which costs a retain and a release of the task to read,
    /// at every 16th look when `sampling`: between the shell's own commands, so that a loop of
    /// builtins stops within 16 of them. After a program or anything else that suspends, it is
    /// looked at every time.
    func stopRequested(sampling: Bool) -> Bool {
        if session.stop.load(ordering: .relaxed) != Session.StopRequest.none { return true }
        if sampling {
            looksUntilCancellation -= 1
            if looksUntilCancellation > 0 { return false }
            looksUntilCancellation = 16
        }
        return Task.isCancelled
    }

    /// Runs `body` with `context` changed by `change`, and puts the whole context back afterwards,
    /// however `body` ends.
    func with<Result>(
        _ change: (inout RunContext) -> Void, _ body: () async throws(ShellExit) -> Result
    ) async throws(ShellExit) -> Result {
        let saved = context
        change(&context)
        defer { context = saved }
        return try await body()
    }

    /// As `with({ $0.errexitSuppressed += 1 }, body)`, putting back only the counter and the
    /// `RunContext.CommandFields`: a loop's condition runs at every pass.
    func withErrexitSuppressed<Result>(_ body: () async throws(ShellExit) -> Result) async throws(ShellExit) -> Result {
        let outer = context.commandFields
        context.errexitSuppressed += 1
        defer {
            context.errexitSuppressed -= 1
            context.commandFields = outer
        }
        return try await body()
    }

    /// What a subshell needs, as a `Sendable` value.
    struct Snapshot: Sendable {
        var session: Session
        var state: ShellState
        var files: DescriptorTable
        var context: RunContext
        var calls: [FunctionCall]
    }

    var snapshot: Snapshot {
        Snapshot(session: session, state: state, files: files, context: context, calls: calls)
    }

    /// A subshell: a copy of the variables, cwd and descriptors; no jobs.
    convenience init(subshellOf snapshot: Snapshot) {
        var context = snapshot.context
        context.nesting = 0
        context.foregroundJob = nil
        context.launchReporter = nil
        self.init(session: snapshot.session, state: snapshot.state, files: snapshot.files, jobs: JobTable(), context: context)
        calls = snapshot.calls
        isSubshell = true
        // A subshell starts with the traps reset, but what is ignored stays ignored (POSIX).
        state.traps = state.traps.filter { $0.value.isEmpty }
    }

    // MARK: Lists

    /// Runs every item; `exit`, `set -e` and fatal errors end it by throwing.
    func run(_ program: Program) async throws(ShellExit) {
        for item in program.items {
            if stopRequested(sampling: true) { throw ShellExit(status: 128 + SIGTERM, reason: .cancelled) }
            if session.signalTraps.anyPending { try await runPendingTraps() }
            switch try runImmediately(item) {
            case .finished:
                continue
            case .declined:
                try await run(item)
            case .planned(let stage, let reporter):
                _ = try end(item.andOr.first, status: try await run(stage, reporter: reporter), conditional: false)
            case .failed(let error, let reporter):
                try await fail(error, reporter: reporter, at: item.andOr.first.range)
            case .group(let body, let reporter):
                let status = try await runInPlace(reporter: reporter) { () throws(ShellExit) in try await runList(body) }
                _ = try end(item.andOr.first, status: status, conditional: false)
            case .compound(let compound, let reporter):
                let status = try await runInPlace(reporter: reporter) { () throws(ShellExit) in try await run(compound) }
                _ = try end(item.andOr.first, status: status, conditional: false)
            case .call(let arguments, let reporter):
                reporter?.lastStageLaunched(pid: nil)
                _ = try end(item.andOr.first, status: try await call(arguments, assignments: []), conditional: false)
            }
        }
        // A signal that came during the last command: its trap runs now, not never.
        if session.signalTraps.anyPending { try await runPendingTraps() }
    }

    /// Runs `program` as a subshell body: returns its status, whatever ended it.
    func runAsSubshell(_ program: Program) async -> Int32 {
        // The mask and the limits are the process's: a subshell's `umask` and `ulimit` must not
        // outlive it.
        let mask = umask(0)
        umask(mask)
        let limits = ResourceLimit.snapshot()
        defer {
            umask(mask)
            ResourceLimit.restore(limits)
        }
        let status: Int32
        do {
            try await run(program)
            status = state.lastStatus
        } catch {
            status = error.status
        }
        return await runExitTrap(status: status)
    }

    func run(_ item: ListItem) async throws(ShellExit) {
        if state.options.verbose, context.nesting == 0, calls.isEmpty {
            try? await ShellOutput(files[2]).write(context.source.text(item.andOr.range) + "\n")
        }
        if state.options.noexec, !session.jobControl { return }
        switch item.terminator {
        case .sequential:
            // The command's text is made only for an observer: it costs more than a builtin.
            guard reportsJobs && context.nesting == 0 && session.hasObservers else {
                _ = try await run(item.andOr)
                return
            }
            var info = JobInfo(
                number: nil, mode: .foreground, command: context.source.text(item.andOr.range), processIDs: [], status: nil)
            session.emit(.started(info))
            do {
                info.status = try await run(item.andOr)
            } catch {
                info.status = error.status
                session.emit(.finished(info))
                throw error
            }
            session.emit(.finished(info))
        case .background:
            let job = startBackground(item, mode: .background)
            // An interactive shell says which job and process it started: `[1] 12345`.
            if session.jobControl, reportsJobs, context.nesting == 0, let pid = await job.displayPID() {
                try? await ShellOutput(files[2]).write("[\(job.number)] \(pid)\n")
            }
        case .detached:
            startBackground(item, mode: .detached)
        }
    }

    /// `a && b || c`: equal precedence, left to right.
    func run(_ list: AndOrList) async throws(ShellExit) -> Int32 {
        var status = try await run(list.first, isLast: list.rest.isEmpty)
        for (index, element) in list.rest.enumerated() {
            guard (element.op == .and) == (status == 0) else { continue }
            status = try await run(element.pipeline, isLast: index == list.rest.count - 1)
        }
        return status
    }

    /// One pipeline with `!`, `$?` and the `set -e` check.
    func run(_ pipeline: Pipeline, isLast: Bool) async throws(ShellExit) -> Int32 {
        let conditional = !isLast || pipeline.negated
        // Saving and restoring the whole context costs a dozen retains: only when it changes.
        let status =
            conditional
            ? try await withErrexitSuppressed { () throws(ShellExit) in try await execute(pipeline) }
            : try await execute(pipeline)
        return try end(pipeline, status: status, conditional: conditional)
    }

    /// What follows a pipeline's last stage: `!`, `$?`, the `set -e` check, and a stop request.
    /// `ranItself`: the pipeline was a builtin run without suspending (its stop is looked at as
    /// between commands; see `stopRequested(sampling:)`).
    func end(_ pipeline: Pipeline, status: Int32, conditional: Bool, ranItself: Bool = false) throws(ShellExit) -> Int32 {
        var status = status
        if pipeline.negated { status = status == 0 ? 1 : 0 }
        state.lastStatus = status
        // The commands inside a lone `{ …; }`, `if`, loop or `case` made their own `set -e` checks
        // (a failing `a && b` inside one does not end the script, as in dash).
        let checked = pipeline.stages.count > 1 || !pipeline.stages[0].runsItsOwnCommands
        if status != 0, checked, !conditional, context.errexitSuppressed == 0, state.options.errexit {
            throw ShellExit(status: status, reason: .errexit)
        }
        if stopRequested(sampling: ranItself) { throw ShellExit(status: status, reason: .cancelled) }
        return status
    }

    // MARK: Messages

    /// `cpl: file:line:column: message` on this context's standard error (`location` nil: the
    /// command running now).
    func report(_ message: String, at location: SourceLocation? = nil) async {
        let place = MessagePlace.prefix(fileName: context.source.fileName, location ?? context.location)
        // A message that cannot be written (`2>&-`, a reader gone) is dropped, as in sh: the
        // status still says what happened, and there is nowhere else to say it.
        try? await ShellOutput(files[2]).write("cpl: \(place)\(message)\n")
    }

    func report(_ message: String, at range: SourceRange?) async {
        await report(message, at: range?.start)
    }
}

extension Command {
    /// A `{ …; }` or compound command: the commands inside it make their own `set -e` checks.
    var runsItsOwnCommands: Bool {
        switch self {
        case .braceGroup, .compound: true
        case .simple, .subshell, .functionDefinition: false
        }
    }
}
