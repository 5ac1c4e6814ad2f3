// Preloaded by the benchmarks (node --require): prints the process's own peak resident memory at exit,
// and the CPU time of the process and of the children it waited for (go commands and, through them, the
// compilers): on a machine shared with other work, CPU time compares runs better than wall time.
// /usr/bin/time would report the largest of the go command's children instead.
const fs = require('node:fs');

process.on('exit', () => {
  process.stderr.write(`go-escape-lens maxRSS: ${process.resourceUsage().maxRSS} kB\n`);
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of stat(5), in clock ticks (100 per second on Linux).
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    process.stderr.write(`go-escape-lens cpu: ${(utime + stime) / 100} s own, ${(cutime + cstime) / 100} s children\n`);
  } catch {
    // Not Linux: no CPU line.
  }
});
