/// A socket that travels with a message to another process (Node's `sendHandle`): the receiving
/// process gets its own descriptor for the same socket.
public enum IPCHandle: Sendable {
    /// A listening server (Node's `net.Server`): both processes can accept on it.
    case server(TCPServer)
    /// A connection (Node's `net.Socket`): the sender closes its copy once the receiver has it,
    /// unless sent with `keepOpen`.
    case connection(TCPConnection)

    public var server: TCPServer? { if case .server(let server) = self { server } else { nil } }
    public var connection: TCPConnection? { if case .connection(let connection) = self { connection } else { nil } }

    /// The `type` of Node's NODE_HANDLE message.
    var wireType: String {
        switch self {
        case .server: "net.Server"
        case .connection: "net.Socket"
        }
    }

    var socket: OwnedDescriptor {
        switch self {
        case .server(let server): server.socket
        case .connection(let connection): connection.socket
        }
    }

    /// Wraps a received descriptor as the `type` Node named; nil (descriptor closed) for kinds this
    /// library does not model, such as `dgram.Socket`.
    init?(receiving descriptor: FileDescriptor, wireType: String?) {
        switch wireType {
        case "net.Server":
            guard let server = try? TCPServer(adopting: descriptor) else { return nil }
            self = .server(server)
        case "net.Socket":
            guard let connection = try? TCPConnection(adopting: descriptor) else { return nil }
            self = .connection(connection)
        default:
            // A handle of a kind this side does not know: refused unused, nothing to report.
            try? descriptor.close()
            return nil
        }
    }
}
