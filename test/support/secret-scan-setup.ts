import { afterAll } from 'vitest';
import { drainLeaks, watchOutput } from './secret-scan.js';

/**
 * Runs before every test file (vitest.config.ts setupFiles): what this file's tests write to
 * stdout and stderr, and the output of every Triage process they start (test/support/process.ts),
 * is scanned for secrets when the file ends. A leak fails the file, naming the secret, never
 * showing it.
 */
type Captured = { text: string };
const KEY = Symbol.for('triage.secret-scan.captured');
const MAX_KEPT = 8 * 1024 * 1024;
const holder = globalThis as { [KEY]?: Captured };

// Once per worker process: the streams outlive each file's module graph.
if (!holder[KEY]) {
  const captured: Captured = { text: '' };
  holder[KEY] = captured;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (captured.text.length < MAX_KEPT) captured.text += typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
const captured = holder[KEY];
captured.text = '';
watchOutput("this file's own output", {}, () => captured.text);

afterAll(() => {
  const leaks = drainLeaks();
  captured.text = '';
  if (leaks.length) throw new Error(`secrets reached the output (test/support/secret-scan.ts):\n  ${leaks.join('\n  ')}`);
});
