import ChildProcess
import Glibc
import Synchronization

/// Blocking system calls kept off Swift's cooperative thread pool.
///
/// Builtins read and write descriptors that are shared with child processes
/// (pipes, the terminal), so they cannot be made non-blocking (descriptors
/// only the interpreter uses go through the reactor as `StdioPipe`s). Each
/// call first polls without waiting; only when the descriptor is not ready
/// does the wait move to a short-lived thread of its own, so a pipeline of
/// in-process stages can never starve the pool.
enum BlockingIO {
    /// Runs `work` on a new thread and resumes with its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<T, Never>) in
            startThread { continuation.resume(returning: work()) }
        }
    }

    /// Starts `work` on a new detached thread.
    static func startThread(_ work: @escaping @Sendable () -> Void) {
        final class Box { let work: @Sendable () -> Void; init(_ work: @escaping @Sendable () -> Void) { self.work = work } }
        let context = Unmanaged.passRetained(Box(work)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 256 * 1024)
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().work()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        if created != 0 {
            // No thread: run inline rather than never.
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().work()
        }
    }

    /// Whether `fd` is ready for `events` right now.
    static func isReady(_ fd: Int32, events: Int16) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    /// Waits until `fd` is ready for `events` without blocking the calling
    /// task's thread. Returns false if the task was cancelled first.
    static func waitUntilReady(_ fd: Int32, events: Int16) async -> Bool {
        if isReady(fd, events: events) { return true }
        let cancelled = CancelFlag()
        return await withTaskCancellationHandler {
            await onThread {
                var entry = pollfd(fd: fd, events: events, revents: 0)
                while !cancelled.isSet {
                    entry.revents = 0
                    let result = poll(&entry, 1, 100)
                    if result > 0 { return true }
                    if result < 0, errno != EINTR { return true }  // let the next syscall report it
                }
                return false
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

extension FileDescriptor {
    /// Reads until end of file, blocking (script files).
    func readToEnd() -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                result += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }
}
