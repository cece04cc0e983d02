import ChildProcess
import Glibc
import Synchronization

/// `trap`'s conditions: `EXIT` and signals, by their names without `SIG` (`INT`, `TERM`…).
enum TrapCondition {
    static let exit = "EXIT"

    /// The condition an operand names (`EXIT`, `0`, `INT`, `SIGINT`, `2`), or nil.
    static func named(_ operand: String) -> String? {
        if operand == "0" || operand.uppercased() == exit { return exit }
        guard let signal = Signal(name: operand), signal.rawValue > 0, signal != .kill, signal != .stop else { return nil }
        return String(signal.name.dropFirst(3))
    }

    static func signal(of condition: String) -> Signal? {
        condition == exit ? nil : Signal(name: condition)
    }
}

/// The process-wide side of traps: which signals the shell catches and which arrived.
///
/// A signal observer (on the reactor thread) only records the arrival; the executor runs the
/// trap's commands between commands, as sh does. A signal that would kill the shell while an
/// EXIT trap is set is caught too, so that the trap runs before the shell dies of it (bash's
/// behaviour; dash runs no EXIT trap then).
final class SignalTraps: Sendable {
    private struct State {
        var observations: [Int32: SignalObservation] = [:]
        var pending: [Signal] = []
        /// Untrapped signals caught only to run the EXIT trap before the shell dies.
        var fatalOnes: Set<Int32> = []
        /// Signals set to be ignored by `trap ''`.
        var ignored: Set<Int32> = []
        /// A signal that ends the shell once its EXIT trap has run.
        var fatal: Signal?
        /// Fatal signals caught (as for an EXIT trap) because the process holds something to undo
        /// before it dies: ssh masters and their directory. nil until a remote stage runs.
        var caughtForCleanup: Set<Int32>?
        /// Ends the run in progress (set by the interpreter while a run is going on).
        var interruptRun: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    private let hasPending = Atomic<Bool>(false)
    /// A program of this shell ended since the last look: a signal sent while it ran may still
    /// wait for its handler, and the next look lets it in (`ProcessSignals.reportArrivals`).
    private let programEnded = Atomic<Bool>(false)
    /// Some signal is caught for a trap (only then is there anything to look for).
    private let catchesAny = Atomic<Bool>(false)

    /// The signals that kill a shell by default and so deserve its EXIT trap first.
    static let fatalSignals: [Signal] = [.hangup, .interrupt, .terminate]

    /// Whether a trapped signal (or one that ends the shell) has arrived. A signal the kernel
    /// delivered while a program ran is taken now even if the reactor has not reported it yet.
    var anyPending: Bool {
        if catchesAny.load(ordering: .relaxed) {
            ProcessSignals.reportArrivals(deliveringPending: programEnded.exchange(false, ordering: .relaxed))
        }
        return hasPending.load(ordering: .acquiring)
    }

    /// A program the shell started has ended (see `anyPending`).
    func noteProgramEnded() { programEnded.store(true, ordering: .relaxed) }

    /// The arrived signals that `isHandled` accepts; the others stay for the context that
    /// trapped them (a subshell has none of its parent's traps).
    func takePending(where isHandled: (Signal) -> Bool) -> [Signal] {
        state.withLock { state in
            let taken = state.pending.filter(isHandled)
            state.pending.removeAll(where: isHandled)
            hasPending.store(state.fatal != nil || !state.pending.isEmpty, ordering: .releasing)
            return taken
        }
    }

    var fatalSignal: Signal? { state.withLock { $0.fatal } }

    /// The fatal signal, forgotten (so that the EXIT trap's own commands can run).
    func takeFatalSignal() -> Signal? {
        state.withLock { state in
            defer { state.fatal = nil }
            hasPending.store(!state.pending.isEmpty, ordering: .releasing)
            return state.fatal
        }
    }

    func setInterruptRun(_ interrupt: (@Sendable () -> Void)?) {
        state.withLock { $0.interruptRun = interrupt }
    }

    /// Gives each signal the disposition the trap table asks for; returns the signals that could
    /// not be caught (at a full descriptor table), which keep the disposition they had.
    func apply(_ traps: [String: String], interactive: Bool) -> [(signal: Signal, error: Errno)] {
        var failures: [(signal: Signal, error: Errno)] = []
        let exitTrapSet = !(traps[TrapCondition.exit] ?? "").isEmpty
        let caughtForCleanup = state.withLock { $0.caughtForCleanup ?? [] }
        for signal in Signal.allNamed where signal != .kill && signal != .stop {
            let condition = String(signal.name.dropFirst(3))
            let action = traps[condition]
            let wanted: Disposition
            if let action {
                wanted = action.isEmpty ? .ignore : .trapped
            } else if exitTrapSet || caughtForCleanup.contains(signal.rawValue), !interactive, SignalTraps.fatalSignals.contains(signal) {
                wanted = .fatal
            } else {
                wanted = .untouched
            }
            state.withLock { state in
                if wanted == .fatal { state.fatalOnes.insert(signal.rawValue) } else { state.fatalOnes.remove(signal.rawValue) }
            }
            do throws(Errno) {
                try set(wanted, for: signal)
            } catch {
                failures.append((signal, error))
            }
        }
        return failures
    }

    /// From now on a signal that would kill this process is caught, so that it undoes what
    /// `RemoteConnections` set up before it dies of the signal (`Interpreter.dieOfSignal`), as a
    /// shell catches and re-raises. A signal trapped, ignored (by `trap ''` or from the start) or
    /// handled some other way is left as it is; so is everything at an interactive shell, which
    /// lives through Ctrl-C and cleans up when it leaves.
    func catchFatalSignalsForCleanup(interactive: Bool) {
        guard !interactive, state.withLock({ state in
            defer { state.caughtForCleanup = state.caughtForCleanup ?? [] }
            return state.caughtForCleanup == nil
        }) else { return }
        for signal in SignalTraps.fatalSignals {
            var current = sigaction()
            let untouched = state.withLock { $0.observations[signal.rawValue] == nil && !$0.ignored.contains(signal.rawValue) }
            guard untouched, sigaction(signal.rawValue, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { continue }
            state.withLock { state in
                state.caughtForCleanup?.insert(signal.rawValue)
                state.fatalOnes.insert(signal.rawValue)
            }
            do throws(Errno) {
                try set(.fatal, for: signal)
            } catch {
                // The run goes on; only this signal, if it comes, kills the shell without the cleanup.
                state.withLock { state in
                    state.caughtForCleanup?.remove(signal.rawValue)
                    state.fatalOnes.remove(signal.rawValue)
                }
            }
        }
    }

    private enum Disposition { case untouched, ignore, trapped, fatal }

    private func set(_ disposition: Disposition, for signal: Signal) throws(Errno) {
        let observed = state.withLock { $0.observations[signal.rawValue] != nil }
        switch disposition {
        case .untouched:
            let ignored = state.withLock { $0.ignored.remove(signal.rawValue) != nil }
            if observed || ignored {
                state.withLock { $0.observations[signal.rawValue] = nil }
                ProcessSignals.setDisposition(.default, for: signal)
            }
        case .ignore:
            state.withLock { state in
                state.observations[signal.rawValue] = nil
                state.ignored.insert(signal.rawValue)
            }
            ProcessSignals.setDisposition(.ignore, for: signal)
        case .trapped, .fatal:
            guard !observed else { return }
            let observation = try ProcessSignals.observe(signal) { [self] signal in arrived(signal) }
            state.withLock { $0.observations[signal.rawValue] = observation }
        }
        catchesAny.store(state.withLock { !$0.observations.isEmpty }, ordering: .relaxed)
    }

    /// On the reactor thread. A trapped signal waits for the executor to take it between
    /// commands; a fatal one ends the run at once (its EXIT trap runs afterwards).
    private func arrived(_ signal: Signal) {
        let interrupt = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.fatalOnes.contains(signal.rawValue) else {
                state.pending.append(signal)
                hasPending.store(true, ordering: .releasing)
                return nil
            }
            state.fatal = state.fatal ?? signal
            hasPending.store(true, ordering: .releasing)
            return state.interruptRun
        }
        interrupt?()
    }

    /// Signals ignored by `trap '' …`: children start with them ignored too (POSIX).
    static func ignored(by traps: [String: String]) -> [Signal] {
        traps.compactMap { condition, action in action.isEmpty ? TrapCondition.signal(of: condition) : nil }
    }

    /// `kill -SIG $$`: a trapped or ignored signal, or one that ends the shell after its EXIT
    /// trap, is handled without the kernel's asynchronous delivery; false: send it for real.
    func takeOwn(_ signal: Signal, traps: [String: String]) -> Bool {
        if let action = traps[String(signal.name.dropFirst(3))], action.isEmpty { return true }
        let (trapped, fatal) = state.withLock { state in
            (state.observations[signal.rawValue] != nil && !state.fatalOnes.contains(signal.rawValue),
             state.fatalOnes.contains(signal.rawValue))
        }
        if trapped {
            // Trapped here or by the shell this subshell belongs to: its trap runs next.
            state.withLock { $0.pending.append(signal) }
            hasPending.store(true, ordering: .releasing)
            return true
        }
        guard fatal else { return false }
        endShell(by: signal)
        return true
    }

    /// The executor found no trap for `signal`: the shell must end (after its EXIT trap).
    func endShell(by signal: Signal) {
        let interrupt = state.withLock { state -> (@Sendable () -> Void)? in
            state.fatal = state.fatal ?? signal
            hasPending.store(true, ordering: .releasing)
            return state.interruptRun
        }
        interrupt?()
    }
}

extension Executor {
    /// Runs the traps of the signals that arrived since the last look (between commands).
    func runPendingTraps() async throws(ShellExit) {
        if let fatal = session.signalTraps.fatalSignal {
            throw ShellExit(status: 128 + fatal.rawValue, reason: .cancelled)
        }
        let traps = state.traps
        for signal in session.signalTraps.takePending(where: { traps[String($0.name.dropFirst(3))] != nil }) {
            if let action = traps[String(signal.name.dropFirst(3))], !action.isEmpty { try await runTrapAction(action) }
        }
    }

    /// A trap's commands, run like `eval`; `$?` is as it was before them.
    func runTrapAction(_ action: String) async throws(ShellExit) {
        let status = state.lastStatus
        let program: Program
        do {
            program = try Parser.parse(action, fileName: "trap", posix: state.options.posix)
        } catch {
            try? await ShellOutput(files[2]).write(error.rendered)
            return
        }
        _ = try await runNested(program, source: ScriptSource(fileName: context.source.fileName, text: action))
        state.lastStatus = status
    }

    /// The EXIT trap, once, with `$?` the status the shell is ending with; an `exit` in it
    /// changes that status.
    func runExitTrap(status: Int32) async -> Int32 {
        guard let action = state.traps[TrapCondition.exit], !action.isEmpty else { return status }
        state.traps[TrapCondition.exit] = nil
        state.lastStatus = status
        do {
            try await runTrapAction(action)
            return status
        } catch {
            return error.reason == .exit ? error.status : status
        }
    }
}
