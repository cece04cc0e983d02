import ChildProcess
import Testing

/// A Swift parent forking Node.js workers.
@Suite("IPC: Swift parent, Node child", .enabled(if: IPCTest.hasNode, "node is not on PATH"))
struct NodeChildTests {
    static func forkUpperWorker() throws -> ChildProcess {
        try ChildProcess.fork(IPCTest.example("upper-worker.js"),
                              options: ForkOptions(execPath: "node", stdio: [.ignore, .ignore, .inherit, .ipc]))
    }

    @Test("the seed's upper-case worker answers 10,000 messages, multi-line and non-ASCII, none lost or reordered")
    func tenThousandMessages() async throws {
        try await within {
            let child = try Self.forkUpperWorker()
            let samples = ["plain ascii", "two\nlines\r\nthree", "héllo wörld ça", "日本語と😀 emoji", "tab\tand \"quotes\" \\"]
            let texts = (0..<10_000).map { "\($0) \(samples[$0 % samples.count])" }
            async let replies: [String] = {
                var replies: [String] = []
                for try await message in child.messages {
                    replies.append(message.value.stringValue ?? "not a string")
                    if replies.count == texts.count { break }
                }
                return replies
            }()
            for text in texts { try await child.send(.string(text)) }
            let received = try await replies
            #expect(received.count == texts.count)
            #expect(received == texts.map { $0.uppercased() })
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("JSON values Node cannot mangle survive a Node echo: lone surrogates, U+2028, numbers")
    func nodeEcho() async throws {
        try await within {
            let child = try IPCTest.forkNode("process.on('message', (m) => process.send(m));")
            var replies = child.messages.makeAsyncIterator()
            for value in SwiftChildTests.awkwardValues {
                try await child.send(value)
                #expect(try await replies.next()?.value == value)
            }
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("Node's internal messages never surface; the Node child's disconnect ends our messages")
    func internalAndDisconnect() async throws {
        try await within {
            // The child lives until its stdin ends.
            let child = try IPCTest.forkNode("""
                process.send({ cmd: 'NODE_SOMETHING_INTERNAL', key: 'k' });
                process.send('visible');
                process.disconnect();
                process.stdin.resume();
                """, stdin: .pipe)
            #expect(try await IPCTest.collect(child.messages) == ["visible"])
            #expect(!child.connected)
            #expect(child.exitStatus == nil, "the messages ended with the child's exit, not its disconnect")
            child.stdin!.end()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("a Node child killed while sending yields disconnect and exit")
    func killedNodeChild() async throws {
        try await within {
            let child = try IPCTest.forkNode("""
                const big = 'x'.repeat(1 << 16);
                const flood = () => { while (process.send(big)) {} setImmediate(flood); };
                flood();
                """)
            var received = 0
            for try await _ in child.messages {
                received += 1
                if received == 3 { child.kill(.kill) }
            }
            #expect(try await child.waitForClose() == .signaled(.kill))
        }
    }

    @Test("a listening server passed to a Node child is served by it")
    func serverToNode() async throws {
        try await within {
            let child = try IPCTest.forkNode("""
                process.on('message', (m, server) => {
                  server.on('connection', (socket) => socket.end('handled by node child: ' + m));
                  process.send('listening');
                });
                process.on('disconnect', () => process.exit(0));
                """)
            let server = try TCPServer.listen()
            let port = try #require(server.address?.port)
            try await child.send("server", handle: .server(server))
            // Only the child accepts from now on.
            server.close()
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == "listening")
            for _ in 0..<3 {
                let connection = try await TCPConnection.connect(port: port)
                #expect(try await connection.text() == "handled by node child: server")
                connection.close()
            }
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("a connection passed to a Node child is answered by it and closed in the parent")
    func connectionToNode() async throws {
        try await within {
            let child = try IPCTest.forkNode("""
                process.on('message', (m, socket) => socket.end('handled by node child: ' + m));
                """)
            let server = try TCPServer.listen()
            let client = try await TCPConnection.connect(port: try #require(server.address?.port))
            let accepted = try await server.accept()
            try await child.send("socket", handle: .connection(accepted))
            #expect(accepted.remoteAddress == nil, "the parent's copy is closed after the ACK")
            #expect(try await client.text() == "handled by node child: socket")
            client.close()
            server.close()
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("with keepOpen the parent can still use a connection it passed")
    func keepOpen() async throws {
        try await within {
            let child = try IPCTest.forkNode("""
                process.on('message', (m, socket) => { socket.write('node;'); process.send('written'); });
                process.on('disconnect', () => process.exit(0));
                """)
            let server = try TCPServer.listen()
            let client = try await TCPConnection.connect(port: try #require(server.address?.port))
            let accepted = try await server.accept()
            try await child.send("socket", handle: .connection(accepted), keepOpen: true)
            var replies = child.messages.makeAsyncIterator()
            #expect(try await replies.next()?.value == "written")
            try await accepted.write("swift")
            accepted.close()
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
            #expect(try await client.text() == "node;swift")
            server.close()
        }
    }
}
