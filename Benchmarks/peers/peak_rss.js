// Peak RSS in KiB: VmHWM of /proc/self/status, which is getrusage's ru_maxrss without the
// high-water mark execve carries over from a parent that spawned us with vfork (the driver's).
'use strict';
const fs = require('fs');

exports.peakRSS = function peakRSS() {
  try {
    const match = /^VmHWM:\s*(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch (_) { /* no /proc */ }
  return process.resourceUsage().maxRSS;
};
