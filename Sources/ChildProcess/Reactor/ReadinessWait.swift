import Glibc

extension FileDescriptor {
    /// Waits through the reactor until this descriptor is ready for `interest` (`.readable` or
    /// `.writable`), without blocking a thread: for descriptors shared with other processes (pipes,
    /// the terminal), which cannot be made non-blocking and so cannot be streams of the reactor's
    /// own. Returns false when the calling task was cancelled first: cancellation wakes it at once.
    package func waitUntilReady(forReading reading: Bool) async -> Bool {
        var entry = pollfd(fd: rawValue, events: Int16(reading ? POLLIN : POLLOUT), revents: 0)
        if poll(&entry, 1, 0) != 0 { return true }
        // A registration of its own, on a copy: epoll keys registrations by descriptor number,
        // and another task may be waiting for this same descriptor now.
        // No descriptor left for the copy or for the reactor itself: poll on this thread in short
        // slices, between which a cancellation is seen (the caller's system call, left to block,
        // could never be cancelled: a pipeline aborted then would wait forever for its `read`).
        guard (try? Reactor.shared.start()) != nil, let copy = try? duplicate(atLeast: 0) else {
            while !Task.isCancelled {
                if poll(&entry, 1, 10) != 0 { return true }
                await Task.yield()
            }
            return false
        }
        let watcher = Watcher(copy)
        defer {
            watcher.invalidate()
            // A private duplicate, only polled: nothing to lose in its close.
            try? copy.close()
        }
        return await watcher.wait(until: reading ? .readable : .writable)
    }
}
