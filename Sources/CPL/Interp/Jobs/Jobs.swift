import ChildProcess
import Glibc
import Synchronization

/// A running list item: the processes it started, its in-process task (for
/// background jobs) and, once done, its status. Under job control a
/// foreground pipeline is a job too, so that Ctrl-Z can turn it into a
/// stopped, numbered one.
final class Job: Sendable {
    let command: String

    /// How a wait for a job under job control ended.
    enum Outcome: Sendable, Equatable {
        case finished(Int32)
        /// Every live process of the job stopped (Ctrl-Z).
        case stopped(Signal)
    }

    private struct State {
        /// `%n`; 0 until the job is in a job table.
        var number = 0
        var mode: PlannedJob.Mode
        var children: [(child: ChildProcess, group: Int32?)] = []
        /// Those a keyboard stop reaches (not a command substitution's).
        var stoppable: Set<ObjectIdentifier> = []
        var status: Int32?
        var task: Task<Void, Never>?
        var cancelled = false
        /// Job control: the signal that stopped every live process, while stopped.
        var stopSignal: Signal?
        /// What the waits for the next stop or the end get; replaced after each stop.
        var nextOutcome = OneShot<Outcome>()
        /// A process of this foreground job was killed by SIGINT (Ctrl-C).
        var interrupted = false
        /// The terminal modes the job had when it stopped (restored by `fg`).
        var terminalModes: termios?
        /// The group its processes join (job control and `&`).
        var groupSlot: ProcessGroupSlot?
    }
    private let state: Mutex<State>
    /// Its status, when it has finished.
    private let completion = OneShot<Int32>()
    /// `$!`: the pid of the first pipeline's last stage, or an in-process id.
    private let display = OneShot<Int32>()
    /// Job control: stops and continues of its processes are tracked.
    let tracksStops: Bool

    init(number: Int, mode: PlannedJob.Mode, command: String, tracksStops: Bool = false) {
        self.command = command
        self.tracksStops = tracksStops
        state = Mutex(State(number: number, mode: mode))
    }

    var number: Int {
        get { state.withLock { $0.number } }
        set { state.withLock { $0.number = newValue } }
    }

    var mode: PlannedJob.Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    var info: JobInfo {
        state.withLock { state in
            JobInfo(
                number: state.number == 0 ? nil : state.number, mode: state.mode, command: command,
                processIDs: state.children.map(\.child.pid), status: state.status, stopSignal: state.stopSignal)
        }
    }

    var status: Int32? { state.withLock { $0.status } }
    var processIDs: [Int32] { state.withLock { $0.children.map(\.child.pid) } }
    var stopSignal: Signal? { state.withLock { $0.stopSignal } }
    var wasInterrupted: Bool { state.withLock { $0.interrupted } }

    /// The process group of its newest live process (the one a terminal is given to).
    var processGroup: Int32? {
        state.withLock { state in
            state.children.last { $0.child.exitStatus == nil && $0.group != nil }?.group
        }
    }

    var terminalModes: termios? {
        get { state.withLock { $0.terminalModes } }
        set { state.withLock { $0.terminalModes = newValue } }
    }

    var groupSlot: ProcessGroupSlot? {
        get { state.withLock { $0.groupSlot } }
        set { state.withLock { $0.groupSlot = newValue } }
    }

    func attach(_ task: Task<Void, Never>) {
        let cancelNow = state.withLock { state -> Bool in
            state.task = task
            return state.cancelled
        }
        if cancelNow { task.cancel() }
    }

    /// A process of this job was started (in process group `group`, if any).
    /// One that ignores keyboard stops does not count for whether the job stopped. Throws when
    /// the job's stops cannot be followed (SIGCHLD not caught, at a full descriptor table); the
    /// process is recorded all the same.
    func processStarted(_ child: ChildProcess, group: Int32?, ignoresKeyboardStops: Bool = false) throws(Errno) {
        let cancelled = state.withLock { state in
            state.children.append((child, group))
            if !ignoresKeyboardStops { state.stoppable.insert(ObjectIdentifier(child)) }
            return state.cancelled
        }
        // The job was ended while this process was being started (after `send` looked for its
        // processes): it goes too, with its group, so that nothing of the job outlives it.
        if cancelled {
            if let group, group > 0 { Glibc.kill(-group, SIGTERM) } else { _ = child.kill(.terminate) }
        }
        if tracksStops {
            try child.observeJobState { [weak self] _ in self?.processStateChanged() }
        }
    }

    /// A process of a foreground job ended by SIGINT: the rest of the job (and of
    /// the command line) does not run, as when the shell itself gets the signal.
    func processInterrupted() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.interrupted = true
            return state.task
        }
        task?.cancel()
    }

    /// The job is stopped when every live process a keyboard stop reaches is (and there is one).
    private func processStateChanged() {
        let stop = state.withLock { state -> (Signal, OneShot<Outcome>)? in
            guard state.status == nil else { return nil }
            let signals = state.children
                .filter { $0.child.exitStatus == nil && state.stoppable.contains(ObjectIdentifier($0.child)) }
                .map(\.child.stopSignal)
            guard let first = signals.first, let signal = first, !signals.contains(nil) else {
                state.stopSignal = nil
                return nil
            }
            state.stopSignal = signal
            defer { state.nextOutcome = OneShot() }
            return (signal, state.nextOutcome)
        }
        if let (signal, outcome) = stop { outcome.complete(.stopped(signal)) }
    }

    /// Job control: waits until the job finishes or stops. Cancelling the
    /// waiting task terminates the job (the wait then ends with its status).
    func waitForOutcome() async -> Outcome {
        await withTaskCancellationHandler {
            // Under one lock: a stop between looking and waiting would otherwise be missed.
            let (known, next) = state.withLock { state -> (Outcome?, OneShot<Outcome>) in
                if let status = state.status { return (.finished(status), state.nextOutcome) }
                if let signal = state.stopSignal { return (.stopped(signal), state.nextOutcome) }
                return (nil, state.nextOutcome)
            }
            if let known { return known }
            return await next.wait()
        } onCancel: {
            send(.terminate)
        }
    }

    /// `fg`, `bg`: SIGCONT to every group and process of the job.
    func resume() {
        state.withLock { $0.stopSignal = nil }
        send(.continue)
    }

    /// The job's first pipeline has started its last stage: `pid` when that
    /// stage is a program, nil when it runs in-process (then `$!` is an id of
    /// its own that `wait` and `kill` accept). Only the first call counts.
    func lastStageLaunched(pid: Int32?) {
        guard display.value == nil else { return }
        display.complete(pid ?? Job.nextInProcessID.add(1, ordering: .relaxed).newValue)
    }

    /// Ids for `$!` of jobs that run in-process: above the kernel's largest
    /// possible pid (PID_MAX_LIMIT, 2^22), so they never name a real process.
    private static let nextInProcessID = Atomic<Int32>(4_194_304)

    /// What `$!` becomes: the pid of the first pipeline's last stage, or the
    /// job's in-process id.
    func displayPID() async -> Int32? {
        await display.wait()
    }

    /// `kill PID` with the job's `$!` signals the whole job.
    var knownDisplayPID: Int32? { display.value }

    func finish(_ status: Int32) {
        let outcome = state.withLock { state in
            state.status = status
            state.stopSignal = nil
            state.task = nil
            return state.nextOutcome
        }
        lastStageLaunched(pid: nil)
        completion.complete(status)
        outcome.complete(.finished(status))
    }

    /// Waits until the job finished; returns its status.
    func wait() async -> Int32 {
        await completion.wait()
    }

    /// Sends `signal` to every live process group and process of the job; a
    /// terminating signal also stops its in-process part (the rest of a `{ …; }`)
    /// and continues a stopped job, so that it can die.
    @discardableResult
    func send(_ signal: Signal) -> Bool {
        let (children, task, stopped) = state.withLock { state in
            if Job.terminates(signal) { state.cancelled = true }
            return (state.children, state.task, state.stopSignal != nil)
        }
        var sent = false
        var signalledGroups = Set<Int32>()
        for (child, group) in children where child.exitStatus == nil {
            if let group, group > 0 {
                if signalledGroups.insert(group).inserted, Glibc.kill(-group, signal.rawValue) == 0 { sent = true }
            } else if child.kill(signal) {
                sent = true
            }
        }
        if stopped, Job.terminates(signal) { send(.continue) }
        if Job.terminates(signal), let task {
            task.cancel()
            sent = true
        }
        return sent
    }

    static func terminates(_ signal: Signal) -> Bool {
        ![0, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGURG].contains(signal.rawValue)
    }
}

/// The background jobs of one shell context (`jobs`, `wait`, `%n`). A
/// subshell starts with an empty table, as in sh.
final class JobTable: Sendable {
    private let jobs = Mutex<[Job]>([])

    /// A new background job numbered with the lowest free number.
    func add(mode: PlannedJob.Mode, command: String, tracksStops: Bool) -> Job {
        let job = Job(number: 0, mode: mode, command: command, tracksStops: tracksStops)
        adopt(job)
        return job
    }

    /// Lists `job` (a stopped foreground one) with the lowest free number,
    /// or moves it to the end (it becomes the current job, `%+`).
    func adopt(_ job: Job) {
        jobs.withLock { jobs in
            jobs.removeAll { $0 === job }
            if job.number == 0 {
                var number = 1
                while jobs.contains(where: { $0.number == number }) { number += 1 }
                job.number = number
            }
            jobs.append(job)
        }
    }

    func remove(_ job: Job) { jobs.withLock { $0.removeAll { $0 === job } } }
    var all: [Job] { jobs.withLock { $0 } }

    /// `%n`, `%%`, `%+` (the newest), `%-` (the one before).
    func job(spec: String) -> Job? {
        let all = self.all
        switch spec {
        case "%%", "%+", "%": return all.last
        case "%-": return all.count >= 2 ? all[all.count - 2] : nil
        default:
            guard spec.hasPrefix("%") else { return nil }
            let rest = spec.dropFirst()
            if let number = Int(rest) { return all.first { $0.number == number } }
            return all.last { $0.command.hasPrefix(rest) }
        }
    }

    func job(containing pid: Int32) -> Job? { all.first { $0.processIDs.contains(pid) } }
}

/// The process group of one job (job control) or one background job: the
/// first process started leads it, the others join. If the leader has
/// already exited and been reaped, joining fails; the next process then
/// starts a new group. While the job is in the foreground its new groups
/// get the terminal.
final class ProcessGroupSlot: Sendable {
    private let leader = Mutex<Int32?>(nil)
    private let foregroundTerminal: Mutex<JobTerminal?>

    init(terminal: JobTerminal? = nil) {
        foregroundTerminal = Mutex(terminal)
    }

    /// The terminal new groups take: set while the job runs in the foreground (`fg`), nil
    /// while it is stopped or in the background.
    var terminal: JobTerminal? {
        get { foregroundTerminal.withLock { $0 } }
        set { foregroundTerminal.withLock { $0 = newValue } }
    }

    /// Starts a process with `start(processGroup)` (0: a new group); returns it and its group.
    func spawn(_ start: (Int32) throws(SpawnError) -> ChildProcess) throws(SpawnError) -> (ChildProcess, Int32) {
        let result: Result<(ChildProcess, Int32, Bool), SpawnError> = leader.withLock { leader in
            if let group = leader {
                do throws(SpawnError) {
                    return .success((try start(group), group, false))
                } catch {
                    guard error.errno.rawValue == EPERM || error.errno.rawValue == ESRCH else { return .failure(error) }
                }
            }
            do throws(SpawnError) {
                let child = try start(0)
                leader = child.pid
                return .success((child, child.pid, true))
            } catch {
                return .failure(error)
            }
        }
        let (child, group, isNew) = try result.get()
        // The child did this itself before exec; doing it here too is what shells do, so that
        // neither side depends on which runs first.
        if isNew, let terminal { terminal.give(to: group) }
        return (child, group)
    }
}
