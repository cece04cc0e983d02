import CChildProcessShims
import Glibc
import Synchronization

/// One descriptor's registration with the reactor, with at most one waiter for readability and
/// one for writability (a duplex socket is read and written at once). The owner of the descriptor
/// owns its watcher and calls `invalidate()` before closing the descriptor.
final class Watcher: Sendable {
    enum Interest: Sendable {
        case readable, writable
        /// The other side has closed (EPOLLHUP / EPOLLRDHUP), whether or not data is still buffered:
        /// lets a stream's end be awaited without consuming it. Any number may wait for it.
        case hangup
    }

    let descriptor: FileDescriptor
    let token: UInt64
    private let reactor: Reactor

    /// Called with true when ready, false when invalidated or cancelled.
    typealias Handler = @Sendable (Bool) -> Void

    private struct State {
        var registered = false
        var invalidated = false
        var reader: Handler?
        var writer: Handler?
        var hangup: [Handler] = []
        var interests: UInt32 {
            (reader == nil ? 0 : EPOLLIN.rawValue) | (writer == nil ? 0 : EPOLLOUT.rawValue)
                | (hangup.isEmpty ? 0 : EPOLLRDHUP.rawValue)
        }
    }
    private let state = Mutex(State())

    init(_ descriptor: FileDescriptor, reactor: Reactor = .shared) {
        self.descriptor = descriptor
        self.reactor = reactor
        self.token = reactor.makeToken()
    }

    /// Suspends until the descriptor is ready (or hung up / in error, which the next syscall reports).
    /// Returns false when the watcher was invalidated or the task cancelled while waiting.
    func wait(until interest: Interest) async -> Bool {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
                notify(when: interest, cancellable: true) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            cancelWaiter(for: interest)
        }
    }

    /// Calls `handler` once, on the reactor thread, when the descriptor is ready.
    func notify(when interest: Interest, cancellable: Bool = false, _ handler: @escaping Handler) {
        let failure: Errno? = state.withLock { state in
            if state.invalidated || (cancellable && Task.isCancelled) { return Errno.interrupted }
            switch interest {
            case .readable:
                precondition(state.reader == nil, "two concurrent readers of one descriptor")
                state.reader = handler
            case .writable:
                precondition(state.writer == nil, "two concurrent writers of one descriptor")
                state.writer = handler
            case .hangup:
                state.hangup.append(handler)
            }
            do throws(Errno) {
                try reactor.arm(self, events: state.interests, add: !state.registered)
                state.registered = true
                return nil
            } catch {
                switch interest {
                case .readable: state.reader = nil
                case .writable: state.writer = nil
                case .hangup: state.hangup.removeLast()
                }
                return error
            }
        }
        // A descriptor epoll cannot watch (a regular file) is always ready.
        if let failure { handler(failure.rawValue == EPERM) }
    }

    /// Called on the reactor thread.
    func deliver(_ events: UInt32) {
        let errorBits = EPOLLERR.rawValue | EPOLLHUP.rawValue
        let (reader, writer, hangup) = state.withLock { state -> (Handler?, Handler?, [Handler]) in
            var reader: Handler?
            var writer: Handler?
            var hangup: [Handler] = []
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | errorBits) != 0 { swap(&reader, &state.reader) }
            if events & (EPOLLOUT.rawValue | errorBits) != 0 { swap(&writer, &state.writer) }
            if events & (EPOLLRDHUP.rawValue | errorBits) != 0 { swap(&hangup, &state.hangup) }
            let remaining = state.interests
            if remaining != 0, !state.invalidated { try? reactor.arm(self, events: remaining, add: false) }
            return (reader, writer, hangup)
        }
        reader?(true)
        writer?(true)
        for handler in hangup { handler(true) }
    }

    private func cancelWaiter(for interest: Interest) {
        let handler = state.withLock { state -> Handler? in
            var handler: Handler?
            switch interest {
            case .readable: swap(&handler, &state.reader)
            case .writable: swap(&handler, &state.writer)
            case .hangup: break  // waiting for an end is not cancelled through here
            }
            return handler
        }
        handler?(false)
    }

    /// Wakes any waiter with `false` and unregisters: call before closing the descriptor.
    func invalidate() {
        let (reader, writer, hangup, registered) = state.withLock { state in
            defer {
                state.reader = nil
                state.writer = nil
                state.hangup = []
                state.invalidated = true
                state.registered = false
            }
            return (state.reader, state.writer, state.hangup, state.registered)
        }
        if registered { reactor.remove(self) }
        reader?(false)
        writer?(false)
        for handler in hangup { handler(false) }
    }
}
