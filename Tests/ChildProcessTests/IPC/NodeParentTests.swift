import ChildProcess
import Testing

/// A Node.js parent (`child_process.fork` with `execPath` set to the fixture) and a Swift child.
@Suite("IPC: Node parent, Swift child", .enabled(if: IPCTest.hasNode, "node is not on PATH"))
struct NodeParentTests {
    @Test("Node forks a Swift child that echoes 1,000 messages in order; events end disconnect, exit")
    func echo() async throws {
        let output = try await within {
            try await IPCTest.runNode("""
                const { fork } = require('node:child_process');
                const child = fork('ipc-echo', [], { execPath: process.argv[2], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
                const values = [];
                for (let i = 0; i < 1000; i++) values.push({ i, text: `héllo\\n${i} 日本 \\u2028 😀`, list: [i, null, true] });
                const received = [];
                const events = [];
                child.on('spawn', () => events.push('spawn'));
                child.on('message', (m) => {
                  received.push(m);
                  if (received.length === values.length) { events.push('all messages'); child.disconnect(); }
                });
                child.on('disconnect', () => events.push('disconnect'));
                // Not 'close': after its own disconnect() Node never emits it (nodejs/node#19433).
                child.on('exit', (code) => {
                  events.push(`exit ${code}`);
                  console.log(JSON.stringify({ same: JSON.stringify(received) === JSON.stringify(values), events }));
                });
                for (const value of values) child.send(value);
                """, [IPCTest.fixturePath])
        }
        let report = try JSONValue(parsing: output)
        #expect(report["same"] == true)
        #expect(report["events"] == ["spawn", "all messages", "disconnect", "exit 0"])
    }

    @Test("Node passes a server and a connection to a Swift child, which answers on them")
    func handlesFromNode() async throws {
        let output = try await within {
            try await IPCTest.runNode("""
                const { fork } = require('node:child_process');
                const net = require('node:net');
                const child = fork('ipc-serve-handle', [], { execPath: process.argv[2], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
                const results = {};
                const request = (port) => new Promise((resolve, reject) => {
                  let data = '';
                  net.connect(port, '127.0.0.1').on('data', (d) => data += d).on('end', () => resolve(data)).on('error', reject);
                });
                const server = net.createServer((socket) => socket.end('handled by node parent'));
                server.listen(0, '127.0.0.1', () => child.send('server', server));
                child.on('message', async (m) => {
                  if ('listening' in m) {
                    const { port } = server.address();
                    server.close();
                    results.server = await request(port);
                    // A connection accepted by a Node server and passed on carries the server's key:
                    // closing that server asks the child (NODE_SOCKET_NOTIFY_CLOSE) before 'close'.
                    const router = net.createServer({ pauseOnConnect: true }, (socket) => child.send('socket', socket));
                    router.listen(0, '127.0.0.1', async () => {
                      results.socket = await request(router.address().port);
                      router.close(() => { results.routerClosed = true; child.disconnect(); });
                    });
                  } else if ('handled' in m) {
                    results.handled = m.handled;
                  }
                });
                child.on('exit', (code) => { results.exit = code; console.log(JSON.stringify(results)); });
                """, [IPCTest.fixturePath])
        }
        let report = try JSONValue(parsing: output)
        #expect(report["server"] == "handled by swift child: server")
        #expect(report["socket"] == "handled by swift child: socket")
        #expect(report["handled"] == "socket")
        #expect(report["routerClosed"] == true)
        #expect(report["exit"] == 0)
    }
}
