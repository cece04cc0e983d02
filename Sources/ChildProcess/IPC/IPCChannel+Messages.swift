extension IPCChannel {
    /// The messages of a channel, as an async sequence that ends when the channel disconnects.
    /// A line that is not JSON is thrown as `.invalidMessage` once; iterating again continues after it.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = IPCMessage
        public typealias Failure = IPCError

        /// nil for a child without a channel: the sequence is empty.
        let channel: IPCChannel?

        public struct AsyncIterator: AsyncIteratorProtocol {
            let channel: IPCChannel?

            public mutating func next() async throws(IPCError) -> IPCMessage? {
                try await channel?.nextMessage()?.get()
            }

            public mutating func next(isolation actor: isolated (any Actor)?) async throws(IPCError) -> IPCMessage? {
                try await channel?.nextMessage()?.get()
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
    }
}
