import CChildProcessShims
import Glibc
import Synchronization

/// Signals this process handles itself, as callbacks: Node's `process.on('SIGINT', …)`.
///
/// The handler installed for a caught signal only counts it and wakes the reactor through a
/// pipe; observers then run on the reactor thread, where anything may be done. Arrivals that
/// come close together may be reported once.
public enum ProcessSignals {
    /// Catches `signal` from now on (its default action, or being ignored, no longer applies)
    /// and calls `observer` each time it arrives, until the observation is cancelled. A caught
    /// signal without observers is counted and otherwise ignored. Children still start with
    /// every signal at its default.
    ///
    /// The first observation makes the pipe the handler writes to (and starts the reactor that
    /// reads it): with the descriptor table full that throws (EMFILE), the signal is left as it
    /// was, and the next observation tries again.
    @discardableResult
    public static func observe(
        _ signal: Signal, _ observer: @escaping @Sendable (Signal) -> Void
    ) throws(Errno) -> SignalObservation {
        try SignalDispatcher.shared.add(observer, for: signal)
    }

    /// What a signal does when nobody observes it.
    public enum Disposition: Sendable {
        /// The signal's default action (often: the process dies of it).
        case `default`
        /// Nothing happens; children that ask for it (`SpawnOptions.inheritedSignalDispositions`)
        /// start with it ignored too.
        case ignore
    }

    /// Calls the observers of the signals that have arrived but not yet been reported, now, on
    /// this thread (the reactor would report them a moment later). A shell calls this between
    /// commands, so that a signal that came while a program ran is seen before the next one.
    ///
    /// `deliveringPending`: a caught signal sent before the call is reported by it even when its
    /// handler has not run yet (the thread the kernel picked for it has not been scheduled since,
    /// or every thread blocks it): it is let in on this thread first, for two `rt_sigprocmask`
    /// calls. A shell asks for that after one of its programs ended, not between every two
    /// builtins, where those calls would be most of a command's cost.
    public static func reportArrivals(deliveringPending: Bool = true) {
        SignalDispatcher.shared.reportArrivals(deliveringPending: deliveringPending)
    }

    /// Stops catching `signal` and gives it `disposition`; its observers are dropped. (A shell's
    /// `trap - INT` and `trap '' INT`.)
    public static func setDisposition(_ disposition: Disposition, for signal: Signal) {
        SignalDispatcher.shared.release(signal)
        Glibc.signal(signal.rawValue, disposition == .ignore ? SIG_IGN : SIG_DFL)
    }
}

/// One observer of one signal; `cancel()` stops the calls.
public final class SignalObservation: Sendable {
    let signal: Signal
    let id: UInt64

    init(signal: Signal, id: UInt64) {
        self.signal = signal
        self.id = id
    }

    public func cancel() { SignalDispatcher.shared.remove(self) }
}

/// The pipe the C handler writes to and the observers it wakes.
final class SignalDispatcher: Sendable {
    static let shared = SignalDispatcher()

    private struct State {
        var observers: [Int32: [(id: UInt64, call: @Sendable (Signal) -> Void)]] = [:]
        var caught: Set<Int32> = []
        var nextID: UInt64 = 1
        /// The pipe's write end, made by the first observation (see `startPipe`).
        var writeEnd: FileDescriptor?
    }
    private let state = Mutex(State())
    /// Held while arrivals are taken and reported: a shell asking between two commands (on its own
    /// thread) must not find the count already taken by the reactor's report and the observers not
    /// yet called, and go on as if no signal had come (the trap then ran a command late, or never).
    private let reporting = Mutex(())

    private init() {}

    func add(_ observer: @escaping @Sendable (Signal) -> Void, for signal: Signal) throws(Errno) -> SignalObservation {
        let (id, catchNow, writeEnd) = try state.withLock { state throws(Errno) -> (UInt64, Bool, FileDescriptor) in
            let writeEnd: FileDescriptor
            if let started = state.writeEnd {
                writeEnd = started
            } else {
                writeEnd = try startPipe()
                state.writeEnd = writeEnd
            }
            defer { state.nextID += 1 }
            state.observers[signal.rawValue, default: []].append((state.nextID, observer))
            return (state.nextID, state.caught.insert(signal.rawValue).inserted, writeEnd)
        }
        if catchNow { cp_signal_catch(signal.rawValue, writeEnd.rawValue) }
        return SignalObservation(signal: signal, id: id)
    }

    /// Makes the pipe and has the reactor watch its read end; returns the write end. Nothing is
    /// left open when that fails.
    private func startPipe() throws(Errno) -> FileDescriptor {
        do throws(StartFailure) {
            try Reactor.shared.start()
        } catch {
            throw error.errno
        }
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        do throws(Errno) {
            // The handler must never block, and the reactor drains without blocking.
            try readEnd.setNonBlocking()
            try writeEnd.setNonBlocking()
        } catch {
            try? readEnd.close()
            try? writeEnd.close()
            throw error
        }
        watch(Watcher(readEnd))
        return writeEnd
    }

    /// Takes the handler's counts (each arrival is taken once, by whichever thread gets to it
    /// first) and calls the observers.
    func reportArrivals(deliveringPending: Bool) {
        reporting.withLock { _ in
            let (caught, observers) = state.withLock { ($0.caught, $0.observers) }
            if deliveringPending, !caught.isEmpty { Self.deliverPending(caught) }
            for number in caught.sorted() where cp_signal_take(number) > 0 {
                for observer in observers[number] ?? [] { observer.call(Signal(rawValue: number)) }
            }
        }
    }

    /// Unblocks `signals` on this thread for a moment. A process-directed signal stays pending
    /// until a thread that does not block it runs again; unblocking it here makes the kernel
    /// deliver it to this thread before `rt_sigprocmask` returns, so its handler has counted it.
    private static func deliverPending(_ signals: Set<Int32>) {
        var letIn = sigset_t()
        sigemptyset(&letIn)
        for number in signals { sigaddset(&letIn, number) }
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &letIn, &previous)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// Forgets `signal`: no observers, not caught (the caller sets its disposition).
    func release(_ signal: Signal) {
        state.withLock { state in
            state.observers[signal.rawValue] = nil
            state.caught.remove(signal.rawValue)
        }
    }

    func remove(_ observation: SignalObservation) {
        state.withLock { $0.observers[observation.signal.rawValue]?.removeAll { $0.id == observation.id } }
    }

    private func watch(_ watcher: Watcher) {
        watcher.notify(when: .readable) { [self] ready in
            guard ready else { return }
            var bytes = [UInt8](repeating: 0, count: 256)
            while bytes.withUnsafeMutableBytes({ read(watcher.descriptor.rawValue, $0.baseAddress, $0.count) }) > 0 {}
            reportArrivals(deliveringPending: false)
            watch(watcher)
        }
    }
}
