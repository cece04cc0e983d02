import Glibc

/// Runs async work from `cpl`'s synchronous `main` and waits for it.
///
/// `main` is synchronous on purpose: an `async` main starts the main-queue
/// machinery (~5 ms). `Task.immediate` runs the work on this thread until
/// its first real suspension, so a script of builtins never starts another
/// thread, and `cpl -c true` costs about what `dash -c true` does.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        Task.immediate { @concurrent in
            box.set(await work())
        }
        return box.wait()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // Guarded by `mutex`.
    private var value: T?
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    func set(_ newValue: T) {
        pthread_mutex_lock(&mutex)
        value = newValue
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    func wait() -> T {
        pthread_mutex_lock(&mutex)
        while value == nil { pthread_cond_wait(&condition, &mutex) }
        let result = value!
        pthread_mutex_unlock(&mutex)
        return result
    }
}
