import ChildProcess
import Testing

/// Servers and connections passed between Swift processes.
@Suite("IPC: handles between Swift processes")
struct SwiftHandleTests {
    @Test("a listening server passed to a Swift child is served by it")
    func serverToSwift() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-serve-handle")
            let server = try TCPServer.listen()
            let port = try #require(server.address?.port)
            try await child.send("server", handle: .server(server))
            server.close()
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == ["listening": "server"])
            for _ in 0..<3 {
                let connection = try await TCPConnection.connect(port: port)
                #expect(try await connection.text() == "handled by swift child: server")
            }
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("a connection passed to a Swift child is answered by it; the parent's copy is closed")
    func connectionToSwift() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-serve-handle")
            let server = try TCPServer.listen()
            let client = try await TCPConnection.connect(port: try #require(server.address?.port))
            let accepted = try await server.accept()
            #expect(accepted.remoteAddress == client.localAddress)
            try await child.send("socket", handle: .connection(accepted))
            #expect(try await client.text() == "handled by swift child: socket")
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == ["handled": "socket"])
            // The child acknowledged the handle before it wrote this reply on the same channel,
            // so by now the parent has seen the acknowledgement and closed its copy.
            #expect(accepted.remoteAddress == nil)
            server.close()
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("an echo child reports what it received with each handle, and messages stay in order around them")
    func orderAroundHandles() async throws {
        try await within {
            let child = try IPCTest.fork("ipc-echo")
            let server = try TCPServer.listen()
            try await child.send(1)
            try await child.send("with server", handle: .server(server))
            try await child.send(2)
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == 1)
            #expect(try await replies.next()?.value == ["echo": "with server", "handle": "server"])
            #expect(try await replies.next()?.value == 2)
            server.close()
            do {
                try await child.send("closed handle", handle: .server(server))
                Issue.record("sending a closed server succeeded")
            } catch {
                guard case .handleClosed? = error as? IPCError else { throw error }
            }
            child.disconnect()
            try await child.waitForClose()
        }
    }

    @Test("no descriptor leaks: fork, messages, a handle, disconnect, exit — twenty times")
    func descriptorHygiene() async throws {
        let output = try await within {
            try await ChildProcess.execFile(IPCTest.fixturePath, ["ipc-hygiene", "20"]).stdout
        }
        let fields = output.split(separator: " ")
        #expect(fields.count == 5 && fields[0] == "fds" && fields[3] == "zombies", "\(output)")
        #expect(fields.count == 5 && fields[1] == fields[2], "fd count before and after: \(output)")
        #expect(fields.count == 5 && fields[4] == "0\n", "\(output)")
    }
}
