import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The release before this one: the code a rolling upgrade runs beside the new code, on the new
 * schema (docs/architecture.md, "Rolling upgrades"). Move this on when a release is cut; the
 * migrations after it must stay expand-only until the release after.
 */
export const PREVIOUS_RELEASE = {
  name: 'replicas (migrations up to 0011_chat_work)',
  commit: '4b32dcd673ceabe587e576932045bb082d213da0',
  lastMigration: '0011_chat_work',
};

/**
 * The previous release's files in a temporary directory, from this repository's history, with
 * this checkout's node_modules (the release's dependencies are the same; a release that changes
 * them must install its own here).
 */
export function checkOutPreviousRelease(): string {
  const root = packageRoot();
  try {
    execFileSync('git', ['cat-file', '-e', `${PREVIOUS_RELEASE.commit}^{commit}`], { cwd: root, stdio: 'ignore' });
  } catch {
    throw new Error(`the previous release (${PREVIOUS_RELEASE.commit}) is not in this clone's history: clone without --depth`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'triage-previous-'));
  execFileSync('sh', ['-c', `git archive --format=tar ${PREVIOUS_RELEASE.commit} | tar -x -C "${dir}"`], { cwd: root });
  if (!existsSync(join(dir, 'migrations', `${PREVIOUS_RELEASE.lastMigration}.sql`))) throw new Error('the previous release has no migration ' + PREVIOUS_RELEASE.lastMigration);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
