extension ChildProcess {
    /// Sends a message to the child over its channel (Node's `subprocess.send`); see
    /// `IPCChannel.send(_:handle:keepOpen:)`. Throws `.channelClosed` for a child without a channel.
    public func send(_ message: JSONValue, handle: IPCHandle? = nil, keepOpen: Bool = false) async throws(IPCError) {
        guard let channel else { throw .channelClosed }
        try await channel.send(message, handle: handle, keepOpen: keepOpen)
    }

    /// Sends any `Encodable` value, encoded as JSON.
    public func send<Message: Encodable>(_ message: Message, handle: IPCHandle? = nil, keepOpen: Bool = false)
        async throws(IPCError)
    {
        guard let channel else { throw .channelClosed }
        try await channel.send(message, handle: handle, keepOpen: keepOpen)
    }

    /// The child's messages (Node's `'message'` events); empty for a child without a channel.
    public var messages: IPCChannel.Messages { IPCChannel.Messages(channel: channel) }

    /// Closes the channel to the child (Node's `subprocess.disconnect()`); the child's own message
    /// sequence ends, and `waitForClose()` still returns once the child has exited.
    public func disconnect() { channel?.disconnect() }

    /// True while the channel to the child is open (Node's `subprocess.connected`).
    public var connected: Bool { channel?.connected ?? false }
}
