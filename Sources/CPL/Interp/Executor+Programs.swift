import ChildProcess
import Glibc

extension Executor {
    /// Runs an external program through the exec handler (if any) and the
    /// default launcher.
    func runProgram(
        _ arguments: [String], assignments: [PlannedAssignment], descriptors: DescriptorHandoff, reporter: Job?
    ) async -> Int32 {
        let environment = state.environment(with: assignments)
        var lookup: ProgramLookup?
        if assignments.contains(where: { $0.name == "PATH" }) {
            // Its own PATH: searched without the remembered programs, which dash then forgets.
            state.programs.forgetAll()
        } else if let name = arguments.first {
            let searchPath = environment["PATH"]
            let outcome = state.programs.resolve(
                name, searchPath: searchPath, workingDirectory: state.workingDirectory, in: session.fileSystem)
            lookup = ProgramLookup(name: name, searchPath: searchPath, outcome: outcome)
        }
        let request = ExecRequest(
            arguments: arguments, environment: environment, workingDirectory: state.workingDirectory,
            stdin: ShellInput(descriptors, fd: 0), stdout: ShellOutput(descriptors, fd: 1),
            stderr: ShellOutput(descriptors, fd: 2), fileName: context.source.fileName,
            line: context.location?.line ?? 0, column: context.location?.column ?? 0, descriptors: descriptors,
            lookup: lookup)
        let launcher = Launcher(
            session: session, placement: context.placement, reporter: reporter,
            ignoredSignals: SignalTraps.ignored(by: state.traps), posix: state.options.posix)
        defer { descriptors.release() }
        guard let handler = session.currentExecHandler else {
            return await runStoppable { await launcher.launch(request) }
        }
        let status = await runStoppable { await handler(request) { request in await launcher.launch(request) } }
        reporter?.lastStageLaunched(pid: nil)  // the handler ran it in-process (no-op if it was started)
        return status
    }
}

/// Starts programs: the default behind `ExecHandler`'s `next`. Everything it
/// needs is `Sendable`, so an exec handler may call it from any task.
struct Launcher: Sendable {
    let session: Session
    let placement: ProcessPlacement
    let reporter: Job?
    /// `trap '' SIG`: the program starts with these ignored, as in sh.
    let ignoredSignals: [Signal]
    /// POSIX mode: a script without `#!` is read and run in it too (dash runs one as sh).
    let posix: Bool

    func launch(_ request: ExecRequest) async -> Int32 {
        guard let name = request.arguments.first else { return 0 }
        let path: String
        let fileSystem = session.fileSystem
        let searchPath = request.environment["PATH"]
        let outcome: PathLookup.Outcome
        if let lookup = request.lookup, lookup.name == name, lookup.searchPath == searchPath {
            outcome = lookup.outcome
        } else {
            outcome = PathLookup.resolve(name, searchPath: searchPath, workingDirectory: request.workingDirectory, in: fileSystem)
        }
        switch outcome {
        case .found(let found):
            path = found
        case .notFound:
            return await fail(request, "\(name): command not found", status: 127)
        case .refused(let found):
            return await fail(request, "\(name): \(Launcher.whyNotExecutable(found, in: fileSystem))", status: 126)
        }

        var options = SpawnOptions(
            cwd: request.workingDirectory, environment: request.environment, stdio: request.descriptors.stdio)
        options.argv0 = name
        let (detached, job) = (placement.detached, placement.job)
        options.detached = detached
        options.inheritedSignalDispositions = Set(ignoredSignals)
        if placement.ignoresKeyboardStops { options.inheritedSignalDispositions.formUnion([.terminalStop, .terminalInput, .terminalOutput]) }
        let arguments = Array(request.arguments.dropFirst())
        let abort = placement.abort
        // The pipeline is being killed: a stage that had not started yet does not start.
        if abort?.isTriggered == true { return abandoned(request) }
        let child: ChildProcess
        var group: Int32?
        do throws(SpawnError) {
            if let groupSlot = placement.groupSlot, !detached {
                (child, group) = try groupSlot.spawn { processGroup throws(SpawnError) in
                    var options = options
                    options.processGroup = processGroup
                    if processGroup == 0 { options.foregroundTerminal = groupSlot.terminal?.descriptor }
                    return try ChildProcess.spawn(path, arguments, options: options)
                }
            } else {
                child = try ChildProcess.spawn(path, arguments, options: options)
                if detached { group = child.pid }
            }
        } catch where error.isResourceExhaustion {
            // The pipe ends go first (descriptors may be what ran out); the message keeps stderr.
            let stderr = ShellOutput(request.descriptors[2])
            request.descriptors.release()
            if abort?.trigger() == false { return abandoned(request) }  // another stage reported it
            return await fail(request, "\(name): \(error.shellCallName): \(error.errno.description)", status: 2, on: stderr)
        } catch {
            switch error.errno.rawValue {
            case ENOEXEC:
                return await runScript(at: PathLookup.absolute(path, in: request.workingDirectory), request)
            case ENOENT:
                // A `#!` interpreter that does not exist, or the file vanished.
                return await fail(request, "\(name): No such file or directory", status: 127)
            case EACCES:
                let located = PathLookup.absolute(path, in: request.workingDirectory)
                return await fail(request, "\(name): \(Launcher.whyNotExecutable(located, in: fileSystem))", status: 126)
            default:
                if error.syscall == "chdir" {
                    return await fail(request, "cannot change directory to \(error.path): \(error.errno)", status: 126)
                }
                return await fail(request, "\(name): \(error.errno.description)", status: 126)
            }
        }
        // The child has its copies: close ours now (a reader must see end of file when it exits).
        let stderr = ShellOutput(request.descriptors[2])
        request.descriptors.release()
        do throws(Errno) {
            try job?.processStarted(child, group: group, ignoresKeyboardStops: placement.ignoresKeyboardStops)
        } catch {
            // The program runs; only its stops go unseen (Ctrl-Z leaves the shell waiting for it).
            try? await stderr.write("cpl: \(name): cannot follow its stops: \(error.description)\n")
        }
        reporter?.lastStageLaunched(pid: child.pid)
        if detached { child.unref() }
        abort?.adopt(child)
        defer { abort?.release(child) }
        defer { session.signalTraps.noteProgramEnded() }
        do {
            let status = try await child.waitForExit()
            if status.signal == .interrupt, let job, job.tracksStops { job.processInterrupted() }
            return status.shellStatus
        } catch {
            switch error {
            case .aborted(let status): return status?.shellStatus ?? 128 + SIGTERM
            // The status is lost: 127, as `wait` answers for a process it does not know.
            case .childAlreadyReaped: return 127
            }
        }
    }

    static func whyNotExecutable(_ path: String, in fileSystem: FileSystem) -> String {
        fileSystem.kind(of: path) == .directory ? "Is a directory" : "Permission denied"
    }

    /// Reports on the command's own standard error (so `2>/dev/null` silences it, as in sh).
    private func fail(_ request: ExecRequest, _ message: String, status: Int32, on stderr: ShellOutput? = nil) async -> Int32 {
        reporter?.lastStageLaunched(pid: nil)
        let place = MessagePlace.prefix(
            fileName: request.fileName, request.line > 0 ? SourceLocation(offset: 0, line: request.line, column: request.column) : nil)
        try? await (stderr ?? request.stderr).write("cpl: \(place)\(message)\n")
        request.descriptors.release()
        return status
    }

    /// A stage of an aborted pipeline that starts nothing and says nothing: the abort has one message.
    private func abandoned(_ request: ExecRequest) -> Int32 {
        reporter?.lastStageLaunched(pid: nil)
        request.descriptors.release()
        return 2
    }

    /// An executable file without `#!` that the kernel will not run (ENOEXEC)
    /// is a cpl script: it runs in a fresh context with the command's
    /// arguments, environment and descriptors (as sh runs such files with sh), in POSIX mode
    /// when the shell that found it is.
    private func runScript(at path: String, _ request: ExecRequest) async -> Int32 {
        let name = request.arguments[0]
        let script: Script
        do {
            script = try Script.load(path: path, fileName: name, posix: posix, in: session.fileSystem)
        } catch {
            switch error {
            case .cannotRead(_, let errno): return await fail(request, "\(name): \(errno.description)", status: 126)
            case .binary: return await fail(request, "\(name): cannot execute binary file", status: 126)
            case .syntax(let error):
                try? await request.stderr.write(error.rendered)
                request.descriptors.release()
                reporter?.lastStageLaunched(pid: nil)
                return 2
            case .noSuchFunction: return 2
            }
        }
        var state = ShellState(
            environment: request.environment, workingDirectory: request.workingDirectory, scriptName: name)
        state.positionalParameters = Array(request.arguments.dropFirst())
        state.options.posix = posix
        var context = RunContext(source: script.source)
        context.placement = placement
        context.launchReporter = reporter
        let executor = Executor(
            session: session, state: state, files: request.descriptors.snapshot, jobs: JobTable(), context: context)
        request.descriptors.release()
        let status = await executor.runAsSubshell(script.program)
        reporter?.lastStageLaunched(pid: nil)
        // Like a separate cpl process, the script waits for its own `&` jobs.
        for job in executor.jobs.all { _ = await job.wait() }
        return status
    }
}
