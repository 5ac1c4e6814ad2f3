// Preloaded by the benchmarks (node --require): prints the process's own peak resident memory at exit.
// /usr/bin/time would report the largest of the go command's children instead.
process.on('exit', () => {
  process.stderr.write(`go-escape-lens maxRSS: ${process.resourceUsage().maxRSS} kB\n`);
});
