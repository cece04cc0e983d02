/// One message received over an IPC channel: Node's `'message'` event arguments `(message, handle)`.
public struct IPCMessage: Sendable {
    /// The JSON value the other process sent.
    public let value: JSONValue
    /// The socket that came with it, if the other process passed one.
    public let handle: IPCHandle?

    public init(_ value: JSONValue, handle: IPCHandle? = nil) {
        self.value = value
        self.handle = handle
    }

    /// Decodes the value as `T`; throws `DecodingError` when it does not fit.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try value.decode(type)
    }
}
