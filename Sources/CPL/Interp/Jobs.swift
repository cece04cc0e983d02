import ChildProcess
import Glibc
import Synchronization

/// A running list item: the processes it started, its in-process task (for
/// background jobs) and, once done, its status.
final class Job: Sendable {
    /// `%n` (background jobs); 0 otherwise.
    let number: Int
    let mode: PlannedJob.Mode
    let command: String

    private struct State {
        var children: [(child: ChildProcess, group: Int32?)] = []
        var status: Int32?
        var waiters: [UnsafeContinuation<Int32, Never>] = []
        /// `$!`: resolved by the first pipeline's last stage.
        var displayPID: Int32?
        var displayResolved = false
        var displayWaiters: [UnsafeContinuation<Int32?, Never>] = []
        var task: Task<Void, Never>?
        var cancelled = false
    }
    private let state = Mutex(State())

    init(number: Int, mode: PlannedJob.Mode, command: String) {
        self.number = number
        self.mode = mode
        self.command = command
    }

    var info: JobInfo {
        state.withLock { state in
            JobInfo(
                number: number == 0 ? nil : number, mode: mode, command: command,
                processIDs: state.children.map(\.child.pid), status: state.status)
        }
    }

    var status: Int32? { state.withLock { $0.status } }
    var processIDs: [Int32] { state.withLock { $0.children.map(\.child.pid) } }

    func attach(_ task: Task<Void, Never>) {
        let cancelNow = state.withLock { state -> Bool in
            state.task = task
            return state.cancelled
        }
        if cancelNow { task.cancel() }
    }

    /// A process of this job was started (in process group `group`, if any).
    func processStarted(_ child: ChildProcess, group: Int32?) {
        state.withLock { $0.children.append((child, group)) }
    }

    /// The job's first pipeline has started its last stage: `pid` when that
    /// stage is a program, nil when it runs in-process (then `$!` is an id of
    /// its own that `wait` and `kill` accept). Only the first call counts.
    func lastStageLaunched(pid: Int32?) {
        let (waiters, resolved) = state.withLock { state -> ([UnsafeContinuation<Int32?, Never>], Int32?) in
            guard !state.displayResolved else { return ([], nil) }
            return (resolveDisplay(&state, pid), state.displayPID)
        }
        for waiter in waiters { waiter.resume(returning: resolved) }
    }

    /// Ids for `$!` of jobs that run in-process: above the kernel's largest
    /// possible pid (PID_MAX_LIMIT, 2^22), so they never name a real process.
    private static let nextInProcessID = Atomic<Int32>(4_194_304)

    private func resolveDisplay(_ state: inout State, _ pid: Int32?) -> [UnsafeContinuation<Int32?, Never>] {
        state.displayResolved = true
        state.displayPID = pid ?? Job.nextInProcessID.add(1, ordering: .relaxed).newValue
        defer { state.displayWaiters = [] }
        return state.displayWaiters
    }

    /// What `$!` becomes: the pid of the first pipeline's last stage, or the
    /// job's in-process id.
    func displayPID() async -> Int32? {
        if let resolved = state.withLock({ $0.displayResolved ? .some($0.displayPID) : Int32??.none }) {
            return resolved
        }
        return await withUnsafeContinuation { continuation in
            let resolved = state.withLock { state -> Int32?? in
                if state.displayResolved { return .some(state.displayPID) }
                state.displayWaiters.append(continuation)
                return .none
            }
            if let resolved { continuation.resume(returning: resolved) }
        }
    }

    /// `kill PID` with the job's `$!` signals the whole job.
    var knownDisplayPID: Int32? { state.withLock { $0.displayPID } }

    func finish(_ status: Int32) {
        let (waiters, displayWaiters) = state.withLock { state in
            state.status = status
            state.task = nil
            let waiters = state.waiters
            state.waiters = []
            let display = state.displayResolved ? [] : resolveDisplay(&state, nil)
            return (waiters, display)
        }
        let resolved = knownDisplayPID
        for waiter in displayWaiters { waiter.resume(returning: resolved) }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// Waits until the job finished; returns its status.
    func wait() async -> Int32 {
        if let status = self.status { return status }
        return await withUnsafeContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Sends `signal` to every live process group and process of the job; a
    /// terminating signal also stops its in-process part (the rest of a `{ …; }`).
    @discardableResult
    func send(_ signal: Signal) -> Bool {
        let (children, task) = state.withLock { state in
            if Job.terminates(signal) { state.cancelled = true }
            return (state.children, state.task)
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
    func add(mode: PlannedJob.Mode, command: String) -> Job {
        jobs.withLock { jobs in
            var number = 1
            while jobs.contains(where: { $0.number == number }) { number += 1 }
            let job = Job(number: number, mode: mode, command: command)
            jobs.append(job)
            return job
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
/// starts a new group (the hook is told again).
final class ProcessGroupSlot: Sendable {
    private let leader = Mutex<Int32?>(nil)
    let onNewGroup: (@Sendable (Int32) -> Void)?

    init(onNewGroup: (@Sendable (Int32) -> Void)? = nil) {
        self.onNewGroup = onNewGroup
    }

    /// Starts a process with `start(processGroup)`; returns it and its group.
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
        if isNew { onNewGroup?(group) }
        return (child, group)
    }
}
