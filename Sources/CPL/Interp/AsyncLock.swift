import Synchronization

/// A first-come first-served lock for async code: an interpreter runs one
/// program at a time in its persistent context.
final class AsyncLock: Sendable {
    private let state = Mutex<(locked: Bool, waiters: [UnsafeContinuation<Void, Never>])>((false, []))

    func lock() async {
        // Uncontended: no suspension (a script of builtins never leaves the calling thread).
        let acquired = state.withLock { state -> Bool in
            if state.locked { return false }
            state.locked = true
            return true
        }
        if acquired { return }
        await withUnsafeContinuation { continuation in
            let acquired = state.withLock { state -> Bool in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    func unlock() {
        let next = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()  // stays locked: handed over
        }
        next?.resume()
    }
}
