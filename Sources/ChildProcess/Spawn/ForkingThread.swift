import Glibc
import Synchronization

/// The one thread that forks children with a parent-death signal. Linux sends PR_SET_PDEATHSIG
/// when the *thread* that forked the child exits, not when its process does; the concurrency
/// pool starts and retires its threads as the load changes, so a child forked from one of them
/// would be killed the moment the pool shrinks. This thread is started once and never exits,
/// so it dies only with the process: the signal then means what it says.
final class ForkingThread: @unchecked Sendable {
    static let shared = ForkingThread()

    /// One caller at a time hands its work over; whether the thread runs.
    private let turn = Mutex(false)
    /// Set by the caller holding `turn` before `start` is posted, run by the thread.
    private var work: (() -> Void)?
    private let start = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    private init() {
        sem_init(start, 0, 0)
        sem_init(finished, 0, 0)
    }

    /// Starts the thread unless it runs; a spawn that needs it calls this first, so that a process
    /// at its thread limit fails that spawn (EAGAIN pthread_create) and the next one tries again.
    func startIfNeeded() throws(StartFailure) {
        try turn.withLock { running throws(StartFailure) in
            guard !running else { return }
            try startServiceThread { self.serve() }
            running = true
        }
    }

    /// Runs `body` on the forking thread, started by `startIfNeeded`, and returns when it has run
    /// (the spawn it does blocks the caller as long as it would have on the caller's own thread).
    func run(_ body: () -> Void) {
        turn.withLock { running in
            precondition(running, "the forking thread is used before it is started")
            withoutActuallyEscaping(body) { body in
                work = body
                sem_post(start)
                while sem_wait(finished) != 0 {}
                work = nil
            }
        }
    }

    private func serve() -> Never {
        // Signal handlers belong to the program's other threads.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        while true {
            while sem_wait(start) != 0 {}
            work?()
            sem_post(finished)
        }
    }
}
