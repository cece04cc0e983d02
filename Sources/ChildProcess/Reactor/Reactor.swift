import CChildProcessShims
import Glibc
import Synchronization

/// The only code that waits on the kernel: one thread in `epoll_wait` over every pidfd and
/// non-blocking descriptor the library watches. Registrations are one-shot (EPOLLONESHOT), so an
/// event is delivered to exactly one waiter and nothing spins.
final class Reactor: Sendable {
    static let shared = Reactor()

    private let epoll: Int32
    private let watchers = Mutex<[UInt64: Watcher]>([:])
    private let nextToken = Atomic<UInt64>(1)

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(Errno.current)")
        // Writing to a pipe whose reader has gone must be an EPIPE error, not the death of this
        // process. Children get SIGPIPE back at its default (POSIX_SPAWN_SETSIGDEF).
        var current = sigaction()
        if sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil {
            signal(SIGPIPE, SIG_IGN)
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            Unmanaged<Reactor>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(created == 0, "cannot start the reactor thread: \(Errno(rawValue: created))")
        pthread_detach(thread)
    }

    func makeToken() -> UInt64 { nextToken.add(1, ordering: .relaxed).newValue }

    /// Arms `watcher` for `events` (EPOLLIN / EPOLLOUT bits); `add` is true on first registration.
    func arm(_ watcher: Watcher, events: UInt32, add: Bool) throws(Errno) {
        if add { watchers.withLock { $0[watcher.token] = watcher } }
        var event = epoll_event()
        event.events = events | EPOLLONESHOT.rawValue
        event.data.u64 = watcher.token
        if epoll_ctl(epoll, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, watcher.descriptor.rawValue, &event) < 0 {
            let error = Errno.current
            if add { watchers.withLock { _ = $0.removeValue(forKey: watcher.token) } }
            throw error
        }
    }

    func remove(_ watcher: Watcher) {
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, watcher.descriptor.rawValue, nil)
        watchers.withLock { _ = $0.removeValue(forKey: watcher.token) }
    }

    private func run() {
        // Signals belong to the program's other threads; this one must only ever wake for I/O.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        let capacity = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        while true {
            let count = epoll_wait(epoll, events, Int32(capacity), -1)
            if count < 0 {
                precondition(errno == EINTR, "epoll_wait failed: \(Errno.current)")
                continue
            }
            for index in 0..<Int(count) {
                let event = events[index]
                let watcher = watchers.withLock { $0[event.data.u64] }
                watcher?.deliver(event.events)
            }
        }
    }
}
