import Synchronization

/// Cancels the children it was given to: Node's `AbortController` for `spawn`, `exec` and `fork`.
///
/// A handle holds an action only for a child that is still running: one handle can serve any
/// number of children over a long life without growing.
public final class CancellationHandle: Sendable {
    private struct State {
        var cancelled = false
        var nextToken: UInt64 = 0
        var actions: [UInt64: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// How many actions wait for `cancel()`: one per running child given this handle.
    var registeredActionCount: Int { state.withLock { $0.actions.count } }

    /// Runs every registered action once, in the order they were registered; later registrations
    /// run at once.
    public func cancel() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            if state.cancelled { return [] }
            state.cancelled = true
            defer { state.actions = [:] }
            return state.actions.sorted { $0.key < $1.key }.map(\.value)
        }
        for action in actions { action() }
    }

    /// Registers `action` for `cancel()` and returns the token that withdraws it; nil when the
    /// handle was already cancelled, and `action` has run.
    func onCancel(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let token = state.withLock { state -> UInt64? in
            if state.cancelled { return nil }
            state.nextToken += 1
            state.actions[state.nextToken] = action
            return state.nextToken
        }
        if token == nil { action() }
        return token
    }

    /// Withdraws an action that is no longer needed (its child has exited).
    func removeAction(_ token: UInt64) {
        state.withLock { _ = $0.actions.removeValue(forKey: token) }
    }
}
