import Synchronization

/// A value that arrives once and that any number of tasks wait for: the one waiting primitive of
/// the library and the interpreter, instead of a hand-kept list of continuations in each type.
/// Waiting is not cancellable by itself; a waiter that must give up arranges for the value to
/// arrive (as `Job.waitForOutcome` ends its job).
package final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case waiting([UnsafeContinuation<Value, Never>])
        case done(Value)
    }

    private let state = Mutex<State>(.waiting([]))

    package init() {}

    /// The value, once it has arrived.
    package var value: Value? {
        state.withLock { state in
            if case .done(let value) = state { return value }
            return nil
        }
    }

    /// Delivers `value` to every waiter, now and later. Only the first call counts: it returns
    /// true, later ones false.
    @discardableResult
    package func complete(_ value: Value) -> Bool {
        let waiters = state.withLock { state -> [UnsafeContinuation<Value, Never>]? in
            guard case .waiting(let waiters) = state else { return nil }
            state = .done(value)
            return waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// The value: at once if it has arrived, else when it does.
    package func wait() async -> Value {
        if let value { return value }
        return await withUnsafeContinuation { continuation in
            let value = state.withLock { state -> Value? in
                switch state {
                case .done(let value): return value
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}
