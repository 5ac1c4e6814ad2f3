/**
 * Re-records the compiler output that the parser's unit tests read, from the installed Go:
 * `npm run record-fixtures`. Run it after a Go upgrade; the tests then check the parser against what that
 * compiler prints.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const article = path.join(root, 'test', 'fixtures', 'article');
const out = path.join(root, 'test', 'fixtures', 'recorded');
/** The packages whose output the parser tests read, and how each is compiled. */
const RECORDINGS: { name: string; args: string[] }[] = [
  { name: 'pointers', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'closures', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'config', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'iface', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'generics', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'vector', args: ['build', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'withtests', args: ['test', '-c', '-vet=off', '-o', os.devNull, '-gcflags=-m=2', '.'] },
  { name: 'pointers-m1', args: ['build', '-o', os.devNull, '-gcflags=-m', '.'] },
];

fs.mkdirSync(out, { recursive: true });
const version = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
for (const { name, args } of RECORDINGS) {
  const directory = path.join(article, name.replace(/-m1$/, ''));
  // -a: the build cache would replay the output of an earlier run; replay is fine, but -a makes the
  // recording independent of what this machine compiled before.
  const result = spawnSync('go', [args[0], '-a', ...args.slice(1)], {
    cwd: directory,
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' },
  });
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed in ${directory}:\n${result.stderr}`);
  fs.writeFileSync(path.join(out, `${name}.txt`), result.stderr);
  console.log(`recorded ${name}.txt (${result.stderr.split('\n').length} lines)`);
}
fs.writeFileSync(path.join(out, 'GOVERSION'), `${version}\n`);
console.log(`recorded with ${version}`);
