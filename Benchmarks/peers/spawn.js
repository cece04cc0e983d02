// Node's child_process as a spawn contender.
//   node spawn.js sync N    spawnSync('/bin/true') N times in sequence
//   node spawn.js async N   spawn('/bin/true') and await 'exit', N times in sequence
// stdio is inherited, as in the C loop. Prints "RESULT <seconds per spawn> <peak RSS KiB>".
'use strict';
const { peakRSS } = require('./peak_rss');
const { spawn, spawnSync } = require('child_process');

const [mode, count] = [process.argv[2], Number(process.argv[3] || 1000)];
const warmups = Math.min(50, Math.max(1, Math.floor(count / 10)));
const now = () => Number(process.hrtime.bigint()) / 1e9;
const report = (value) => console.log(`RESULT ${value} ${peakRSS()}`);

function once() {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/true', [], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

async function main() {
  let start = 0;
  for (let i = -warmups; i < count; i++) {
    if (i === 0) start = now();
    if (mode === 'sync') {
      const result = spawnSync('/bin/true', [], { stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`spawnSync: ${result.error || result.status}`);
    } else {
      await once();
    }
  }
  report((now() - start) / count);
}
main().catch((error) => { console.error(`error: ${error.message}`); process.exit(1); });
