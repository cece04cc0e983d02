// A Node parent sharing a server with a Swift child:
//   node examples/ipc/shared-server-parent.js .build/debug/ipc-examples
const { fork } = require('node:child_process');
const net = require('node:net');

const child = fork('server-child', [], { execPath: process.argv[2] });
const server = net.createServer((socket) => socket.end('handled by parent'));
server.listen(0, '127.0.0.1', async () => {
  child.send('server', server);
  const { port } = server.address();
  for (let i = 0; i < 6; i++) {
    const answer = await new Promise((resolve) => {
      let data = '';
      net.connect(port, '127.0.0.1').on('data', (d) => (data += d)).on('end', () => resolve(data));
    });
    console.log(`127.0.0.1:${port} says: ${answer}`);
  }
  server.close();
  child.disconnect();
});
