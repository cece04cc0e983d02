import Glibc

/// An IPv4 address and port: the ends of a loopback TCP connection.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// Dotted quad, e.g. `127.0.0.1`.
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// The `sockaddr_in` for `host` (a dotted quad); EINVAL for anything else (no name lookup).
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws(Errno) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Errno(rawValue: EINVAL) }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// The local (`getsockname`) or remote (`getpeername`) address of an IPv4 socket; nil otherwise.
    static func of(_ descriptor: FileDescriptor, remote: Bool) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                remote ? getpeername(descriptor.rawValue, $0, &length) : getsockname(descriptor.rawValue, $0, &length)
            }
        }
        guard result == 0, storage.ss_family == sa_family_t(AF_INET) else { return nil }
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                var address = inet.pointee.sin_addr
                inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                let host = String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return SocketAddress(host: host, port: UInt16(bigEndian: inet.pointee.sin_port))
            }
        }
    }
}
