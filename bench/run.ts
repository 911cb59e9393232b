import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBenchmark } from './support/benchmark.js';
import { cleanupAll } from './support/cleanup.js';

/**
 * `npm run bench` runs every benchmark in bench/*.ts; `npm run bench -- intake` runs one. Exits
 * non-zero only when a benchmark could not measure (errors, wrong counts), never for a missed
 * goal. Whatever happens, including Ctrl-C, the servers and databases it started are removed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => basename(f, '.ts'))
  .sort();

// One Ctrl-C can arrive twice (the terminal signals the process group, and tsx relays it to this
// process too), so only a signal more than 2 s after the first skips the cleanup.
let interruptedAt = 0;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (interruptedAt) {
      if (Date.now() - interruptedAt > 2_000) process.exit(code);
      return;
    }
    interruptedAt = Date.now();
    process.stderr.write(`bench: ${signal}, cleaning up (signal again to skip it)\n`);
    void cleanupAll().finally(() => process.exit(code));
  });
}

async function main(): Promise<number> {
  const wanted = process.argv[2];
  if (wanted && !available.includes(wanted)) {
    process.stderr.write(`bench: no benchmark "${wanted}"; available: ${available.join(', ')}\n`);
    return 2;
  }
  let failed = 0;
  for (const name of wanted ? [wanted] : available) {
    try {
      const loaded = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { default?: unknown };
      const benchmark = loaded.default;
      if (!isBenchmark(benchmark)) throw new Error(`bench/${name}.ts does not export a default Benchmark`);
      await benchmark.run();
    } catch (error) {
      failed++;
      process.stderr.write(`${name}: FAILED: ${(error as Error).stack ?? String(error)}\n`);
    } finally {
      await cleanupAll();
    }
  }
  return failed ? 1 : 0;
}

// Exit explicitly: idle keep-alive sockets from fetch would otherwise hold the process open.
main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
