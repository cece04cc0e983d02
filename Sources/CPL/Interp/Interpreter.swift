import ChildProcess
import Glibc
import Synchronization

/// An embeddable cpl interpreter with a persistent context: variables, the
/// working directory, options and background jobs survive from one run to
/// the next (what a REPL needs).
///
///     let shell = Interpreter()
///     shell.registerBuiltin("upper") { call in
///         for try await line in call.stdin.lines { try? await call.stdout.write(line.uppercased() + "\n") }
///         return 0
///     }
///     let result = try await shell.run("printf 'a\\nb\\n' | upper | sort -r", stdout: .capture)
///     print(result.stdoutText)   // "B\nA\n"
///
/// Runs are serialized; everything else may be called from any thread.
/// Cancelling the task that awaits a run kills the processes of its
/// foreground job and of every running `&` job (not `&!` ones), and the run
/// returns with `.cancelled`.
public final class Interpreter: Sendable {
    public struct Options: Sendable {
        /// `$0`.
        public var scriptName: String
        /// Job control (an interactive shell): every foreground pipeline runs in
        /// a process group of its own (the first process leads it, the others
        /// join), gets the terminal if there is one, and can be stopped.
        public var jobControl: JobControl?
        /// The process's descriptors that scripts start with (others are
        /// never passed to programs). The `cpl` command adds open ones among 3–9.
        public var inheritedDescriptors: [Int32]
        /// `set -e`, `-u`, `-x`, `-o pipefail`, `-C` at the start.
        public var shellOptions: ShellOptions
        /// `exec command` replaces this process (execve), as in sh: what the `cpl` command
        /// wants. Off (the default for an embedder), the command runs as a child and the run
        /// ends with its status.
        public var execReplacesProcess = false
        /// Every file-system effect of the scripts (redirections, `.`, `test`, `cd`, the PATH
        /// search, globbing): the system calls by default.
        public var fileSystem = FileSystem.system

        public init(
            scriptName: String = "cpl", jobControl: JobControl? = nil,
            inheritedDescriptors: [Int32] = [0, 1, 2], shellOptions: ShellOptions = ShellOptions()
        ) {
            self.scriptName = scriptName
            self.jobControl = jobControl
            self.inheritedDescriptors = inheritedDescriptors
            self.shellOptions = shellOptions
        }
    }

    private struct Stored: Sendable {
        var state: ShellState
        var base: DescriptorTable
    }

    let session: Session
    private let stored: Mutex<Stored>
    private let jobTable = JobTable()
    private let runLock = AsyncLock()
    /// The task of the run in progress (what `interrupt()` cancels).
    private let currentRun = Mutex<Task<(Int32, RunResult.Ending, ShellState), Never>?>(nil)

    /// - Parameters:
    ///   - options: job control, the file-system seam and the other settings fixed for its life.
    ///   - environment: the initial variables, all exported; nil: this process's environment.
    ///   - workingDirectory: nil: `$PWD` when it names the current directory, else `getcwd`.
    /// An embedder done with its interpreter need not exit for its ssh masters to stop.
    deinit { session.connections.stopAll() }

    public init(options: Options = Options(), environment: [String: String]? = nil, workingDirectory: String? = nil) {
        // A write to a pipe whose reader has gone must be EPIPE (status 141 for
        // in-process stages), not the death of the interpreter. Children get
        // SIGPIPE back at its default.
        signal(SIGPIPE, SIG_IGN)
        var variables: VariableTable
        if let environment {
            variables = VariableTable(exporting: environment)
        } else {
            variables = VariableTable(minimumCapacity: Environment.entryCount)
            Environment.forEachVariable { name, value in variables.export(name, value: value) }
        }
        let directory = workingDirectory ?? Interpreter.currentDirectory(pwd: variables["PWD"])
        var state = ShellState(
            variables: variables, workingDirectory: directory, scriptName: options.scriptName)
        state.options = options.shellOptions
        stored = Mutex(Stored(state: state, base: DescriptorTable.inheriting(options.inheritedDescriptors)))
        session = Session(
            jobControl: options.jobControl, execReplacesProcess: options.execReplacesProcess,
            fileSystem: options.fileSystem)
    }

    static func currentDirectory(pwd: String?) -> String {
        var here = stat()
        var there = stat()
        if let pwd, pwd.hasPrefix("/"), stat(".", &here) == 0, pwd.withLosslessCString({ stat($0, &there) }) == 0,
            here.st_dev == there.st_dev, here.st_ino == there.st_ino
        {
            return pwd
        }
        guard let path = getcwd(nil, 0) else { return "/" }
        defer { free(path) }
        return String(losslessCString: path)
    }

    // MARK: - State

    /// A shell variable (exported or not).
    public func variable(_ name: String) -> String? { stored.withLock { $0.state.variables[name] } }

    /// Sets (or with nil, unsets) a variable; `exported` nil keeps its export flag.
    public func setVariable(_ name: String, _ value: String?, exported: Bool? = nil) {
        stored.withLock { stored in
            stored.state.variables[name] = value
            if value == nil && exported == nil { stored.state.variables.unexport(name) }
            if exported == true { stored.state.variables.export(name) }
            if exported == false { stored.state.variables.unexport(name) }
        }
    }

    /// Every shell variable.
    public var variables: [String: String] { stored.withLock { $0.state.variables.dictionary } }

    /// The exported variables: what programs get as their environment.
    public var environment: [String: String] { stored.withLock { $0.state.environment() } }

    /// The working directory of scripts (the process's own never changes).
    /// Setting it also sets `$PWD`.
    public var workingDirectory: String {
        get { stored.withLock { $0.state.workingDirectory } }
        set {
            stored.withLock { stored in
                stored.state.workingDirectory = newValue
                stored.state.variables["PWD"] = newValue
            }
        }
    }

    /// `$1`, `$2`, …
    public var positionalParameters: [String] {
        get { stored.withLock { $0.state.positionalParameters } }
        set { stored.withLock { $0.state.positionalParameters = newValue } }
    }

    /// `$0`.
    public var scriptName: String {
        get { stored.withLock { $0.state.scriptName } }
        set { stored.withLock { $0.state.scriptName = newValue } }
    }

    /// `alias` definitions: text parsed for this session later (the REPL's next line) expands them.
    public var aliases: [String: String] { stored.withLock { $0.state.aliases } }

    public var shellOptions: ShellOptions {
        get { stored.withLock { $0.state.options } }
        set { stored.withLock { $0.state.options = newValue } }
    }

    /// `$?`: the status of the last run (a REPL sets 130 after a Ctrl-C at its prompt).
    public var lastStatus: Int32 {
        get { stored.withLock { $0.state.lastStatus } }
        set { stored.withLock { $0.state.lastStatus = newValue } }
    }

    /// The background jobs of the top-level context (`jobs`, `%n`), finished ones included until waited for.
    public var jobs: [JobInfo] { jobTable.all.map(\.info) }

    /// The jobs that finished since they were last listed, as bash notes them
    /// before a prompt (`[1]+  Done                    sleep 1`). They leave
    /// the job table.
    public func takeJobNotifications() -> [String] {
        let all = jobTable.all
        let listing = JobListing(all)
        return all.filter { $0.status != nil }.map { job in
            jobTable.remove(job)
            return listing.line(for: job)
        }
    }

    /// Sends `signal` to every unfinished job of the top-level context (a REPL
    /// hangs its jobs up as it exits); a stopped job is continued when the
    /// signal would end it, so that it can.
    public func signalJobs(_ signal: Signal) {
        for job in jobTable.all where job.status == nil { job.send(signal) }
    }

    // MARK: - Hooks

    /// Registers a builtin written in Swift (it takes precedence over the
    /// shell's own builtins and over programs of the same name).
    public func registerBuiltin(_ name: String, _ body: @escaping BuiltinFunction) {
        session.builtins.withLock { $0[name] = body }
    }

    /// The builtins (the shell's and the registered ones) and the programs on
    /// `$PATH` whose names start with `prefix`, sorted: what a command may be
    /// (for completion).
    public func commandNames(startingWith prefix: String) -> [String] {
        let state = stored.withLock { $0.state }
        let builtins = Builtins.names.union(session.builtins.withLock { $0.keys }).union(state.functions.names)
            .union(Token.reservedWords.subtracting(["!", "{", "}"])).filter { $0.hasPrefix(prefix) }
        let programs = PathLookup.programs(
            startingWith: prefix, searchPath: state.programSearchPath, workingDirectory: state.workingDirectory,
            in: session.fileSystem)
        return builtins.union(programs).sorted()
    }

    /// The shell functions defined so far (by any run), sorted.
    public var functionNames: [String] { stored.withLock { $0.state.functions.names.sorted() } }

    /// Calls the shell function `name` with `arguments` as `$1…`, as a run of its own: the
    /// arguments reach it exactly (no expansion), and what it changes stays in the context.
    ///
    ///     _ = try await shell.run("greet() { printf 'hello, %s\\n' \"$1\"; }")
    ///     let result = try await shell.call("greet", ["world"], stdout: .capture)   // "hello, world\n"
    public func call(
        _ name: String, _ arguments: [String] = [], stdin: RunInput = .inherit, stdout: RunOutput = .inherit,
        stderr: RunOutput = .inherit
    ) async throws(InterpreterError) -> RunResult {
        guard stored.withLock({ $0.state.functions[name] != nil }) else { throw .noSuchFunction(name) }
        let text = ([name] + arguments).map(RemoteShell.singleQuoted).joined(separator: " ")
        do {
            return try await run(text, fileName: "<call \(name)>", stdin: stdin, stdout: stdout, stderr: stderr)
        } catch {
            throw .syntax(error)
        }
    }

    public func removeBuiltin(_ name: String) {
        session.builtins.withLock { _ = $0.removeValue(forKey: name) }
    }

    /// Adds an exec handler around every program start. Handlers nest: the
    /// last one added runs first and its `next` calls the one added before,
    /// down to the default launcher.
    public func addExecHandler(_ handler: @escaping ExecHandler) {
        session.execHandler.withLock { current in
            guard let inner = current else {
                current = handler
                return
            }
            current = { request, next in
                await handler(request) { request in await inner(request, next) }
            }
        }
    }

    /// Called for every list item that starts and finishes (foreground,
    /// `&` and `&!`), from whatever thread runs it.
    public func observeJobs(_ observer: @escaping JobObserver) {
        session.jobObservers.withLock { $0.append(observer) }
    }

    // MARK: - Parsing and planning (nothing runs)

    /// The syntax tree of `source` (the whole text is parsed first).
    public static func parse(_ source: String, fileName: String = "<input>") throws(ParseError) -> Program {
        try Parser.parse(source, fileName: fileName)
    }

    /// The program and its plan, with the variables known now and those the
    /// script assigns (see `StaticPlanner`): a dry run.
    public func plan(_ source: String, fileName: String = "<input>") async throws(ParseError) -> (program: Program, plan: Plan) {
        let program = try Parser.parse(source, fileName: fileName, posix: readsPOSIX)
        return (program, await plan(program, source: source))
    }

    /// `set -o posix` is on: text is parsed as sh reads it.
    private var readsPOSIX: Bool { stored.withLock { $0.state.options.posix } }

    public func plan(_ program: Program, source: String) async -> Plan {
        let state = stored.withLock { $0.state }
        let session = self.session
        var planner = StaticPlanner(
            source: source, variables: state.variables.dictionary, positionalParameters: state.positionalParameters,
            scriptName: state.scriptName, workingDirectory: state.workingDirectory,
            noclobber: state.options.noclobber, nounset: state.options.nounset, posix: state.options.posix,
            functionNames: Set(state.functions.names), isBuiltin: { Builtins.isBuiltin($0, in: session) })
        return await planner.plan(program)
    }

    // MARK: - Running

    /// Parses all of `source`, then runs it in the persistent context. A
    /// syntax error anywhere throws before anything runs.
    public func run(
        _ source: String, fileName: String = "<input>", stdin: RunInput = .inherit, stdout: RunOutput = .inherit,
        stderr: RunOutput = .inherit
    ) async throws(ParseError) -> RunResult {
        let program = try Parser.parse(source, fileName: fileName, posix: readsPOSIX)
        return await run(program, source: source, fileName: fileName, stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// Runs a parsed program in the persistent context (a REPL calls this for
    /// each command it reads). `source` is the text it was parsed from, used
    /// for job listings and messages.
    public func run(
        _ program: Program, source: String, fileName: String = "<input>", stdin: RunInput = .inherit,
        stdout: RunOutput = .inherit, stderr: RunOutput = .inherit
    ) async -> RunResult {
        await runLock.lock()
        defer { runLock.unlock() }
        let current = stored.withLock { $0 }
        var streams: RunStreams
        do {
            streams = try RunStreams(base: current.base, stdin: stdin, stdout: stdout, stderr: stderr)
        } catch {
            let message = Array("cpl: cannot set up the standard streams: \(error)\n".utf8)
            return RunResult(status: 2, ending: .error, stdout: [], stderr: message)
        }
        let stdoutCapture = streams.stdoutCapture
        let stderrCapture = streams.stderrCapture
        let table = Handoff(streams.table)
        streams.table = DescriptorTable()
        let session = self.session
        let jobTable = self.jobTable
        session.stop.store(Session.StopRequest.none, ordering: .relaxed)
        // A task of its own, so that `interrupt()` can cancel the run without
        // the background jobs that cancelling the caller's task also kills.
        let stopBackgroundJobs: @Sendable () -> Void = {
            for job in session.runningBackgroundJobs where job.mode == .background { job.send(.terminate) }
        }
        let run = await withTaskCancellationHandler {
            Task.immediate {
            let executor = Executor(
                session: session, state: current.state, files: table.take()!, jobs: jobTable,
                context: RunContext(source: ScriptSource(fileName: fileName, text: source)))
            executor.groupPerPipeline = session.jobControl
            executor.reportsJobs = true
            let (status, ending) = await Interpreter.runToEnd(program, in: executor)
            executor.files = DescriptorTable()  // our copies of the capture pipes
            executor.state.lastStatus = status
            return (status, ending, executor.state)
            }
        } onCancel: {
            // The caller gave up while the run was starting on its thread.
            session.stop.store(Session.StopRequest.cancel, ordering: .relaxed)
            stopBackgroundJobs()
        }
        currentRun.withLock { $0 = run }
        session.signalTraps.setInterruptRun { run.cancel() }
        // An interrupt, or a signal that ends the shell, that came while the run was starting:
        // before there was a task to cancel (`Task.immediate` runs the script up to its first
        // suspension, its first program, before returning).
        if session.stop.load(ordering: .relaxed) != Session.StopRequest.none || session.signalTraps.fatalSignal != nil {
            run.cancel()
        }
        let (status, ending, finalState) = await withTaskCancellationHandler {
            await run.value
        } onCancel: {
            // Seen at the run's next command at once (its task's cancellation only at the 16th).
            session.stop.store(Session.StopRequest.cancel, ordering: .relaxed)
            run.cancel()
            stopBackgroundJobs()
        }
        currentRun.withLock { $0 = nil }
        session.signalTraps.setInterruptRun(nil)
        stored.withLock { $0.state = finalState }
        // An embedder that cancels a run may never run another, and may never exit (a server):
        // its ssh masters, and their directory, would stay until ControlPersist or its exit.
        if ending == .cancelled { session.connections.stopAll() }
        if let signal = session.signalTraps.takeFatalSignal() {
            await dieOfSignal(signal, state: finalState)
        }
        let out = await stdoutCapture?.value
        let err = await stderrCapture?.value
        return Captured.result(status: status, ending: ending, stdout: out, stderr: err)
    }

    /// Stops the run in progress as SIGINT stops a shell's command line: its
    /// foreground job is killed and the run returns status 130 (`.interrupted`);
    /// background jobs go on. A REPL calls this on Ctrl-C.
    public func interrupt() {
        session.stop.store(Session.StopRequest.interrupt, ordering: .relaxed)
        currentRun.withLock { $0 }?.cancel()
    }

    /// A signal that kills a shell arrived while an EXIT trap was set or ssh connections were up:
    /// the trap runs and the masters are stopped (atexit handlers do not run on a signal's death),
    /// then this process dies of the signal (as bash does), its children gone with the cancelled run.
    private func dieOfSignal(_ signal: Signal, state: ShellState) async -> Never {
        let base = stored.withLock { $0.base }
        let executor = Executor(
            session: session, state: state, files: base, jobs: jobTable,
            context: RunContext(source: ScriptSource(fileName: state.scriptName, text: "")))
        _ = await executor.runExitTrap(status: 128 + signal.rawValue)
        RemoteConnections.stopEverywhere()
        ProcessSignals.setDisposition(.default, for: signal)
        // This thread may block the signal (threads started from the reactor thread inherit its mask),
        // and then kill(2) would deliver it to another thread while this one exits. Unblocked
        // here, raise(3) delivers it before it returns.
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signal.rawValue)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(signal.rawValue)
        Glibc.exit(128 + signal.rawValue)
    }

    private static func runToEnd(_ program: Program, in executor: Executor) async -> (Int32, RunResult.Ending) {
        let (status, ending) = await runProgram(program, in: executor)
        guard !executor.session.jobControl, ending != .cancelled, ending != .interrupted else { return (status, ending) }
        // A script's EXIT trap runs when it ends, however it ends (a REPL's when the REPL leaves).
        return (await executor.runExitTrap(status: status), ending)
    }

    private static func runProgram(_ program: Program, in executor: Executor) async -> (Int32, RunResult.Ending) {
        let interrupted = { executor.session.interrupted }
        do throws(ShellExit) {
            try await executor.run(program)
            if executor.session.stopRequested {
                return interrupted() ? (128 + SIGINT, .interrupted) : (executor.state.lastStatus, .cancelled)
            }
            return (executor.state.lastStatus, .completed)
        } catch {
            if executor.session.stopRequested { return interrupted() ? (128 + SIGINT, .interrupted) : (error.status, .cancelled) }
            switch error.reason {
            case .interrupted: return (error.status, .interrupted)
            case .exit, .returnFromFunction, .brokenPipe: return (error.status, .exit)
            case .breakLoop, .continueLoop: return (error.status, .completed)
            case .errexit: return (error.status, .errexit)
            case .fatalError: return (error.status, .error)
            case .cancelled: return (error.status, .cancelled)
            }
        }
    }

    /// Reads and runs a script file with `arguments` as `$1…` (and the path as `$0`).
    public func runFile(
        _ path: String, arguments: [String] = [], stdin: RunInput = .inherit, stdout: RunOutput = .inherit,
        stderr: RunOutput = .inherit
    ) async throws(InterpreterError) -> RunResult {
        let script = try Script.load(path: path, posix: readsPOSIX, in: session.fileSystem)
        stored.withLock { stored in
            stored.state.scriptName = path
            stored.state.positionalParameters = arguments
        }
        return await run(script, stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// Runs a loaded script in the persistent context.
    public func run(
        _ script: Script, stdin: RunInput = .inherit, stdout: RunOutput = .inherit, stderr: RunOutput = .inherit
    ) async -> RunResult {
        await run(script.program, source: script.text, fileName: script.fileName, stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// Waits until every `&` job (started by any run, in any subshell) has
    /// finished: what `cpl` does at the end of a script, as Node waits for
    /// its ref'd children. `&!` jobs are never waited for.
    public func waitForBackgroundJobs() async {
        while let job = session.runningBackgroundJobs.first {
            _ = await job.wait()
            session.backgroundJobFinished(job)
        }
    }
}

public enum InterpreterError: Error, Sendable, CustomStringConvertible {
    case cannotRead(path: String, errno: Errno)
    case syntax(ParseError)
    /// A file that starts like a binary (a NUL byte in its first 512 bytes).
    case binary(path: String)
    /// `call` of a name that is no shell function.
    case noSuchFunction(String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let errno): "cpl: cannot open \(path): \(errno.description)"
        case .syntax(let error): error.rendered
        case .binary(let path): "cpl: \(path): cannot execute binary file"
        case .noSuchFunction(let name): "cpl: \(name): no such function"
        }
    }
}
