// Node↔Node IPC, the reference of the IPC benchmarks:
//   node ipc_parent.js rtt N    N sequential round trips of {"seq":i,"text":"ping"}: reports round trips/s
//   node ipc_parent.js bulk N   N sequential echoes of {"seq":i,"data":<1 MiB string>}: reports payload
//                               bytes per second, counting both directions
// The child is ipc_child.js, forked with the default (json) serialization.
// Prints "RESULT <rate> <peak RSS KiB>".
'use strict';
const { peakRSS } = require('./peak_rss');
const { fork } = require('child_process');
const path = require('path');

const [mode, count] = [process.argv[2], Number(process.argv[3] || 1000)];
const payload = mode === 'bulk' ? 'x'.repeat(1 << 20) : 'ping';
const warmups = Math.min(50, Math.max(1, Math.floor(count / 10)));
const child = fork(path.join(__dirname, 'ipc_child.js'));

let seq = -warmups;
let start = 0;
const send = () => child.send(mode === 'bulk' ? { seq, data: payload } : { seq, text: payload });
child.on('message', (message) => {
  if (message.seq !== seq) { console.error(`error: expected seq ${seq}, got ${message.seq}`); process.exit(1); }
  if (mode === 'bulk' && message.data.length !== payload.length) { console.error('error: truncated echo'); process.exit(1); }
  seq += 1;
  if (seq === 0) start = process.hrtime.bigint();
  if (seq < count) return send();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = mode === 'bulk' ? (2 * payload.length * count) / elapsed : count / elapsed;
  console.log(`RESULT ${rate} ${peakRSS()}`);
  child.disconnect();
});
child.on('exit', (code) => { if (seq < count) { console.error(`error: child exited ${code}`); process.exit(1); } });
send();
