import Glibc

/// Runs a task's jobs on the thread that waits for it. libFuzzer calls each input from its own
/// thread; handing the work to the concurrency pool and back costs two thread wake-ups, which on
/// a loaded machine is milliseconds per input, against microseconds for the work itself.
final class InlineExecutor: TaskExecutor, @unchecked Sendable {
    // Guarded by `mutex`: jobs can be enqueued from other threads (a continuation resumed there).
    private var jobs: [UnownedJob] = []
    private var finished = false
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        jobs.append(job)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// Runs `work` to its end on the calling thread.
    func run(_ work: @escaping @Sendable () async -> Void) {
        Task(executorPreference: self) {
            await work()
            self.finish()
        }
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private func finish() {
        pthread_mutex_lock(&mutex)
        finished = true
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// The next job, waiting for one; nil once the work has finished and no job is left.
    private func nextJob() -> UnownedJob? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while jobs.isEmpty {
            if finished {
                finished = false
                return nil
            }
            pthread_cond_wait(&condition, &mutex)
        }
        return jobs.removeFirst()
    }
}
