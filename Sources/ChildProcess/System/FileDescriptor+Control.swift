import CChildProcessShims
import Glibc

extension FileDescriptor {
    /// A new O_CLOEXEC descriptor for the same open file, numbered at least `minimum`.
    /// (swift-system's `duplicate()` is a plain dup, inheritable by every child spawned meanwhile:
    /// this library calls this one, with the label.)
    ///
    /// The corresponding C function is `fcntl(F_DUPFD_CLOEXEC)`.
    public func duplicate(atLeast minimum: Int32) throws(Errno) -> FileDescriptor {
        let fd = fcntl(rawValue, F_DUPFD_CLOEXEC, minimum)
        if fd < 0 { throw Errno.current }
        return FileDescriptor(rawValue: fd)
    }

    /// Sets or clears O_NONBLOCK, leaving the other status flags as they are.
    ///
    /// The corresponding C functions are `fcntl(F_GETFL)` and `fcntl(F_SETFL)`.
    public func setNonBlocking(_ on: Bool = true) throws(Errno) {
        let flags = fcntl(rawValue, F_GETFL)
        if flags < 0 { throw Errno.current }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags, fcntl(rawValue, F_SETFL, wanted) < 0 { throw Errno.current }
    }

    /// Sets the capacity of the pipe this descriptor is an end of (the kernel rounds it up to a
    /// power of two pages); returns the capacity set. EPERM past /proc/sys/fs/pipe-max-size or
    /// the user's share of pipe memory; EBADF when this is not a pipe.
    ///
    /// The corresponding C function is `fcntl(F_SETPIPE_SZ)`.
    @discardableResult
    func setPipeCapacity(_ bytes: Int32) throws(Errno) -> Int {
        let capacity = cp_set_pipe_capacity(rawValue, bytes)
        if capacity < 0 { throw Errno.current }
        return Int(capacity)
    }
}
