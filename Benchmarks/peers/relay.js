// Node's stream piping as a relay contender: `node relay.js BYTES` runs
// head -c BYTES /dev/zero | (this process: producer.stdout.pipe(consumer.stdin)) | wc -c.
// Prints "RESULT <bytes per second> <peak RSS KiB>".
'use strict';
const { peakRSS } = require('./peak_rss');
const { spawn } = require('child_process');

const bytes = Number(process.argv[2] || 2 ** 30);
const start = process.hrtime.bigint();
const producer = spawn('head', ['-c', String(bytes), '/dev/zero'], { stdio: ['ignore', 'pipe', 'inherit'] });
const consumer = spawn('wc', ['-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
producer.stdout.pipe(consumer.stdin);
let answer = '';
consumer.stdout.setEncoding('utf8');
consumer.stdout.on('data', (text) => { answer += text; });
consumer.on('close', (code) => {
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0 || Number(answer.trim()) !== bytes) { console.error(`error: wc -c said ${answer} (exit ${code})`); process.exit(1); }
  console.log(`RESULT ${bytes / elapsed} ${peakRSS()}`);
});
