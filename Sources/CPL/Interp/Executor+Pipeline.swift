import ChildProcess
import Glibc
import Synchronization

/// One end of one of a pipeline's pipes.
struct PipeKey: Hashable, Sendable {
    var pipe: Int
    var end: PipeEnd
}

extension Executor {
    /// Runs a pipeline: every stage at once, connected child to child by OS
    /// pipes (no byte passes through the interpreter unless a stage runs
    /// in-process). Returns the last stage's status (`pipefail`: the last
    /// non-zero one).
    func execute(_ pipeline: Pipeline) async throws(ShellExit) -> Int32 {
        let reporter = context.launchReporter
        context.launchReporter = nil
        guard groupPerPipeline else { return try await executeInCurrentGroup(pipeline, reporter: reporter) }
        let foreground = Job(number: 0, mode: .foreground, command: context.source.text(pipeline.range), tracksStops: true)
        let terminal = session.terminal
        let shellModes = terminal?.modes
        foreground.groupSlot = ProcessGroupSlot(terminal: terminal)
        defer {
            terminal?.takeBack()
            terminal?.restore(shellModes)
        }
        let status = try await with({
            $0.placement.groupSlot = foreground.groupSlot
            $0.placement.job = foreground
            $0.foregroundJob = foreground
        }) { () throws(ShellExit) in
            try await executeInCurrentGroup(pipeline, reporter: reporter)
        }
        // Ctrl-C killed a process of the job: the rest of the command line does not run either.
        if foreground.wasInterrupted { throw ShellExit(status: 128 + SIGINT, reason: .interrupted) }
        return status
    }

    private func executeInCurrentGroup(_ pipeline: Pipeline, reporter: Job?) async throws(ShellExit) -> Int32 {
        if pipeline.stages.count == 1 {
            let stage: PlannedStage
            do {
                stage = try await planLone(pipeline)
            } catch {
                try await fail(error, reporter: reporter, at: pipeline.range)
            }
            if let status = try runImmediately(stage, reporter: reporter) { return status }
            return try await run(stage, reporter: reporter)
        }
        return try await executeStages(of: pipeline, reporter: reporter)
    }

    /// A command (or a compound command's word) that did not expand: as in sh, it ends the script
    /// (a REPL's run: only that run).
    func fail(_ error: ExpansionError, reporter: Job?, at range: SourceRange) async throws(ShellExit) -> Never {
        reporter?.lastStageLaunched(pid: nil)
        await report(error.message, at: error.range ?? range)
        state.lastStatus = error.status
        throw ShellExit(status: error.status, reason: .fatalError)
    }

    /// Plans stage `index` of `pipeline` with this context's variables.
    func planStage(_ pipeline: Pipeline, index: Int, catchingErrors: Bool = false) async throws(ExpansionError) -> PlannedStage {
        lastSubstitutionStatus = nil
        var planner = makePlanner()
        return try await planner.planStage(pipeline, index: index, catchingErrors: catchingErrors)
    }

    /// Plans a pipeline of one stage, synchronously when it can.
    func planLone(_ pipeline: Pipeline) async throws(ExpansionError) -> PlannedStage {
        if let stage = try planImmediately(pipeline.stages[0]) { return stage }
        return try await planStage(pipeline, index: 0)
    }

    /// Whether a pipeline's stages have run on the concurrency pool in this process (see below).
    static let poolStarted = Atomic<Bool>(false)

    /// A multi-stage pipeline: each stage is a subshell running concurrently.
    private func executeStages(of pipeline: Pipeline, reporter: Job?) async throws(ShellExit) -> Int32 {
        let count = pipeline.stages.count
        // The stages run on the concurrency pool's threads, and libdispatch traps when the first of
        // them starts with the descriptor table full (its event loop needs an epoll descriptor):
        // get onto the pool before the pipes can fill the table. Once only: a yield may move the
        // task to another thread, a wake-up at every pipeline.
        if !Executor.poolStarted.load(ordering: .relaxed) {
            await Task.yield()
            Executor.poolStarted.store(true, ordering: .relaxed)
        }
        var ends: [[PipeKey: OpenFile]] = Array(repeating: [:], count: count)
        for pipe in 0..<(count - 1) {
            do {
                let (readEnd, writeEnd) = try FileDescriptor.pipe()
                ends[pipe][PipeKey(pipe: pipe, end: .write)] = OpenFile(owning: writeEnd)
                ends[pipe + 1][PipeKey(pipe: pipe, end: .read)] = OpenFile(owning: readEnd)
            } catch {
                // A resource error, as a stage's start would be (PipelineAbort); nothing started yet.
                ends = []
                await report("pipe: \(error.description)", at: pipeline.range)
                state.lastStatus = 2
                throw ShellExit(status: 2, reason: .fatalError)
            }
        }
        // The stages' copies of the state then have the environment their programs get, made once.
        _ = state.environment()
        let abort = PipelineAbort()
        var stageSnapshot = snapshot
        stageSnapshot.context.placement.abort = abort
        let snapshot = stageSnapshot
        let pipefail = state.options.pipefail
        let handoff = Handoff(ends)
        ends = []
        let found = StagePrograms(stages: pipeline.stages.count)
        let status = await runStoppable {
            await Executor.runStages(
                of: pipeline, snapshot: snapshot, ends: handoff, pipefail: pipefail, reporter: reporter, found: found)
        }
        for table in found.recorded { state.programs.adopt(table, searchPath: state.programSearchPath) }
        try endIfAborted(abort)
        return status
    }

    /// A program that could not start for want of descriptors, processes or memory is the shell's
    /// failure, not the command's: as dash's `Cannot fork` and `Pipe call failed`, it ends a script
    /// (or the subshell it happens in) with status 2; at the REPL, the rest of the line's run.
    func endIfAborted(_ abort: PipelineAbort) throws(ShellExit) {
        guard abort.isTriggered else { return }
        state.lastStatus = 2
        throw ShellExit(status: 2, reason: .fatalError)
    }

    /// Every stage at once, each a subshell of `snapshot` with its pipe ends.
    private static func runStages(
        of pipeline: Pipeline, snapshot: Snapshot, ends endsHandoff: Handoff<[[PipeKey: OpenFile]]>, pipefail: Bool,
        reporter: Job?, found: StagePrograms
    ) async -> Int32 {
        let count = pipeline.stages.count
        var ends = endsHandoff.take()!
        let abort = snapshot.context.placement.abort!
        let statuses = await withTaskGroup(of: (index: Int, status: Int32)?.self) { group -> [Int32] in
            for index in 0..<count {
                // Each stage takes its own pipe ends out of a box: nothing else,
                // not even the finished task's closure, keeps them open.
                let handoff = Handoff((snapshot, ends[index]))
                ends[index] = [:]
                group.addTask {
                    let (snapshot, stageEnds) = handoff.take()!
                    let executor = Executor(subshellOf: snapshot)
                    executor.pipeEnds = stageEnds
                    let status = await executor.runStage(
                        of: pipeline, index: index, reporter: index == count - 1 ? reporter : nil)
                    found.record(executor.state.programs, stage: index)
                    return (index, status)
                }
            }
            // A stage whose program could not start ends the others (their programs are killed).
            group.addTask {
                _ = await abort.wait()
                return nil
            }
            var statuses = Array(repeating: Int32(0), count: count)
            var running = count
            for await ended in group {
                guard let ended else {
                    group.cancelAll()
                    continue
                }
                statuses[ended.index] = ended.status
                running -= 1
                if running == 0 { abort.finish() }
            }
            return statuses
        }
        if abort.isTriggered { return 2 }
        if pipefail, let failed = statuses.last(where: { $0 != 0 }) { return failed }
        return statuses[count - 1]
    }

    /// One stage of a multi-stage pipeline, in this (subshell) executor.
    private func runStage(of pipeline: Pipeline, index: Int, reporter: Job?) async -> Int32 {
        // As in sh, where each stage is a process whose pipes are in place before it expands its
        // words: a `$(…)` of a later stage reads the stage's pipe, not the pipeline's input.
        let wiring = Planner<LiveExpansionContext>.wiring(
            stage: index, of: pipeline.stages.count, pipeStderr: pipeline.pipeStderr)
        try? apply(wiring.before, to: &files)
        let stage: PlannedStage
        do {
            stage = try await planStage(pipeline, index: index, catchingErrors: true)
        } catch {
            return error.status  // not reached: errors are caught into the stage
        }
        let status: Int32
        do {
            status = try await run(stage, reporter: reporter, inPlace: true)
        } catch {
            status = error.status  // `exit` in a stage ends only that stage
        }
        return await runExitTrap(status: status)
    }
}

/// Moves a value into a task exactly once: the task takes it out, so the
/// task's closure does not keep it (and the descriptors in it) alive.
final class Handoff<Value: Sendable>: Sendable {
    private let value: Mutex<Value?>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    func take() -> Value? {
        value.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
