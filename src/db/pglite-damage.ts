import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * An embedded data directory Triage will not start on. After a crash (kill -9, power loss, a
 * full disk) PGlite may fail to open its files; and a directory that holds files but no
 * PG_VERSION is one PGlite would run initdb over, starting empty as if nothing had been there.
 * Either way Triage stops, names the directory and says how to recover, and changes nothing in
 * it: an incident bot that comes back silently empty has lost its cards, approvals and audit.
 */
export class UnusableDataDirError extends Error {
  constructor(
    readonly dataDir: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The embedded database in ${dataDir} cannot be opened: ${reason}. Triage will not start on it, ` +
        `nor start an empty database over it; nothing in it has been changed. Its files may have been damaged ` +
        `when Triage or the machine stopped abruptly (kill -9, power loss, a full disk). To recover, stop Triage, then ` +
        `either restore ${dataDir} from a backup, or move it aside (mv ${dataDir} ${dataDir}.damaged) to start ` +
        `with an empty database and keep the old files for inspection.`,
      options,
    );
    this.name = 'UnusableDataDirError';
  }
}

/** Before PGlite sees the directory: files without PG_VERSION would be initialised over. */
export function refuseInitOverFiles(dataDir: string): void {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || existsSync(join(dir, 'PG_VERSION'))) return;
  // A fresh volume mounted as the directory itself brings lost+found: that is still an empty one.
  const found = readdirSync(dir).filter((name) => name !== 'lost+found');
  if (found.length === 0) return;
  throw new UnusableDataDirError(dir, `it holds ${found.length} entries but no PG_VERSION, so PGlite would create a new, empty database over them`);
}

/** PGlite's own failure to open (its message is often only "Aborted()"), with the directory and the way out. */
export function cannotOpen(dataDir: string, error: unknown): UnusableDataDirError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UnusableDataDirError(resolve(dataDir), `PGlite failed to open it (${reason.split('\n')[0]})`, { cause: error });
}
