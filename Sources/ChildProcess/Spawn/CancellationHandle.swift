import Synchronization

/// Cancels the children it was given to: Node's `AbortController` for `spawn`, `exec` and `fork`.
public final class CancellationHandle: Sendable {
    private let state = Mutex<(cancelled: Bool, actions: [@Sendable () -> Void])>((false, []))

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Runs every registered action once; later registrations run at once.
    public func cancel() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            if state.cancelled { return [] }
            state.cancelled = true
            defer { state.actions = [] }
            return state.actions
        }
        for action in actions { action() }
    }

    func onCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.actions.append(action)
            return false
        }
        if runNow { action() }
    }
}
