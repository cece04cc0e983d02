// IPC round trips per second with a Node parent: `node roundtrip.js [N [EXECPATH ROLE]]` forks this
// script as the echoing child, or EXECPATH ROLE (e.g. ChildProcessFixture ipc-echo, a Swift child).
// Forked (process.send exists), it is the echoing child, also used by `ChildProcessFixture ipc-bench node`.
if (process.send) {
  process.on('message', (m) => process.send(m));
} else {
  const count = Number(process.argv[2] || 10000);
  const [, , , execPath, role] = process.argv;
  const { fork } = require('node:child_process');
  const child = execPath ? fork(role, [], { execPath }) : fork(__filename);
  let index = 0;
  const start = process.hrtime.bigint();
  child.on('message', (m) => {
    if (m.n !== index) throw new Error(`out of order: ${m.n} != ${index}`);
    if (++index < count) return child.send({ n: index });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`node parent -> ${execPath ? 'swift' : 'node'} child: ${count} round trips in ${seconds.toFixed(3)} s, ${Math.round(count / seconds)}/s`);
    child.disconnect();
  });
  child.send({ n: 0 });
}
