import CChildProcessShims
import Glibc

/// A raw file descriptor. A value type with no ownership: whoever opens one closes it
/// (or hands it, by type, to exactly one new owner such as `StdioPipe`).
public struct FileDescriptor: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let standardInput = FileDescriptor(rawValue: 0)
    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)

    /// Opens `path` (a lossless string) with O_CLOEXEC always added.
    public static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o666) throws(Errno) -> FileDescriptor {
        let fd = try path.withLosslessCString { cPath throws(Errno) in
            try retryingOnInterrupt { Glibc.open(cPath, flags | O_CLOEXEC, permissions) }
        }
        return FileDescriptor(rawValue: fd)
    }

    /// A pipe whose both ends are O_CLOEXEC.
    public static func pipe() throws(Errno) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if cp_pipe_cloexec(&fds) < 0 { throw Errno.current }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// A connected AF_UNIX stream socket pair, both O_CLOEXEC: Node's duplex stdio and IPC channel.
    public static func socketPair() throws(Errno) -> (FileDescriptor, FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) < 0 {
            throw Errno.current
        }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    public func close() {
        // Linux always releases the descriptor, even when close reports EINTR: never retry.
        _ = Glibc.close(rawValue)
    }

    /// A new O_CLOEXEC descriptor for the same open file, numbered at least `minimum`.
    public func duplicate(atLeast minimum: Int32 = 0) throws(Errno) -> FileDescriptor {
        let fd = fcntl(rawValue, F_DUPFD_CLOEXEC, minimum)
        if fd < 0 { throw Errno.current }
        return FileDescriptor(rawValue: fd)
    }

    public func setNonBlocking(_ on: Bool = true) throws(Errno) {
        let flags = fcntl(rawValue, F_GETFL)
        if flags < 0 { throw Errno.current }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags, fcntl(rawValue, F_SETFL, wanted) < 0 { throw Errno.current }
    }

    /// Reads at most `buffer.count` bytes; 0 means end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes some prefix of `buffer` and returns its length.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `bytes`, blocking as needed (for blocking descriptors).
    public func writeAll(_ bytes: some Sequence<UInt8>) throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            offset += try array.withUnsafeBytes { all in
                Result { () throws(Errno) in try write(UnsafeRawBufferPointer(rebasing: all[offset...])) }
            }.get()
        }
    }
}
