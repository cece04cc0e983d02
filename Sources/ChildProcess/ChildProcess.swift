import CChildProcessShims
import Glibc
import Synchronization

/// A running (or finished) child process: Node's `ChildProcess`.
///
/// The child is reaped by the library as soon as it exits, whether or not anyone awaits it, so a
/// dropped `ChildProcess` never leaves a zombie. Its exit is observed through a pidfd, so a
/// signal is never delivered to a recycled pid.
public final class ChildProcess: Sendable {
    public let pid: Int32
    /// The program that was executed (Node's `spawnfile`).
    public let spawnfile: String
    /// The full argv, argv[0] included (Node's `spawnargs`).
    public let spawnargs: [String]
    /// The parent's ends of the child's pipes, indexed by child descriptor; nil where not a pipe.
    public let stdio: [StdioPipe?]
    public var stdin: StdioPipe? { stdio.count > 0 ? stdio[0] : nil }
    public var stdout: StdioPipe? { stdio.count > 1 ? stdio[1] : nil }
    public var stderr: StdioPipe? { stdio.count > 2 ? stdio[2] : nil }
    /// Whether `kill` signals the whole process group (the child leads one).
    public let leadsProcessGroup: Bool
    /// The message channel of a child started with `fork` (or `.ipc` in `stdio`).
    public let channel: IPCChannel?
    /// The parent's end of the child's pseudo-terminal (`.terminal` in `stdio`). Dropping the
    /// child closes it, which hangs the terminal up. `waitForClose` does not wait for its end:
    /// reading it to the end does.
    public let terminal: PseudoTerminal?

    let killSignal: Signal
    /// How the library ends the child (its options' `teardown`, or Node's `killSignal`).
    let teardown: Teardown
    /// Who `kill(_:)` and a teardown without a target signal.
    let defaultTarget: SignalTarget
    /// How long `waitForClose` waits, after the exit, for pipes a descendant still holds.
    let closeTimeout: Duration?
    let pidfd: FileDescriptor
    private let exitWatcher: Watcher
    let events = EventListeners()

    private struct State {
        var status: ExitStatus?
        var waiters: [UnsafeContinuation<ExitStatus, Never>] = []
        var killed = false
        var aborted = false
        var timedOut = false
        var referenced = true
        var exitedAt: ContinuousClock.Instant?
        var closeTimedOut = false
        /// The teardown under way: why, and the step whose signal was sent last.
        var teardown: (cause: TeardownReport.Cause, sequence: [TeardownStep], step: Int)?
        /// Sleeps through the grace periods; cancelled when the child exits.
        var escalation: Task<Void, Never>?
        var teardownReport: TeardownReport?
        /// Sleeps until the timeout; cancelled when the child exits first.
        var timeout: Task<Void, Never>?
        /// Withdrawn from the handle when the child exits.
        var cancellation: (handle: CancellationHandle, token: UInt64)?
    }
    private let state = Mutex(State())

    init(pid: Int32, pidfd: FileDescriptor, spawnfile: String, spawnargs: [String], stdio: [StdioPipe?],
         leadsProcessGroup: Bool, killSignal: Signal, teardown: Teardown? = nil, closeTimeout: Duration? = nil,
         channel: IPCChannel? = nil, terminal: PseudoTerminal? = nil) {
        self.pid = pid
        self.pidfd = pidfd
        self.spawnfile = spawnfile
        self.spawnargs = spawnargs
        self.stdio = stdio
        self.leadsProcessGroup = leadsProcessGroup
        self.killSignal = killSignal
        self.teardown = teardown ?? .signal(killSignal)
        self.defaultTarget = leadsProcessGroup ? .processGroup : .process
        self.closeTimeout = closeTimeout
        self.channel = channel
        self.terminal = terminal
        self.exitWatcher = Watcher(pidfd)
        ReferencedChildren.shared.insert(self)
        reapWhenExited()
    }

    // A pidfd holds no data, and a deinit has no one to tell: the close cannot fail in a way that matters.
    deinit { try? pidfd.close() }

    // MARK: State (Node's properties)

    /// The exit code once the child has exited normally (Node's `exitCode`).
    public var exitCode: Int32? { state.withLock { $0.status?.code } }
    /// The signal that ended the child (Node's `signalCode`).
    public var signalCode: Signal? { state.withLock { $0.status?.signal } }
    /// True once `kill` delivered a signal (Node's `killed`).
    public var killed: Bool { state.withLock { $0.killed } }
    /// The exit status, once the child has exited.
    public var exitStatus: ExitStatus? { state.withLock { $0.status } }
    /// True once the timeout fired and killed the child.
    public var timedOut: Bool { state.withLock { $0.timedOut } }
    /// How the library's teardown ended the child, once it has; nil when it exited by itself
    /// (or by a plain `kill`).
    public var teardownReport: TeardownReport? { state.withLock { $0.teardownReport } }
    /// True when `waitForClose` (or `exec`) stopped waiting for an output pipe that a descendant
    /// still held open `closeTimeout` after the exit, and closed it.
    public var closeTimedOut: Bool { state.withLock { $0.closeTimedOut } }

    // MARK: Waiting

    /// Waits until the child exits (Node's 'exit'). Cancelling the waiting task tears the child
    /// down (`killSignal`, or the options' `teardown`), waits for it to die, and throws
    /// `ChildProcessError.aborted`; so does a
    /// `CancellationHandle` given in the options. A child that had already exited is left as it
    /// ended: the wait returns its status.
    @discardableResult
    public func waitForExit() async throws(ChildProcessError) -> ExitStatus {
        let status = await withTaskCancellationHandler {
            await exitStatusWhenAvailable()
        } onCancel: {
            abort()
        }
        if state.withLock({ $0.aborted }) { throw .aborted(status) }
        return status
    }

    /// Waits until the child exited, every output pipe reached its end and the channel (if any)
    /// disconnected (Node's 'close'). With `closeTimeout`, a pipe that a descendant still holds
    /// that long after the exit is closed (`closeTimedOut` tells).
    @discardableResult
    public func waitForClose() async throws(ChildProcessError) -> ExitStatus {
        let status = try await waitForExit()
        await closeOutputAfterTimeout()
        for pipe in outputPipes { await pipe.waitForEnd() }
        await channel?.waitForDisconnect()
        return status
    }

    private var outputPipes: [StdioPipe] { stdio.compactMap { $0 }.filter { $0.childDescriptor != 0 } }

    /// Go's `WaitDelay`: once the child has exited, its output pipes get `closeTimeout` to reach
    /// their ends; past it, the ones still open (a grandchild inherited them) are closed, which
    /// ends their readers. Returns at once without `closeTimeout`.
    func closeOutputAfterTimeout() async {
        guard let closeTimeout, let exitedAt = state.withLock({ $0.exitedAt }) else { return }
        let pipes = outputPipes
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for pipe in pipes { await pipe.waitForEnd() }
                return true
            }
            group.addTask { (try? await Task.sleep(until: exitedAt + closeTimeout)) == nil }
            if await group.next() == false {
                state.withLock { $0.closeTimedOut = true }
                for pipe in pipes { pipe.close() }
            }
            group.cancelAll()
        }
    }

    func exitStatusWhenAvailable() async -> ExitStatus {
        await withUnsafeContinuation { continuation in
            let status = state.withLock { state -> ExitStatus? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Reaps on the reactor thread the moment the pidfd reports the exit: one wake-up, no task hop.
    private func reapWhenExited() {
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { return finish(ExitStatus(waitStatus: status)) }
        if reaped < 0, errno != EINTR {
            // Someone else reaped our child (SIGCHLD set to SIG_IGN, or a stray waitpid(-1)).
            return finish(.exited(-1))
        }
        exitWatcher.notify(when: .readable) { [self] _ in reapWhenExited() }
    }

    private func finish(_ status: ExitStatus) {
        exitWatcher.invalidate()
        // The child's messages and end of channel, already in the socket, come before its exit
        // (Node's order: message… → disconnect → exit). The end may come later still: a process
        // being started by another thread holds a copy of the socket until its exec.
        channel?.receiveAvailable(rearm: false)
        let (waiters, timeout, escalation, cancellation) = state.withLock { state in
            state.status = status
            state.exitedAt = .now
            if let teardown = state.teardown {
                state.teardownReport = TeardownReport(
                    cause: teardown.cause, step: teardown.step, signal: teardown.sequence[teardown.step].signal, status: status)
            }
            defer {
                state.waiters = []
                state.cancellation = nil
                state.escalation = nil
            }
            return (state.waiters, state.timeout, state.escalation, state.cancellation)
        }
        timeout?.cancel()
        escalation?.cancel()
        if let cancellation { cancellation.handle.removeAction(cancellation.token) }
        ReferencedChildren.shared.remove(self)
        JobStateMonitor.forget(self)
        for waiter in waiters { waiter.resume(returning: status) }
    }

    // MARK: Signals

    /// Sends `signal` (SIGTERM by default) to the child, or to its process group when it leads one.
    /// Returns false when the child has already exited or the signal could not be sent.
    @discardableResult
    public func kill(_ signal: Signal = .terminate) -> Bool {
        state.withLock { send(signal, to: defaultTarget, &$0) }
    }

    /// Sends `signal` to the child alone, to its process group, or to its whole tree of
    /// descendants (see `SignalTarget.processTree`). False when the child has already exited or
    /// the signal could not be sent to it.
    @discardableResult
    public func kill(_ signal: Signal = .terminate, target: SignalTarget) -> Bool {
        state.withLock { send(signal, to: target, &$0) }
    }

    /// Called under the lock, so the reaper cannot finish in between: the pidfd still names our child.
    private func send(_ signal: Signal, to target: SignalTarget, _ state: inout State) -> Bool {
        guard state.status == nil else { return false }
        let sent = SignalDelivery.send(signal, to: target, pid: pid, pidfd: pidfd.rawValue)
        if sent && signal.rawValue != 0 { state.killed = true }
        return sent
    }

    /// Ends the child with `teardown` (by default its options' one) and waits until it is reaped:
    /// which step ended it. Joins a teardown already under way (a timeout, a cancellation)
    /// instead of starting another. Nil when the child had exited before any teardown.
    @discardableResult
    public func tearDown(using teardown: Teardown? = nil) async -> TeardownReport? {
        state.withLock { state in _ = beginTeardown(.requested, using: teardown ?? self.teardown, &state) }
        _ = await exitStatusWhenAvailable()
        return teardownReport
    }

    /// The one way the library ends a child (tearDown, timeout, cancellation, maxBuffer): the first
    /// step's signal now, the later ones from a task that sleeps through each grace period and
    /// that the exit cancels. False when the child has exited; a teardown under way is kept.
    private func beginTeardown(_ cause: TeardownReport.Cause, using teardown: Teardown, _ state: inout State) -> Bool {
        guard state.status == nil else { return false }
        guard state.teardown == nil else { return true }
        let sequence = teardown.sequence
        let target = teardown.target ?? defaultTarget
        state.teardown = (cause, sequence, 0)
        _ = send(sequence[0].signal, to: target, &state)
        if sequence.count > 1 {
            state.escalation = Task { [self] in
                for index in 1..<sequence.count {
                    guard let grace = sequence[index - 1].gracePeriod,
                          (try? await Task.sleep(for: grace)) != nil else { return }
                    let running = self.state.withLock { state -> Bool in
                        guard state.status == nil else { return false }
                        state.teardown?.step = index
                        _ = send(sequence[index].signal, to: target, &state)
                        return true
                    }
                    if !running { return }
                }
            }
        }
        return true
    }

    /// Tears the child down for `cause` and records why (`reason`); a child that has already
    /// exited ended by itself, and keeps its status unmarked. True when the child was running.
    @discardableResult
    private func end(_ cause: TeardownReport.Cause, marking reason: WritableKeyPath<State, Bool>? = nil) -> Bool {
        state.withLock { state in
            guard state.status == nil else { return false }
            if let reason { state[keyPath: reason] = true }
            return beginTeardown(cause, using: teardown, &state)
        }
    }

    func abort() {
        if end(.cancelled, marking: \.aborted) { events.emitError(ChildProcessError.aborted(nil)) }
    }

    func expire() { end(.timedOut, marking: \.timedOut) }

    /// Output went past `maxBuffer`.
    func overflow() { end(.maxBufferExceeded) }

    /// Ends the child with `killSignal` once it has run for `duration`.
    func expire(after duration: Duration) {
        state.withLock { state in
            guard state.status == nil else { return }
            state.timeout = Task { [weak self] in
                guard (try? await Task.sleep(for: duration)) != nil else { return }
                self?.expire()
            }
        }
    }

    /// The timeout's task, once `expire(after:)` started it.
    var timeoutTask: Task<Void, Never>? { state.withLock { $0.timeout } }

    /// Aborts the child when `handle` is cancelled, for as long as the child runs.
    func abort(on handle: CancellationHandle) {
        guard let token = handle.onCancel({ [weak self] in self?.abort() }) else { return }
        let exited = state.withLock { state in
            if state.status == nil { state.cancellation = (handle, token) }
            return state.status != nil
        }
        if exited { handle.removeAction(token) }
    }

    // MARK: Reference

    /// The child no longer keeps `waitForReferencedChildren()` waiting (Node's `unref()`).
    public func unref() { state.withLock { $0.referenced = false }; ReferencedChildren.shared.remove(self) }
    /// Undoes `unref()`.
    public func ref() {
        let alive = state.withLock { state -> Bool in
            state.referenced = true
            return state.status == nil
        }
        if alive { ReferencedChildren.shared.insert(self) }
    }

    /// Waits until every child that is still referenced has exited: what keeps a Node program
    /// alive, for a Swift `main` that should behave the same.
    public static func waitForReferencedChildren() async {
        while let child = ReferencedChildren.shared.any() {
            _ = await child.exitStatusWhenAvailable()
            ReferencedChildren.shared.remove(child)
        }
    }
}

/// Errors of a running child (as opposed to `SpawnError`, which happens before it runs).
public enum ChildProcessError: Error, Sendable, Equatable {
    /// The wait was cancelled and the child killed with `killSignal`; carries its final status.
    case aborted(ExitStatus?)
}

/// The children whose exit a program should still wait for.
final class ReferencedChildren: Sendable {
    static let shared = ReferencedChildren()
    private let children = Mutex<[ObjectIdentifier: ChildProcess]>([:])

    func insert(_ child: ChildProcess) { children.withLock { $0[ObjectIdentifier(child)] = child } }
    func remove(_ child: ChildProcess) { children.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(child)) } }
    func any() -> ChildProcess? { children.withLock { $0.values.first } }
}
