import Glibc
import Synchronization

/// A non-blocking descriptor with one owner (a pipe end, a server, a connection): the owner's
/// operations wait through the reactor, and `close()` never lets the number be reused under an
/// operation still using it.
final class OwnedDescriptor: Sendable {
    private let descriptor: FileDescriptor
    private let watcher: Watcher
    /// Done when the other side has hung up or this side was closed; watched from the first wait.
    private let hangup = OneShot<Void>()

    private struct State {
        var closing = false
        var closed = false
        var operationsInFlight = 0
        var watchingHangup = false
        var closeHandlers: [@Sendable () -> Void] = []
    }
    private let state = Mutex(State())

    /// Takes ownership of `descriptor`, closing it if it cannot be made non-blocking.
    init(adopting descriptor: FileDescriptor) throws(Errno) {
        do {
            try descriptor.setNonBlocking()
        } catch {
            // The setNonBlocking error is the one to report; nothing was read or written yet.
            try? descriptor.close()
            throw error
        }
        self.descriptor = descriptor
        self.watcher = Watcher(descriptor)
    }

    deinit { closeNow() }

    var isClosed: Bool { state.withLock { $0.closing } }

    /// Runs `body` once with the descriptor; throws EBADF once closed.
    func withDescriptor<T>(_ body: (FileDescriptor) throws(Errno) -> T) throws(Errno) -> T {
        guard beginOperation() else { throw Errno(rawValue: EBADF) }
        defer { endOperation() }
        return try body(descriptor)
    }

    /// Runs `body` until it stops failing with EAGAIN, waiting for `interest` in between.
    /// Throws EBADF when closed meanwhile, EINTR when the task is cancelled.
    func perform<T>(waitingFor interest: Watcher.Interest, _ body: (FileDescriptor) throws(Errno) -> T)
        async throws(Errno) -> T
    {
        while true {
            do {
                return try withDescriptor(body)
            } catch where error == .wouldBlock {
                try await wait(until: interest)
            }
        }
    }

    /// Suspends until the descriptor is ready for `interest`. Throws EBADF when closed meanwhile,
    /// EINTR when the task is cancelled.
    func wait(until interest: Watcher.Interest) async throws(Errno) {
        guard await watcher.wait(until: interest) else {
            throw Task.isCancelled ? .interrupted : Errno(rawValue: EBADF)
        }
    }

    /// Suspends until the other side has hung up (or this side was closed), without reading.
    func waitForHangup() async {
        if isClosed { return }
        let first = state.withLock { state in
            defer { state.watchingHangup = true }
            return !state.watchingHangup
        }
        // Invalidating the watcher (on close) calls the handler too.
        if first { watcher.notify(when: .hangup) { [hangup] _ in hangup.complete(()) } }
        await hangup.wait()
    }

    /// Calls `handler` once the descriptor is closed (at once if it already is).
    func whenClosed(_ handler: @escaping @Sendable () -> Void) {
        let closed = state.withLock { state -> Bool in
            if !state.closed { state.closeHandlers.append(handler) }
            return state.closed
        }
        if closed { handler() }
    }

    /// Closes the descriptor now, or as soon as the operation using it returns; waiters wake.
    func close() {
        let closeNow = state.withLock { state -> Bool in
            if state.closing { return false }
            state.closing = true
            return state.operationsInFlight == 0
        }
        watcher.invalidate()
        if closeNow { self.closeNow() }
    }

    private func beginOperation() -> Bool {
        state.withLock { state in
            if state.closing { return false }
            state.operationsInFlight += 1
            return true
        }
    }

    private func endOperation() {
        let close = state.withLock { state -> Bool in
            state.operationsInFlight -= 1
            return state.closing && state.operationsInFlight == 0
        }
        if close { closeNow() }
    }

    private func closeNow() {
        let handlers = state.withLock { state -> [@Sendable () -> Void]? in
            if state.closed { return nil }
            state.closed = true
            defer { state.closeHandlers = [] }
            return state.closeHandlers
        }
        guard let handlers else { return }
        watcher.invalidate()
        // The reactor's descriptors are pipe, socket and terminal ends: their close loses no data
        // and fails only on EINTR, after Linux has released the number.
        try? descriptor.close()
        for handler in handlers { handler() }
    }
}
