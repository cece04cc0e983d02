// The echo side of the IPC benchmarks: every message received on the Node IPC channel is sent
// back unchanged. Forked by ipc_parent.js (Node↔Node) and by `bench ipc-*` (Swift↔Node).
'use strict';
if (!process.send) { console.error('error: ipc_child.js needs an IPC channel (run it with fork)'); process.exit(1); }
process.on('message', (message) => process.send(message));
process.on('disconnect', () => process.exit(0));
