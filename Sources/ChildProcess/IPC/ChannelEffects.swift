/// What the channel must do once its lock is released: complete the waits its state change let go,
/// arm the reactor, close what it no longer holds. Collected under the lock, performed outside it,
/// because resuming or closing may re-enter the channel.
struct ChannelEffects {
    /// One task waiting for the next message: it gets a message, or nil at the end.
    typealias Consumer = OneShot<Result<IPCMessage, IPCError>?>

    var completions: [(OutgoingMessage.Completion, Result<Void, IPCError>)] = []
    var consumers: [(Consumer, Result<IPCMessage, IPCError>?)] = []
    /// The channel has just closed: `waitForDisconnect` returns.
    var disconnected = false
    /// Sockets handed over to the other process (and acknowledged) without `keepOpen`.
    var connectionsToClose: [TCPConnection] = []
    /// Received descriptors no message claimed before the channel closed.
    var descriptorsToClose: [FileDescriptor] = []
    /// Received connections passed on by a Node server (with its key), to follow until they close.
    var receivedFromServers: [(TCPConnection, key: String)] = []
    /// Messages nobody will get; released outside the lock, where their handles may close.
    var discarded: [IPCMessage] = []
    var armWritable = false
    /// Set when the channel must close.
    var shutDown: ShutDown?

    enum ShutDown {
        /// The other side went away, or a requested disconnect has written everything queued.
        case orderly
        /// The socket failed; the message sequence throws this error before it ends.
        case failed(Errno)
    }
}
