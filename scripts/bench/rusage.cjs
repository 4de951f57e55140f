// Preloaded with `node --require scripts/bench/rusage.cjs …`: at exit, writes the
// process's resource usage (peak RSS in KB, CPU time in µs) as JSON to the file
// named by PNOTE_BENCH_RUSAGE. Works wherever Node does (no /usr/bin/time needed).
'use strict';
const fs = require('fs');
const out = process.env.PNOTE_BENCH_RUSAGE;
if (out) {
  process.on('exit', () => {
    const r = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ maxRSS: r.maxRSS, userCPUTime: r.userCPUTime, systemCPUTime: r.systemCPUTime }));
  });
}
