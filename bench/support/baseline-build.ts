import { existsSync, lstatSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { deferCleanup } from './cleanup.js';
import { runCommand } from './command.js';

export type BaselineBuild = {
  ref: string;
  commit: string;
  /** The baseline's built entry point, for startTriageProcess's `entry`. */
  entry: string;
  buildMs: number;
  /** Removes the worktree (also run by bench/support/cleanup.ts on Ctrl-C); idempotent. */
  remove(): Promise<void>;
};

/**
 * Another commit's Triage, built as `npm run build` builds this checkout, so a benchmark can
 * measure it next to today's code in the same run: a detached `git worktree` of `ref` in a
 * temporary directory, this checkout's node_modules linked into it (same dependencies, nothing
 * installed), `tsc -p tsconfig.build.json` there. The built Triage finds its own package root,
 * so it applies its own migrations (src/paths.ts). The checkout itself is never touched: no
 * checkout, no index change; the worktree is removed at the end, or on a signal.
 */
export async function buildBaseline(ref: string): Promise<BaselineBuild> {
  const root = packageRoot();
  const git = (args: string[], timeoutMs = 60_000) => runCommand('git', args, { cwd: root, timeoutMs });
  const commit = (await git(['rev-parse', '--verify', `${ref}^{commit}`], 10_000)).trim();
  const parent = mkdtempSync(join(tmpdir(), 'triage-bench-baseline-'));
  const dir = join(parent, 'tree');
  const link = join(dir, 'node_modules');
  let added = false;
  const remove = deferCleanup(`baseline worktree ${dir}`, async () => {
    try {
      // The link only, never what it points to: removing the worktree must not reach this checkout's node_modules.
      if (isLink(link)) unlinkSync(link);
      if (added) await git(['worktree', 'remove', '--force', dir]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
      if (added) await git(['worktree', 'prune']).catch(() => {});
    }
  });
  try {
    const started = performance.now();
    await git(['worktree', 'add', '--detach', dir, commit]);
    added = true;
    symlinkSync(join(root, 'node_modules'), link, 'dir');
    await runCommand('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 300_000 });
    const entry = join(dir, 'dist', 'src', 'main.js');
    if (!existsSync(entry)) throw new Error(`building ${ref} (${commit}) did not produce ${entry}`);
    return { ref, commit, entry, buildMs: performance.now() - started, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
