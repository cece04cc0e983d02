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
        /// Sleeps until the timeout; cancelled when the child exits first.
        var timeout: Task<Void, Never>?
        /// Withdrawn from the handle when the child exits.
        var cancellation: (handle: CancellationHandle, token: UInt64)?
    }
    private let state = Mutex(State())

    init(pid: Int32, pidfd: FileDescriptor, spawnfile: String, spawnargs: [String], stdio: [StdioPipe?],
         leadsProcessGroup: Bool, killSignal: Signal, channel: IPCChannel? = nil, terminal: PseudoTerminal? = nil) {
        self.pid = pid
        self.pidfd = pidfd
        self.spawnfile = spawnfile
        self.spawnargs = spawnargs
        self.stdio = stdio
        self.leadsProcessGroup = leadsProcessGroup
        self.killSignal = killSignal
        self.channel = channel
        self.terminal = terminal
        self.exitWatcher = Watcher(pidfd)
        ReferencedChildren.shared.insert(self)
        reapWhenExited()
    }

    deinit { pidfd.close() }

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

    // MARK: Waiting

    /// Waits until the child exits (Node's 'exit'). Cancelling the waiting task kills the child
    /// with `killSignal`, waits for it to die, and throws `ChildProcessError.aborted`; so does a
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
    /// disconnected (Node's 'close').
    @discardableResult
    public func waitForClose() async throws(ChildProcessError) -> ExitStatus {
        let status = try await waitForExit()
        for pipe in stdio.compactMap({ $0 }) where pipe.childDescriptor != 0 {
            await pipe.waitForEnd()
        }
        await channel?.waitForDisconnect()
        return status
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
        let (waiters, timeout, cancellation) = state.withLock { state in
            state.status = status
            defer {
                state.waiters = []
                state.cancellation = nil
            }
            return (state.waiters, state.timeout, state.cancellation)
        }
        timeout?.cancel()
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
        state.withLock { send(signal, &$0) }
    }

    /// Called under the lock, so the reaper cannot finish in between: the pidfd still names our child.
    private func send(_ signal: Signal, _ state: inout State) -> Bool {
        guard state.status == nil else { return false }
        let sent = leadsProcessGroup
            ? Glibc.kill(-pid, signal.rawValue) == 0 || cp_pidfd_send_signal(pidfd.rawValue, signal.rawValue) == 0
            : cp_pidfd_send_signal(pidfd.rawValue, signal.rawValue) == 0
        if sent && signal.rawValue != 0 { state.killed = true }
        return sent
    }

    /// Kills a running child with `killSignal` and records why (`reason`); a child that has
    /// already exited ended by itself, and keeps its status unmarked. True when the signal was sent.
    @discardableResult
    private func end(marking reason: WritableKeyPath<State, Bool>) -> Bool {
        state.withLock { state in
            guard state.status == nil else { return false }
            state[keyPath: reason] = true
            return send(killSignal, &state)
        }
    }

    func abort() {
        if end(marking: \.aborted) { events.emitError(ChildProcessError.aborted(nil)) }
    }

    func expire() { end(marking: \.timedOut) }

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
