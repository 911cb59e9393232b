// Guards postgres.js's nextWrite against a connection that closed between a write being
// scheduled and the write running (a known driver bug, unfixed in 3.4.9; docs/architecture.md,
// "Pool limits"). Unguarded, a PostgreSQL restart under load throws a TypeError from a
// setImmediate callback that no try/catch can reach, and Triage exits
// (test/faults/postgres-restart.test.ts). Guarded, the write is settled as CONNECTION_CLOSED, an
// error the caller sees and the intake answers with 503 and Retry-After.
// Run by `npm ci` (postinstall) and by the Dockerfile after its `npm ci --ignore-scripts`.
// Idempotent; fails loudly if postgres.js changed so the guard no longer fits.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
const UNGUARDED = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
const GUARDED = [
  '  function nextWrite(fn) {',
  '    // Triage: scripts/patch-postgres.mjs',
  '    if (socket === null) {',
  '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)',
  '      chunk = nextWriteTimer = null',
  "      error(Errors.connection('CONNECTION_CLOSED', options, socket))",
  '      return false',
  '    }',
  '    const x = socket.write(chunk, fn)',
].join('\n');

if (!existsSync(root)) process.exit(0); // not installed (a tool-only install): nothing to patch
let patched = 0;
for (const variant of ['src', 'cjs/src', 'cf/src']) {
  const file = join(root, variant, 'connection.js');
  if (!existsSync(file)) continue;
  const source = readFileSync(file, 'utf8');
  if (source.includes('scripts/patch-postgres.mjs')) continue;
  if (!source.includes(UNGUARDED)) {
    console.error(`patch-postgres: ${file} does not have the nextWrite this guard was written for; see whether the driver fixed the closed-socket write and update or drop scripts/patch-postgres.mjs`);
    process.exit(1);
  }
  writeFileSync(file, source.replace(UNGUARDED, GUARDED));
  patched++;
}
if (patched) console.log(`patch-postgres: guarded nextWrite in ${patched} file(s)`);
