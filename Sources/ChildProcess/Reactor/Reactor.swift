import CChildProcessShims
import Glibc
import Synchronization

/// The only code that waits on the kernel: one thread in `epoll_wait` over every pidfd and
/// non-blocking descriptor the library watches. Registrations are one-shot (EPOLLONESHOT), so an
/// event is delivered to exactly one waiter and nothing spins.
final class Reactor: Sendable {
    static let shared = Reactor()

    /// The epoll instance once started, -1 before: it and the thread are made on first use (see
    /// `startServiceThread`), so that running out of descriptors then is an error too.
    private let epoll = Atomic<Int32>(-1)
    private let starting = Mutex(())
    private let watchers = Mutex<[UInt64: Watcher]>([:])
    /// Set while `replaceProcess` sets this process up for execve: the descriptor steps then
    /// may put another file at the epoll descriptor's number (`exec 3>log prog`), and the wait
    /// failing meanwhile is no fault of the reactor's.
    let processIsBeingReplaced = Atomic<Bool>(false)
    private let nextToken = Atomic<UInt64>(1)

    private init() {
        // Writing to a pipe whose reader has gone must be an EPIPE error, not the death of this
        // process. Children get SIGPIPE back at its default (POSIX_SPAWN_SETSIGDEF).
        var current = sigaction()
        if sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil {
            signal(SIGPIPE, SIG_IGN)
        }
    }

    /// The epoll descriptor, starting the reactor first if it is not running yet. Starting a child
    /// calls this before anything else, so that a child is never left without its reaper.
    @discardableResult
    func start() throws(StartFailure) -> Int32 {
        let running = epoll.load(ordering: .acquiring)
        if running >= 0 { return running }
        return try starting.withLock { _ throws(StartFailure) -> Int32 in
            let running = epoll.load(ordering: .acquiring)
            if running >= 0 { return running }
            let created = epoll_create1(Int32(EPOLL_CLOEXEC))
            guard created >= 0 else { throw StartFailure(errno: .current, syscall: "epoll_create1") }
            do throws(StartFailure) {
                try startServiceThread { self.run() }
            } catch {
                close(created)
                throw error
            }
            epoll.store(created, ordering: .releasing)
            return created
        }
    }

    func makeToken() -> UInt64 { nextToken.add(1, ordering: .relaxed).newValue }

    /// Arms `watcher` for `events` (EPOLLIN / EPOLLOUT bits); `add` is true on first registration.
    /// Throws the start's error when the reactor cannot start (see `start()`).
    func arm(_ watcher: Watcher, events: UInt32, add: Bool) throws(Errno) {
        let epoll: Int32
        do {
            epoll = try start()
        } catch {
            throw error.errno
        }
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
        // Only a registered watcher is removed, so the reactor is running.
        _ = epoll_ctl(epoll.load(ordering: .acquiring), EPOLL_CTL_DEL, watcher.descriptor.rawValue, nil)
        watchers.withLock { _ = $0.removeValue(forKey: watcher.token) }
    }

    private func run() -> Never {
        // Signals belong to the program's other threads; this one must only ever wake for I/O.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        let capacity = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        // `start()` publishes the descriptor only once this thread exists: wait for it to finish.
        starting.withLock { _ in }
        let epoll = self.epoll.load(ordering: .acquiring)
        while true {
            let count = epoll_wait(epoll, events, Int32(capacity), -1)
            if count < 0 {
                let error = Errno.current
                if processIsBeingReplaced.load(ordering: .acquiring) {
                    // Until execve replaces everything, or the replacement fails (its caller is
                    // told that the descriptors may be rearranged, and should end the process).
                    while processIsBeingReplaced.load(ordering: .acquiring) { usleep(1000) }
                    continue
                }
                precondition(error == .interrupted, "epoll_wait failed: \(error)")
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
