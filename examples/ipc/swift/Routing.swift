import ChildProcess

/// Node's "sending a socket object" example: the parent accepts and hands each connection to a
/// 'normal' or a 'special' worker. The seed picks special connections by remote address; every
/// client here is on 127.0.0.1, so this uses a rule as deterministic that a client can check: a
/// remote port divisible by 4 is special (not parity: Linux gives connect() even ports only).
/// Workers are Swift children, or with `node` the `socket-worker.js` script.
func route(nodeWorkers: Bool) async throws {
    func worker(_ priority: String) throws -> ChildProcess {
        guard nodeWorkers else { return try ChildProcess.fork("socket-worker", [priority]) }
        let script = "/" + #filePath.split(separator: "/").dropLast(2).joined(separator: "/") + "/socket-worker.js"
        return try ChildProcess.fork(script, [priority], options: ForkOptions(execPath: "node"))
    }
    let normal = try worker("normal")
    let special = try worker("special")
    let server = try TCPServer.listen(port: 0)
    let port = server.address!.port
    let router = Task {
        while let connection = try? await server.accept() {
            let isSpecial = (connection.remoteAddress?.port ?? 1) % 4 == 0
            try? await (isSpecial ? special : normal).send("socket", handle: .connection(connection))
        }
    }
    for _ in 0..<6 {
        let connection = try await TCPConnection.connect(port: port)
        let localPort = connection.localAddress!.port
        print("client port \(localPort) (\(localPort % 4 == 0 ? "special" : "normal")):", try await connection.text())
    }
    server.close()
    router.cancel()
    for child in [normal, special] {
        child.disconnect()
        try await child.waitForClose()
    }
}

func socketWorker(priority: String) async throws {
    guard let parent = ParentChannel.current else { return print("socket-worker must be forked") }
    for try await message in parent.messages {
        guard message.value == "socket", let connection = message.handle?.connection else { continue }
        try await connection.write("Request handled with \(priority) priority")
        connection.close()
    }
}
