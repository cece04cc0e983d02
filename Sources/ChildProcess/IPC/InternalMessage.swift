/// Node's internal messages: objects whose `cmd` is a string longer than 5 characters starting
/// with `NODE_`. Node emits them as `'internalMessage'`, never `'message'`; so does this library.
enum InternalMessage {
    /// The `cmd` of an internal message; nil for a user message.
    static func command(of value: JSONValue) -> String? {
        guard let command = value["cmd"]?.stringValue, command.count > 5, command.hasPrefix("NODE_") else {
            return nil
        }
        return command
    }

    /// The message that travels in the same `sendmsg` as a handle's descriptor, written exactly
    /// as Node writes it.
    static func handle(carrying message: JSONValue, type: String) -> JSONValue {
        ["cmd": "NODE_HANDLE", "type": .string(type), "msg": message]
    }

    /// The receiver's answer to NODE_HANDLE: it got the descriptor (ACK) or it did not (NACK).
    static let handleAcknowledged = (["cmd": "NODE_HANDLE_ACK"] as JSONValue).serializedLine()
    static let handleNotReceived = (["cmd": "NODE_HANDLE_NACK"] as JSONValue).serializedLine()
}
