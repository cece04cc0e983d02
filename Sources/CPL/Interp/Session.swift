import Synchronization

/// What every context of one interpreter shares: the hooks, job-control
/// settings, and the background jobs still running anywhere (for the wait
/// at the end of a script and for cancellation).
final class Session: Sendable {
    let builtins: Mutex<[String: BuiltinFunction]>
    let execHandler: Mutex<ExecHandler?>
    let jobObservers: Mutex<[JobObserver]>
    /// Job control: each foreground pipeline gets a process group (and the terminal).
    let jobControl: Bool
    let terminal: JobTerminal?
    /// `exec command` replaces the process (the `cpl` command) instead of running a child.
    let execReplacesProcess: Bool
    let fileSystem: FileSystem
    /// The ssh masters of this interpreter's remote stages.
    let connections = RemoteConnections()
    /// How the run in progress was asked to stop: `interrupt()` (status 130) or the cancellation
    /// of the task waiting for it. Checked between commands as well as through task
    /// cancellation, because a run starts on its caller's thread (`Task.immediate`) and a loop of
    /// builtins may never suspend to let the cancellation of a task it has not yet returned reach it.
    let stop = Atomic<UInt8>(StopRequest.none)

    enum StopRequest {
        static let none: UInt8 = 0
        static let interrupt: UInt8 = 1
        static let cancel: UInt8 = 2
    }

    /// Whether the run should stop now (its task cancelled, or a stop requested).
    var stopRequested: Bool { Task.isCancelled || stop.load(ordering: .relaxed) != StopRequest.none }
    var interrupted: Bool { stop.load(ordering: .relaxed) == StopRequest.interrupt }
    /// The signals `trap` catches or ignores, and those that arrived.
    let signalTraps = SignalTraps()
    /// Every `&` job not yet finished, in any context.
    private let running = Mutex<[Job]>([])
    init(jobControl: JobControl?, execReplacesProcess: Bool = false, fileSystem: FileSystem = .system) {
        self.execReplacesProcess = execReplacesProcess
        self.fileSystem = fileSystem
        builtins = Mutex([:])
        execHandler = Mutex(nil)
        jobObservers = Mutex([])
        self.jobControl = jobControl != nil
        terminal = jobControl?.terminal.map(JobTerminal.init(descriptor:))
    }

    /// Asked for every command name: without an embedder's builtins, no hashing.
    func builtin(named name: String) -> BuiltinFunction? { builtins.withLock { $0.isEmpty ? nil : $0[name] } }
    var currentExecHandler: ExecHandler? { execHandler.withLock { $0 } }

    func emit(_ event: JobEvent) {
        let observers = jobObservers.withLock { $0 }
        for observer in observers { observer(event) }
    }

    var hasObservers: Bool { jobObservers.withLock { !$0.isEmpty } }

    func backgroundJobStarted(_ job: Job) { running.withLock { $0.append(job) } }
    func backgroundJobFinished(_ job: Job) { running.withLock { $0.removeAll { $0 === job } } }
    var runningBackgroundJobs: [Job] { running.withLock { $0 } }
}
