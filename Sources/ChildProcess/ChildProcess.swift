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
    /// The program that was executed (Node's `spawnfile`). Like `spawnargs`, a lossless string:
    /// its `losslessBytes` are the bytes given, also when they are not UTF-8.
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
    /// child closes it, which hangs the terminal up. `waitForClose` waits for its end, as for a pipe.
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
    /// Done when the child has been reaped: its status, or nil when something else reaped it.
    private let exit = OneShot<ExitStatus?>()
    let events = EventListeners()

    private struct State {
        var status: ExitStatus?
        /// Set when the child has been reaped (by us, or by someone else: then `status` stays nil).
        var exitedAt: ContinuousClock.Instant?
        var reaped: Bool { exitedAt != nil }
        var killed = false
        var aborted = false
        var timedOut = false
        var referenced = true
        var closeTimedOut = false
        /// The teardown under way.
        var teardown: TeardownProgress?
        /// Sleeps through the grace periods; cancelled when the child exits and nothing it
        /// targets outlived it.
        var escalation: Task<Void, Never>?
        var teardownReport: TeardownReport?
        /// Sleeps until the timeout; cancelled when the child exits first.
        var timeout: Task<Void, Never>?
        /// Withdrawn from the handle when the child exits.
        var cancellation: (handle: CancellationHandle, token: UInt64)?
    }
    private let state = Mutex(State())

    private struct TeardownProgress {
        let cause: TeardownReport.Cause
        let sequence: [TeardownStep]
        let target: SignalTarget
        /// The step whose signal was sent last while the child ran.
        var step = 0
        /// What the tree walks found: orphaned when the child dies, still chased by the later steps.
        var descendants: [Descendants] = []
    }

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
    /// True when `waitForClose` (or `exec`) stopped waiting for an output pipe, the terminal or
    /// the channel that a descendant still held open `closeTimeout` after the exit, and closed it.
    public var closeTimedOut: Bool { state.withLock { $0.closeTimedOut } }

    // MARK: Waiting

    /// Waits until the child exits (Node's 'exit'). Cancelling the waiting task tears the child
    /// down (`killSignal`, or the options' `teardown`), waits for it to die, and throws
    /// `ChildProcessError.aborted`; so does a
    /// `CancellationHandle` given in the options. A child that had already exited is left as it
    /// ended: the wait returns its status. Throws `.childAlreadyReaped` when something else in
    /// this process reaped the child first, so that its status is lost.
    @discardableResult
    public func waitForExit() async throws(ChildProcessError) -> ExitStatus {
        let status = await withTaskCancellationHandler {
            await exitStatusWhenAvailable()
        } onCancel: {
            abort()
        }
        if state.withLock({ $0.aborted }) { throw .aborted(status) }
        guard let status else { throw .childAlreadyReaped }
        return status
    }

    /// Waits until the child exited, every output pipe and the terminal (if any) reached its end
    /// and the channel (if any) disconnected (Node's 'close'). With `closeTimeout`, what a
    /// descendant still holds that long after the exit is closed (`closeTimedOut` tells).
    @discardableResult
    public func waitForClose() async throws(ChildProcessError) -> ExitStatus {
        let status = try await waitForExit()
        await closeAfterTimeout()
        await waitForEnds()
        return status
    }

    /// The pipes the child writes, and its terminal: what 'close' waits to see end.
    private var outputStreams: [StdioPipe] {
        stdio.compactMap { $0 }.filter { $0.childDescriptor != 0 } + (terminal.map { [$0.stream] } ?? [])
    }

    private func waitForEnds() async {
        for stream in outputStreams { await stream.waitForEnd() }
        await channel?.waitForDisconnect()
    }

    /// Go's `WaitDelay`: once the child has exited, its output pipes, terminal and channel get
    /// `closeTimeout` to reach their ends; past it, the ones still open (a descendant inherited
    /// them) are closed, which ends their readers. Returns at once without `closeTimeout`.
    func closeAfterTimeout() async {
        guard let closeTimeout, let exitedAt = state.withLock({ $0.exitedAt }) else { return }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitForEnds()
                return true
            }
            group.addTask { (try? await Task.sleep(until: exitedAt + closeTimeout)) == nil }
            if await group.next() == false {
                state.withLock { $0.closeTimedOut = true }
                for stream in outputStreams { stream.close() }
                channel?.close()
            }
            group.cancelAll()
        }
    }

    /// The status once the child has been reaped; nil when something else reaped it.
    func exitStatusWhenAvailable() async -> ExitStatus? { await exit.wait() }

    /// Reaps on the reactor thread the moment the pidfd reports the exit: one wake-up, no task hop.
    private func reapWhenExited() {
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { return finish(ExitStatus(waitStatus: status)) }
        if reaped < 0, errno != EINTR {
            // ECHILD: someone else reaped our child (SIGCHLD set to SIG_IGN, or a stray
            // waitpid(-1)), and its status is lost.
            return finish(nil)
        }
        exitWatcher.notify(when: .readable) { [self] _ in reapWhenExited() }
    }

    private func finish(_ status: ExitStatus?) {
        exitWatcher.invalidate()
        // The child's messages and end of channel, already in the socket, come before its exit
        // (Node's order: message… → disconnect → exit). The end may come later still: a process
        // being started by another thread holds a copy of the socket until its exec.
        channel?.receiveAvailable(rearm: false)
        let (timeout, escalation, cancellation) = state.withLock { state in
            state.status = status
            state.exitedAt = .now
            var escalation = state.escalation
            if let teardown = state.teardown {
                if let status {
                    state.teardownReport = TeardownReport(
                        cause: teardown.cause, step: teardown.step, signal: teardown.sequence[teardown.step].signal, status: status)
                }
                // Members of its group or tree that outlived the child still get the next steps.
                if SignalDelivery.survivorsRemain(of: teardown.target, pid: pid, descendants: teardown.descendants) {
                    escalation = nil
                }
            }
            defer {
                state.cancellation = nil
                state.escalation = nil
            }
            return (state.timeout, escalation, state.cancellation)
        }
        timeout?.cancel()
        escalation?.cancel()
        if let cancellation { cancellation.handle.removeAction(cancellation.token) }
        ReferencedChildren.shared.remove(self)
        JobStateMonitor.forget(self)
        exit.complete(status)
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
        guard !state.reaped else { return false }
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
    /// that the exit cancels, unless members of the targeted group or tree outlived the child:
    /// they get the remaining steps. False when the child has exited; a teardown under way is kept.
    private func beginTeardown(_ cause: TeardownReport.Cause, using teardown: Teardown, _ state: inout State) -> Bool {
        guard !state.reaped else { return false }
        guard state.teardown == nil else { return true }
        let sequence = teardown.sequence
        state.teardown = TeardownProgress(cause: cause, sequence: sequence, target: teardown.target ?? defaultTarget)
        sendStep(0, &state)
        guard sequence.count > 1 else {
            state.teardown?.descendants = []
            return true
        }
        state.escalation = Task { [self] in
            defer { self.state.withLock { $0.teardown?.descendants = [] } }
            for index in 1..<sequence.count {
                guard let grace = sequence[index - 1].gracePeriod,
                      (try? await Task.sleep(for: grace)) != nil else { return }
                self.state.withLock { sendStep(index, &$0) }
            }
        }
        return true
    }

    /// Sends the teardown's step `index`: to its target while the child runs (`kill`'s rules),
    /// to what outlived the child once it has been reaped.
    private func sendStep(_ index: Int, _ state: inout State) {
        guard var teardown = state.teardown else { return }
        let signal = teardown.sequence[index].signal
        if state.reaped {
            SignalDelivery.sendToSurvivors(signal, of: teardown.target, pid: pid, descendants: &teardown.descendants)
        } else {
            teardown.step = index
            let sent = SignalDelivery.send(signal, to: teardown.target, pid: pid, pidfd: pidfd.rawValue,
                                           descendants: &teardown.descendants)
            if sent && signal.rawValue != 0 { state.killed = true }
        }
        state.teardown = teardown
    }

    /// Tears the child down for `cause` and records why (`reason`); a child that has already
    /// exited ended by itself, and keeps its status unmarked. True when the child was running.
    @discardableResult
    private func end(_ cause: TeardownReport.Cause, marking reason: WritableKeyPath<State, Bool>? = nil) -> Bool {
        state.withLock { state in
            guard !state.reaped else { return false }
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
            guard !state.reaped else { return }
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
            if !state.reaped { state.cancellation = (handle, token) }
            return state.reaped
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
            return !state.reaped
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
    /// Something else in this process reaped the child first (waitpid's ECHILD): SIGCHLD set to
    /// SIG_IGN, which makes the kernel reap every child, or a stray `waitpid(-1)`. Its exit
    /// status is lost (`exitStatus` stays nil). `exec` reports it as `.childAlreadyReaped` too.
    case childAlreadyReaped
}

/// The children whose exit a program should still wait for.
final class ReferencedChildren: Sendable {
    static let shared = ReferencedChildren()
    private let children = Mutex<[ObjectIdentifier: ChildProcess]>([:])

    func insert(_ child: ChildProcess) { children.withLock { $0[ObjectIdentifier(child)] = child } }
    func remove(_ child: ChildProcess) { children.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(child)) } }
    func any() -> ChildProcess? { children.withLock { $0.values.first } }
}
