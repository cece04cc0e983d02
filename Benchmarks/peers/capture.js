// Node's execFile as a capture contender: `node capture.js BYTES` collects
// `head -c BYTES /dev/zero` as a Buffer (maxBuffer = BYTES).
// Prints "RESULT <bytes per second> <peak RSS KiB>".
'use strict';
const { peakRSS } = require('./peak_rss');
const { execFile } = require('child_process');

const bytes = Number(process.argv[2] || 2 ** 30);
const start = process.hrtime.bigint();
execFile('head', ['-c', String(bytes), '/dev/zero'], { encoding: 'buffer', maxBuffer: bytes }, (error, stdout) => {
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (error) { console.error(`error: ${error.message}`); process.exit(1); }
  if (stdout.length !== bytes) { console.error(`error: captured ${stdout.length} bytes`); process.exit(1); }
  console.log(`RESULT ${bytes / elapsed} ${peakRSS()}`);
});
