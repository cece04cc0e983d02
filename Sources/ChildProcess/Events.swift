import Synchronization

extension ChildProcess {
    /// A Node-style event name with the type of what its listeners receive.
    public struct Event<Payload>: Sendable {
        let kind: EventKind
    }

    /// Node-style listeners, a thin facade over the async API: `child.on(.exit) { status in … }`.
    /// Listeners run on a task of their own, in Node's order: spawn, error (if any), exit, close.
    /// A listener added after its event was emitted is not called (as in Node).
    public func on<Payload>(_ event: Event<Payload>, _ listener: @escaping @Sendable (Payload) -> Void) {
        events.add(listener, for: event.kind, startingEmitterFor: self)
    }
}

extension ChildProcess.Event where Payload == Void {
    public static var spawn: Self { .init(kind: .spawn) }
}

extension ChildProcess.Event where Payload == ExitStatus {
    public static var exit: Self { .init(kind: .exit) }
    public static var close: Self { .init(kind: .close) }
}

extension ChildProcess.Event where Payload == any Error {
    public static var error: Self { .init(kind: .error) }
}

enum EventKind: Hashable, Sendable { case spawn, exit, close, error }

/// The listeners of one child, and the one task that emits its events in order.
final class EventListeners: Sendable {
    private struct State {
        var spawn: [@Sendable () -> Void] = []
        var exit: [@Sendable (ExitStatus) -> Void] = []
        var close: [@Sendable (ExitStatus) -> Void] = []
        var error: [@Sendable (any Error) -> Void] = []
        var emitted: Set<EventKind> = []
        var emitterStarted = false
    }
    private let state = Mutex(State())

    func add<Payload>(_ listener: @escaping @Sendable (Payload) -> Void, for kind: EventKind,
                      startingEmitterFor child: ChildProcess) {
        let start = state.withLock { state -> Bool in
            if state.emitted.contains(kind) { return false }
            // `Event<Payload>`'s constrained initialisers tie each kind to its payload type.
            switch kind {
            case .spawn: state.spawn.append { (listener as Any as! @Sendable (()) -> Void)(()) }
            case .exit: state.exit.append(listener as Any as! @Sendable (ExitStatus) -> Void)
            case .close: state.close.append(listener as Any as! @Sendable (ExitStatus) -> Void)
            case .error: state.error.append(listener as Any as! @Sendable (any Error) -> Void)
            }
            defer { state.emitterStarted = true }
            return !state.emitterStarted
        }
        if start {
            Task {
                for listener in state.withLock({ $0.emitted.insert(.spawn); return $0.spawn }) { listener() }
                // No status to give: the child was reaped elsewhere, and that is the error.
                guard let status = await child.exitStatusWhenAvailable() else {
                    return self.emitError(ChildProcessError.childAlreadyReaped)
                }
                for listener in state.withLock({ $0.emitted.insert(.exit); return $0.exit }) { listener(status) }
                _ = try? await child.waitForClose()
                for listener in state.withLock({ $0.emitted.insert(.close); return $0.close }) { listener(status) }
            }
        }
    }

    func emitError(_ error: any Error) {
        for listener in state.withLock({ $0.error }) { listener(error) }
    }
}
