import Glibc

extension FileDescriptor {
    /// A connected AF_UNIX stream socket pair, both O_CLOEXEC: Node's duplex stdio and IPC channel.
    ///
    /// The corresponding C function is `socketpair`.
    public static func socketPair() throws(Errno) -> (FileDescriptor, FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) < 0 {
            throw Errno.current
        }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }
}
