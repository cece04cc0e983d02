/// Node's `SocketListReceive`, the receiving half of a protocol Node runs for connections its
/// server accepted and passed on (NODE_HANDLE with a `key`): before its server emits 'close', the
/// Node sender asks how many are still open (NODE_SOCKET_GET_COUNT → NODE_SOCKET_COUNT) or to be
/// told when none is (NODE_SOCKET_NOTIFY_CLOSE → NODE_SOCKET_ALL_CLOSED). Unanswered, its
/// `server.close()` would wait until the channel disconnects.
struct ReceivedSocketLists {
    /// Received connections still open, by the sending server's key.
    private var openCount: [String: Int] = [:]
    /// Keys whose sender waits for NODE_SOCKET_ALL_CLOSED.
    private var awaitingAllClosed: Set<String> = []

    mutating func connectionReceived(key: String) {
        openCount[key, default: 0] += 1
    }

    /// The answer owed once a received connection closes, if any.
    mutating func connectionClosed(key: String) -> JSONValue? {
        openCount[key, default: 1] -= 1
        guard openCount[key] == 0, awaitingAllClosed.remove(key) != nil else { return nil }
        return Self.allClosed(key)
    }

    /// The answer to one of the sender's requests, or nil when it must wait (or is not one).
    mutating func answer(_ command: String, key: String) -> JSONValue? {
        let count = openCount[key, default: 0]
        switch command {
        case "NODE_SOCKET_GET_COUNT":
            return ["cmd": "NODE_SOCKET_COUNT", "key": .string(key), "count": .number(Double(count))]
        case "NODE_SOCKET_NOTIFY_CLOSE":
            if count == 0 { return Self.allClosed(key) }
            awaitingAllClosed.insert(key)
            return nil
        default:
            return nil
        }
    }

    private static func allClosed(_ key: String) -> JSONValue {
        ["cmd": "NODE_SOCKET_ALL_CLOSED", "key": .string(key)]
    }
}
