import ChildProcess

/// Node's "sending a server object" example: parent and child accept on one listening socket, and
/// the kernel gives each connection to one of them.
func sharedServer() async throws {
    let server = try TCPServer.listen(port: 0)
    let port = server.address!.port
    let child = try ChildProcess.fork("server-child")
    try await child.send("server", handle: .server(server))
    let parentAccepts = Task {
        while let connection = try? await server.accept() {
            try? await connection.write("handled by parent")
            connection.close()
        }
    }
    for _ in 0..<6 {
        let connection = try await TCPConnection.connect(port: port)
        print("127.0.0.1:\(port) says:", try await connection.text())
    }
    server.close()
    parentAccepts.cancel()
    child.disconnect()
    try await child.waitForClose()
}

/// The child's side, also forked by `shared-server-parent.js`.
func serverChild() async throws {
    guard let parent = ParentChannel.current else { return print("server-child must be forked") }
    for try await message in parent.messages {
        guard message.value == "server", let server = message.handle?.server else { continue }
        Task {
            while let connection = try? await server.accept() {
                try? await connection.write("handled by child")
                connection.close()
            }
        }
    }
}
