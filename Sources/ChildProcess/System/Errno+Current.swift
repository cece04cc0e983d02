import Glibc

extension Errno {
    /// The value of `errno` right now: read it right after the system call that failed.
    static var current: Errno { Errno(rawValue: errno) }
}

/// Retries a system call interrupted by a signal; returns its result or throws its errno.
@discardableResult
func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) throws(Errno) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}
