extension Errno {
    /// The symbolic name Node uses in `error.code`, e.g. `ENOENT`.
    public var code: String {
        switch self {
        case .noSuchFileOrDirectory: "ENOENT"
        case .permissionDenied: "EACCES"
        case .notPermitted: "EPERM"
        case .notDirectory: "ENOTDIR"
        case .isDirectory: "EISDIR"
        case .execFormatError: "ENOEXEC"
        case .interrupted: "EINTR"
        case .resourceTemporarilyUnavailable: "EAGAIN"
        case .brokenPipe: "EPIPE"
        case .noSuchProcess: "ESRCH"
        case .noChildProcess: "ECHILD"
        case .badFileDescriptor: "EBADF"
        case .invalidArgument: "EINVAL"
        case .tooManyOpenFiles: "EMFILE"
        case .tooManyOpenFilesInSystem: "ENFILE"
        case .noMemory: "ENOMEM"
        case .argListTooLong: "E2BIG"
        case .textFileBusy: "ETXTBSY"
        case .tooManySymbolicLinkLevels: "ELOOP"
        case .fileNameTooLong: "ENAMETOOLONG"
        case .timedOut: "ETIMEDOUT"
        case .noBufferSpace: "ENOBUFS"
        case .fileExists: "EEXIST"
        case .connectionReset: "ECONNRESET"
        case .connectionRefused: "ECONNREFUSED"
        case .addressInUse: "EADDRINUSE"
        case .socketNotConnected: "ENOTCONN"
        case .readOnlyFileSystem: "EROFS"
        case .noSpace: "ENOSPC"
        default: "E\(rawValue)"
        }
    }
}
