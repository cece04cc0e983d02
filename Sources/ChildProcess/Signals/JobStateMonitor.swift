import CChildProcessShims
import Glibc
import Synchronization

extension ChildProcess {
    /// A job-control change of a running child.
    public enum JobStateChange: Sendable, Equatable {
        /// Stopped by SIGTSTP (Ctrl-Z), SIGSTOP, SIGTTIN or SIGTTOU.
        case stopped(Signal)
        /// Resumed by SIGCONT.
        case continued
    }

    /// Job control: calls `observer` on the reactor thread each time the child stops or
    /// continues, until it exits. The kernel reports stops only through SIGCHLD, which this
    /// process then catches (a pidfd tells of the exit alone). The first observation starts
    /// catching SIGCHLD, which throws at a full descriptor table (see `ProcessSignals.observe`).
    public func observeJobState(_ observer: @escaping @Sendable (JobStateChange) -> Void) throws(Errno) {
        try JobStateMonitor.shared.add(observer, for: self)
    }

    /// The signal that stopped the child, while it is stopped (needs `observeJobState`).
    public var stopSignal: Signal? { JobStateMonitor.shared.stopSignal(of: self) }
}

/// Polls the observed children for stops and continues whenever SIGCHLD arrives.
final class JobStateMonitor: Sendable {
    static let shared = JobStateMonitor()
    /// Set once `shared` exists, so that exits of unobserved children do not create it.
    private static let inUse = Atomic(false)

    private struct Entry {
        let child: ChildProcess
        var observers: [@Sendable (ChildProcess.JobStateChange) -> Void]
        var stopped: Signal?
    }
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    /// SIGCHLD's observation, made by the first `add`.
    private let childSignals = Mutex<SignalObservation?>(nil)

    private init() {
        JobStateMonitor.inUse.store(true, ordering: .releasing)
    }

    /// The child exited: drop it (and its descriptor) now rather than at the next SIGCHLD.
    static func forget(_ child: ChildProcess) {
        guard inUse.load(ordering: .acquiring) else { return }
        shared.entries.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(child)) }
    }

    func add(_ observer: @escaping @Sendable (ChildProcess.JobStateChange) -> Void, for child: ChildProcess) throws(Errno) {
        try childSignals.withLock { observation throws(Errno) in
            if observation == nil { observation = try ProcessSignals.observe(.child) { [self] _ in pollAll() } }
        }
        entries.withLock { entries in
            entries[ObjectIdentifier(child), default: Entry(child: child, observers: [], stopped: nil)]
                .observers.append(observer)
        }
        // It may have stopped before anyone listened.
        poll(child)
    }

    func stopSignal(of child: ChildProcess) -> Signal? {
        entries.withLock { $0[ObjectIdentifier(child)]?.stopped }
    }

    private func pollAll() {
        for child in entries.withLock({ $0.values.map(\.child) }) { poll(child) }
    }

    private func poll(_ child: ChildProcess) {
        while true {
            var signal: Int32 = 0
            let change: ChildProcess.JobStateChange
            switch cp_wait_job_state(child.pidfd.rawValue, &signal) {
            case 1: change = .stopped(Signal(rawValue: signal))
            case 2: change = .continued
            case 0: return
            default:
                // Exited and reaped: nothing more to report.
                entries.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(child)) }
                return
            }
            let observers = entries.withLock { entries -> [@Sendable (ChildProcess.JobStateChange) -> Void] in
                guard var entry = entries[ObjectIdentifier(child)] else { return [] }
                if case .stopped(let signal) = change { entry.stopped = signal } else { entry.stopped = nil }
                entries[ObjectIdentifier(child)] = entry
                return entry.observers
            }
            for observer in observers { observer(change) }
        }
    }
}
