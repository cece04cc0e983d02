import Glibc

/// A POSIX error number with Node's symbolic name (`ENOENT`) and the C library's description.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The value of `errno` right now.
    static var current: Errno { Errno(rawValue: errno) }

    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notADirectory = Errno(rawValue: ENOTDIR)
    public static let isADirectory = Errno(rawValue: EISDIR)
    public static let badExecutableFormat = Errno(rawValue: ENOEXEC)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
    public static let noBufferSpace = Errno(rawValue: ENOBUFS)

    /// The symbolic name Node uses in `error.code`, e.g. `ENOENT`.
    public var code: String {
        switch rawValue {
        case ENOENT: "ENOENT"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case ENOEXEC: "ENOEXEC"
        case EINTR: "EINTR"
        case EAGAIN: "EAGAIN"
        case EPIPE: "EPIPE"
        case ESRCH: "ESRCH"
        case ECHILD: "ECHILD"
        case EBADF: "EBADF"
        case EINVAL: "EINVAL"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        case ENOMEM: "ENOMEM"
        case E2BIG: "E2BIG"
        case ETXTBSY: "ETXTBSY"
        case ELOOP: "ELOOP"
        case ENAMETOOLONG: "ENAMETOOLONG"
        case ETIMEDOUT: "ETIMEDOUT"
        case ENOBUFS: "ENOBUFS"
        case EEXIST: "EEXIST"
        case ECONNRESET: "ECONNRESET"
        case ECONNREFUSED: "ECONNREFUSED"
        case EADDRINUSE: "EADDRINUSE"
        case ENOTCONN: "ENOTCONN"
        case EROFS: "EROFS"
        case ENOSPC: "ENOSPC"
        default: "E\(rawValue)"
        }
    }

    public var description: String { String(cString: strerror(rawValue)) }
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
