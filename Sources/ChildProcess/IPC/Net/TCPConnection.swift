import Glibc

/// A connected stream socket (Node's `net.Socket`): a TCP connection accepted by a `TCPServer`,
/// opened with `connect`, or received from another process. Owns its descriptor, which is closed by
/// `close()` or when the connection is deinitialised.
public final class TCPConnection: Sendable {
    let socket: OwnedDescriptor

    init(adopting descriptor: FileDescriptor) throws(Errno) {
        socket = try OwnedDescriptor(adopting: descriptor)
    }

    /// Connects to `host` (a dotted IPv4 address) and `port`.
    public static func connect(host: String = "127.0.0.1", port: UInt16) async throws(Errno) -> TCPConnection {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = Glibc.socket(AF_INET, type, 0)
        guard fd >= 0 else { throw Errno.current }
        let connection = try TCPConnection(adopting: FileDescriptor(rawValue: fd))
        let address = SocketAddress(host: host, port: port)
        let started = try address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if started < 0 {
            guard errno == EINPROGRESS else {
                let error = Errno.current
                connection.close()
                throw error
            }
            // A non-blocking connect completes when the socket turns writable; SO_ERROR tells how.
            do {
                try await connection.socket.perform(waitingFor: .writable) { fd throws(Errno) in
                    var pending: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd.rawValue, SOL_SOCKET, SO_ERROR, &pending, &length)
                    if pending != 0 { throw Errno(rawValue: pending) }
                    if SocketAddress.of(fd, remote: true) == nil { throw Errno.wouldBlock }
                }
            } catch {
                connection.close()
                throw error
            }
        }
        return connection
    }

    /// The other end's address; nil once closed or for a non-IPv4 socket.
    public var remoteAddress: SocketAddress? {
        try? socket.withDescriptor { fd in SocketAddress.of(fd, remote: true) }
    }

    /// This end's address; nil once closed or for a non-IPv4 socket.
    public var localAddress: SocketAddress? {
        try? socket.withDescriptor { fd in SocketAddress.of(fd, remote: false) }
    }

    /// Reads the next chunk of at most `maxLength` bytes; nil at end of stream.
    public func read(upTo maxLength: Int = 65536) async throws(Errno) -> [UInt8]? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maxLength, alignment: 1)
        defer { buffer.deallocate() }
        let count = try await socket.perform(waitingFor: .readable) { fd throws(Errno) in try fd.read(into: buffer) }
        return count == 0 ? nil : Array(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }

    /// Everything until the other side ends the stream, decoded as UTF-8.
    public func text() async throws(Errno) -> String {
        var all: [UInt8] = []
        while let chunk = try await read() { all += chunk }
        return String(decoding: all, as: UTF8.self)
    }

    /// Writes every byte, waiting while the socket buffer is full.
    public func write(_ bytes: some Sequence<UInt8>) async throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            offset += try await socket.perform(waitingFor: .writable) { fd throws(Errno) in
                try retryingOnInterrupt {
                    array.withUnsafeBytes { all in
                        // MSG_NOSIGNAL: a reset connection is an EPIPE error, not a SIGPIPE.
                        Glibc.send(fd.rawValue, all.baseAddress! + offset, all.count - offset, Int32(MSG_NOSIGNAL))
                    }
                }
            }
        }
    }

    public func write(_ text: String) async throws(Errno) {
        try await write(text.utf8)
    }

    /// Shuts down the sending direction: the other side reads end of stream (Node's `end()`),
    /// while this side can still read.
    public func end() {
        _ = try? socket.withDescriptor { fd in Glibc.shutdown(fd.rawValue, Int32(SHUT_WR)) }
    }

    /// Closes this process's descriptor; a process the connection was passed to keeps its own.
    public func close() { socket.close() }
}
