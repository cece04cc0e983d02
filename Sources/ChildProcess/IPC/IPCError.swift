/// Errors of the Node-compatible IPC channel and of `fork`.
public enum IPCError: Error, Sendable, CustomStringConvertible {
    /// The channel is disconnected (Node's `ERR_IPC_CHANNEL_CLOSED`): by either side, or because
    /// the other process died. Also what a send still queued at that moment throws.
    case channelClosed
    /// A line received from the other side is not JSON. The channel stays open: the error is thrown
    /// once by the message sequence, and iterating again continues with the next message.
    case invalidMessage(JSONError)
    /// An `Encodable` message could not be turned into JSON.
    case unencodableMessage(String)
    /// The receiver answered NODE_HANDLE_NACK to every attempt to pass the handle.
    case handleRejected
    /// The handle given to `send` was closed before it could be sent.
    case handleClosed
    /// `serialization: .advanced` (V8's structured clone) is not spoken; only `.json` is.
    case unsupportedSerialization
    /// `fork`'s `stdio` must hold exactly one `.ipc` entry (Node's ERR_CHILD_PROCESS_IPC_REQUIRED /
    /// ERR_IPC_ONE_PIPE).
    case invalidStdio([StdioOption])
    /// The forked program could not be started.
    case spawnFailed(SpawnError)
    /// The channel's socket failed in an unexpected way; the channel is closed.
    case system(Errno)

    public var description: String {
        switch self {
        case .channelClosed: "channel closed (ERR_IPC_CHANNEL_CLOSED)"
        case .invalidMessage(let error): "invalid IPC message: \(error)"
        case .unencodableMessage(let reason): "message cannot be encoded as JSON: \(reason)"
        case .handleRejected: "the receiving process did not get the handle (NODE_HANDLE_NACK)"
        case .handleClosed: "the handle was closed before it could be sent"
        case .unsupportedSerialization: "advanced serialization is not supported; use .json"
        case .invalidStdio(let stdio): "stdio must contain exactly one .ipc entry: \(stdio)"
        case .spawnFailed(let error): error.description
        case .system(let errno): "IPC channel failed: \(errno.code) (\(errno))"
        }
    }
}
