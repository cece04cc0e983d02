import Glibc

/// Why one of the library's own threads (the reactor, the forking thread, the signal pipe they
/// serve) could not start: the call that failed and its error (EMFILE or ENFILE with the
/// descriptor table full, EAGAIN from `pthread_create` at the process limit). Nothing is left half
/// started: the next use tries again.
struct StartFailure: Error {
    let errno: Errno
    let syscall: String
}

/// Starts a detached thread running `body`, which never returns. The threads are made on first
/// use, not in a `shared` initializer, so that running out of threads then is an error the caller
/// reports rather than the end of the process.
func startServiceThread(_ body: @escaping @Sendable () -> Never) throws(StartFailure) {
    final class Body {
        let run: @Sendable () -> Never
        init(_ run: @escaping @Sendable () -> Never) { self.run = run }
    }
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { context in
        Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
    }, context)
    guard started == 0 else {
        Unmanaged<Body>.fromOpaque(context).release()
        throw StartFailure(errno: Errno(rawValue: started), syscall: "pthread_create")
    }
    pthread_detach(thread)
}
