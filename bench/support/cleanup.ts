/**
 * One process-wide stack of things to undo (child processes, databases, a PostgreSQL server).
 * Normal runs undo them in `finally` blocks; a SIGINT/SIGTERM or a crash must undo them too, so
 * every resource registers here the moment it exists and run.ts drains the stack on a signal.
 */
type Entry = { label: string; undo: () => Promise<void>; done?: Promise<void> };

const stack: Entry[] = [];

/** A cleanup that must not hang the exit: each step gets this long, then we move on. */
const STEP_TIMEOUT_MS = 20_000;

/**
 * Registers `undo` and returns a function that runs it once (later calls, or a concurrent
 * signal-driven drain, share the same promise) and forgets it.
 */
export function deferCleanup(label: string, undo: () => Promise<void>): () => Promise<void> {
  const entry: Entry = { label, undo };
  stack.push(entry);
  return () => runEntry(entry);
}

/** Undoes everything still registered, newest first; never throws. */
export async function cleanupAll(): Promise<void> {
  while (stack.length) await runEntry(stack[stack.length - 1]!).catch(() => {});
}

function runEntry(entry: Entry): Promise<void> {
  entry.done ??= (async () => {
    const index = stack.indexOf(entry);
    if (index >= 0) stack.splice(index, 1);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cleanup "${entry.label}" took over ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    });
    try {
      await Promise.race([entry.undo(), timeout]);
    } catch (error) {
      process.stderr.write(`bench: cleanup "${entry.label}" failed: ${(error as Error).message}\n`);
    } finally {
      clearTimeout(timer);
    }
  })();
  return entry.done;
}
