import CChildProcessShims
import Glibc

/// A listening TCP socket (Node's `net.Server`): accepts connections, and can be passed to another
/// process with `IPCChannel.send(_:handle:)` so that both accept on it. Owns its descriptor, which is
/// closed by `close()` or when the server is deinitialised.
public final class TCPServer: Sendable {
    let socket: OwnedDescriptor

    init(adopting descriptor: FileDescriptor) throws(Errno) {
        socket = try OwnedDescriptor(adopting: descriptor)
    }

    /// Listens on `host` (a dotted IPv4 address) and `port`; port 0 picks a free one (see `address`).
    public static func listen(host: String = "127.0.0.1", port: UInt16 = 0, backlog: Int32 = 511) throws(Errno) -> TCPServer {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Errno.current }
        let descriptor = FileDescriptor(rawValue: fd)
        do throws(Errno) {
            var on: Int32 = 1
            // A restarted server must not wait for the old one's TIME_WAIT connections.
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let bound = try SocketAddress(host: host, port: port).withSockaddr { Glibc.bind(fd, $0, $1) }
            if bound < 0 { throw Errno.current }
            if Glibc.listen(fd, backlog) < 0 { throw Errno.current }
        } catch {
            // The bind or listen error is the one to report; the socket never carried data.
            try? descriptor.close()
            throw error
        }
        return try TCPServer(adopting: descriptor)
    }

    /// The address the server listens on (its port, when it was asked for port 0).
    public var address: SocketAddress? {
        try? socket.withDescriptor { fd in SocketAddress.of(fd, remote: false) }
    }

    /// Waits for the next connection. Throws EBADF once the server is closed, EINTR when cancelled.
    public func accept() async throws(Errno) -> TCPConnection {
        let accepted = try await socket.perform(waitingFor: .readable) { fd throws(Errno) in
            let accepted = cp_accept_nonblocking(fd.rawValue)
            if accepted < 0 { throw Errno.current }
            return FileDescriptor(rawValue: accepted)
        }
        return try TCPConnection(adopting: accepted)
    }

    /// Stops listening in this process; a process the server was passed to keeps its own copy.
    public func close() { socket.close() }
}
